/// Errors of sampling and completion: one clear line each.
public enum SamplingError: Error, CustomStringConvertible, Equatable {
    /// A count, size, mask or image that does not fit.
    case invalidArgument(String)
    /// The incremental path was asked for a model that has none.
    case noFastPath(String)
    /// `shouldStop` returned true before the last pixel.
    case interrupted(pixelsDone: Int, of: Int)

    public var description: String {
        switch self {
        case .invalidArgument(let s), .noFastPath(let s): return s
        case .interrupted(let done, let total): return "sampling stopped after \(done) of \(total) pixel draws"
        }
    }
}

/// Which stepper computes the conditionals.
public enum SamplingMethod: String, Sendable, CaseIterable {
    /// The incremental stepper when every block has one, else the reference.
    case automatic
    /// A full forward pass per pixel colour.
    case reference
    /// One position per pixel (throws `noFastPath` if a block has no incremental form).
    case incremental
}
