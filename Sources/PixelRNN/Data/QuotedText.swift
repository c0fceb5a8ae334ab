/// Text taken from a file, made safe to put in a one-line message: control characters
/// (ESC, BEL, NUL, newlines, DEL, the C1 controls) written as escapes such as `\e`,
/// `\a`, `\0`, `\u{9B}`, bytes that are not UTF-8 as `\xFF`, and long text cut short.
///
/// Error descriptions that echo a file's bytes (a `.amat` token, a metadata value, a
/// tensor name) go through it, so a hostile file can neither drive the terminal nor
/// flood it.
public enum QuotedText {
    /// The longest text kept, in characters; longer text ends with `…`.
    public static let defaultLimit = 60

    /// `text` with its control characters escaped, cut to `limit` characters.
    public static func escaped(_ text: String, limit: Int = defaultLimit) -> String {
        var out = ""
        var kept = 0
        for scalar in text.unicodeScalars {
            if kept >= limit { return out + "…" }
            out += escape(scalar)
            kept += 1
        }
        return out
    }

    /// The bytes decoded as UTF-8 (each byte that is not part of a valid character
    /// written `\xNN`), escaped and cut to `limit` characters.
    public static func escaped<Bytes: Collection>(bytes: Bytes, limit: Int = defaultLimit) -> String
    where Bytes.Element == UInt8 {
        let all = Array(bytes.prefix(limit * 4 + 1))
        var out = ""
        var kept = 0
        var i = 0
        while i < all.count {
            if kept >= limit { return out + "…" }
            let lead = all[i]
            let length = lead < 0x80 ? 1 : (0xC2...0xDF).contains(lead) ? 2 : (0xE0...0xEF).contains(lead) ? 3
                : (0xF0...0xF4).contains(lead) ? 4 : 0
            if length > 0, i + length <= all.count,
               let character = String(validating: all[i..<(i + length)], as: UTF8.self) {
                out += character.unicodeScalars.map(escape).joined()
                i += length
            } else {
                out += "\\x" + String(lead, radix: 16, uppercase: true).leftPadded
                i += 1
            }
            kept += 1
        }
        return bytes.count > all.count ? out + "…" : out
    }

    /// `"text"`, escaped and cut.
    public static func quoted(_ text: String, limit: Int = defaultLimit) -> String {
        "\"" + escaped(text, limit: limit).replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// One scalar as itself, or as an escape when it is a control character.
    static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0: return "\\0"
        case 7: return "\\a"
        case 8: return "\\b"
        case 9: return "\\t"
        case 10: return "\\n"
        case 13: return "\\r"
        case 27: return "\\e"
        case 0..<32, 0x7F...0x9F, 0x2028, 0x2029:
            return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default: return String(scalar)
        }
    }
}

private extension String {
    /// Two hex digits.
    var leftPadded: String { count == 1 ? "0" + self : self }
}
