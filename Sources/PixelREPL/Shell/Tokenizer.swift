import Foundation

/// Splits a command line into words, shell style.
///
/// - Words are separated by spaces and tabs.
/// - `'…'` quotes literally; `"…"` quotes too, and inside it `\"` and `\\` stand
///   for `"` and `\` (any other backslash is kept).
/// - Outside quotes a backslash makes the next character ordinary (`my\ file`).
/// - `#` at the start of a word, outside quotes, starts a comment to the end of
///   the line (`a#b` is one word).
/// - `''` and `""` are empty words.
public enum Tokenizer {
    /// The words of `line`. Throws a one-line `CommandError` for an unterminated
    /// quote or a line ending in a backslash.
    public static func split(_ line: String) throws -> [String] {
        let result = scan(line)
        if let fault = result.fault { throw CommandError(fault) }
        return result.words
    }

    /// The words of a line still being typed (for completion): an unterminated
    /// quote or trailing backslash is accepted as if it were closed.
    public static func splitLeniently(_ line: String) -> [String] {
        scan(line).words
    }

    private static func scan(_ line: String) -> (words: [String], fault: String?) {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character? = nil
        var escaped = false
        for ch in line {
            if escaped {
                // After a backslash: inside "…" only " and \ are special.
                if quote == "\"" && ch != "\"" && ch != "\\" { word.append("\\") }
                word.append(ch)
                escaped = false
                continue
            }
            if let q = quote {
                if ch == q {
                    quote = nil
                } else if ch == "\\" && q == "\"" {
                    escaped = true
                } else {
                    word.append(ch)
                }
                continue
            }
            switch ch {
            case " ", "\t", "\r", "\n":
                if inWord { words.append(word); word = ""; inWord = false }
            case "'", "\"":
                quote = ch
                inWord = true
            case "\\":
                escaped = true
                inWord = true
            case "#" where !inWord:
                return (words, nil)
            default:
                word.append(ch)
                inWord = true
            }
        }
        var fault: String? = nil
        if let q = quote {
            fault = "unterminated \(q) quote"
        } else if escaped {
            fault = "the line ends with a backslash"
        }
        if escaped && quote == "\"" { word.append("\\") }
        if inWord { words.append(word) }
        return (words, fault)
    }

    /// `word` quoted so that `split` gives it back unchanged (for showing command
    /// lines, e.g. a file name with spaces).
    public static func quote(_ word: String) -> String {
        if word.isEmpty { return "''" }
        let special: Set<Character> = [" ", "\t", "'", "\"", "\\", "#"]
        guard word.contains(where: { special.contains($0) }) else { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
