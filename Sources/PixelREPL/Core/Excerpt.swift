/// Input echoed in a message is cut short: a 1 MB word typed (or read from a file)
/// gives a one-line error of about 80 characters, not a 1 MB one.
extension String {
    /// The longest piece of user input a message quotes.
    static let excerptLimit = 80

    /// The string itself, or its first `excerptLimit` characters and "…".
    var excerpt: String { count <= String.excerptLimit ? self : prefix(String.excerptLimit) + "…" }
}
