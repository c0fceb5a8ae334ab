import CGD

/// One of libgd's built-in bitmap fonts (fixed width, Latin-2).
public enum Font: Sendable {
    /// 5×8: tiny print, e.g. values in small cells.
    case tiny
    /// 6×13: tick labels, captions, legends.
    case small
    /// 7×13 bold: subtitles.
    case mediumBold
    /// 8×16: titles.
    case large
    /// 9×15 bold.
    case giant

    var pointer: gdFontPtr {
        switch self {
        case .tiny: return cgd_font_tiny()
        case .small: return cgd_font_small()
        case .mediumBold: return cgd_font_medium_bold()
        case .large: return cgd_font_large()
        case .giant: return cgd_font_giant()
        }
    }

    /// Width of one character in pixels.
    public var width: Int { Int(cgd_font_width(pointer)) }
    /// Height of one line in pixels.
    public var height: Int { Int(cgd_font_height(pointer)) }

    /// Width of `text` in pixels, as drawn.
    public func width(of text: String) -> Int {
        Font.encode(text).count * width
    }

    /// `text` as the bytes the bitmap fonts can draw: ASCII as is, a few
    /// symbols spelled out ("→" as "->"), anything else as "?".
    static func encode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7F {
                bytes.append(UInt8(scalar.value))
            } else if let spelled = spellings[scalar] {
                bytes.append(contentsOf: spelled.utf8)
            } else if scalar == "\u{D7}" || scalar == "\u{B0}" {
                bytes.append(UInt8(scalar.value)) // × and ° are the same in Latin-1 and Latin-2
            } else if scalar == "\t" {
                bytes.append(0x20)
            } else if scalar.value >= 0x20 {
                bytes.append(UInt8(ascii: "?"))
            }
        }
        return bytes
    }

    private static let spellings: [Unicode.Scalar: String] = [
        "→": "->", "←": "<-", "↑": "^", "↓": "v", "≤": "<=", "≥": ">=", "≠": "!=",
        "–": "-", "—": "-", "−": "-", "…": "...", "·": ".", "•": "*", "’": "'",
        "‘": "'", "“": "\"", "”": "\"", "²": "^2", "σ": "sigma", "∂": "d", "⊙": "*",
        "α": "alpha", "β": "beta", "θ": "theta", "μ": "mu", "Σ": "sum", "≈": "~",
    ]
}

/// Word-wraps `text` into lines of at most `maxChars` characters (explicit
/// newlines kept; a single longer word is cut).
func wrapWords(_ text: String, maxChars: Int) -> [String] {
    let limit = max(1, maxChars)
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        var line = ""
        for word in paragraph.split(separator: " ") {
            var word = String(word)
            while word.count > limit {
                if !line.isEmpty { lines.append(line); line = "" }
                lines.append(String(word.prefix(limit)))
                word = String(word.dropFirst(limit))
            }
            if line.isEmpty {
                line = word
            } else if line.count + 1 + word.count <= limit {
                line += " " + word
            } else {
                lines.append(line)
                line = word
            }
        }
        lines.append(line)
    }
    return lines
}

/// `text` cut to at most `maxWidth` pixels in `font`, ending in ".." when cut.
func truncated(_ text: String, toWidth maxWidth: Int, font: Font) -> String {
    guard font.width(of: text) > maxWidth else { return text }
    var cut = text
    while !cut.isEmpty && font.width(of: cut + "..") > maxWidth {
        cut.removeLast()
    }
    return cut.isEmpty ? "" : cut + ".."
}
