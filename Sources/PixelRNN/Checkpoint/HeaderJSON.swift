/// A JSON value as a safetensors header needs it.
///
/// Why not `JSONSerialization`: it turns numbers into `Double`s or `Bool`s
/// (`1` and `true` look alike, offsets above 2⁵³ lose digits) and recurses
/// without a depth limit. Here numbers keep their text, so integers are read
/// exactly, objects keep their key order, duplicate keys are an error, and
/// nesting deeper than `HeaderJSONParser.maxDepth` is refused instead of
/// overflowing the stack.
indirect enum HeaderJSON {
    case object([(key: String, value: HeaderJSON)])
    case array([HeaderJSON])
    case string(String)
    /// The number exactly as written, e.g. `12`, `-3.5e2`.
    case number(String)
    case bool(Bool)
    case null

    /// The value of `key` in an object (nil for other values or a missing key).
    subscript(key: String) -> HeaderJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// A non-negative integer written without sign, fraction or exponent, if it fits an `Int`.
    var nonNegativeInteger: Int? {
        guard case .number(let text) = self, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    /// The kind of value, for error messages: "a string", "an array", …
    var kindName: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}

/// Why a header is not valid JSON, and where (a byte offset into the header).
struct HeaderJSONError: Error, Equatable {
    let message: String
    let offset: Int
}

/// A strict RFC 8259 parser over UTF-8 bytes, producing `HeaderJSON`.
struct HeaderJSONParser {
    /// Deeper nesting is refused (a safetensors header needs 3 levels).
    static let maxDepth = 32

    private let bytes: [UInt8]
    private var at = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one complete JSON document; only whitespace may follow it.
    static func parse(_ bytes: [UInt8]) throws -> HeaderJSON {
        var parser = HeaderJSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.at < bytes.count { throw parser.fail("unexpected text after the end of the JSON value") }
        return value
    }

    // MARK: - Values

    private mutating func value(depth: Int) throws -> HeaderJSON {
        guard depth < Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth) levels") }
        guard let byte = peek() else { throw fail("unexpected end of the header") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("unexpected character \(describe(byte))")
        }
    }

    private mutating func object(depth: Int) throws -> HeaderJSON {
        at += 1                                             // '{'
        var members: [(key: String, value: HeaderJSON)] = []
        var seen = Set<String>()
        skipWhitespace()
        if consume("}") { return .object(members) }
        repeat {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
            let keyOffset = at
            let key = try string()
            guard seen.insert(key).inserted else {
                throw HeaderJSONError(message: "duplicate key \"\(key)\"", offset: keyOffset)
            }
            skipWhitespace()
            guard consume(":") else { throw fail("expected ':' after key \"\(key)\"") }
            skipWhitespace()
            members.append((key, try value(depth: depth + 1)))
            skipWhitespace()
        } while consume(",")
        guard consume("}") else { throw fail("expected ',' or '}' in an object") }
        return .object(members)
    }

    private mutating func array(depth: Int) throws -> HeaderJSON {
        at += 1                                             // '['
        var elements: [HeaderJSON] = []
        skipWhitespace()
        if consume("]") { return .array(elements) }
        repeat {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
        } while consume(",")
        guard consume("]") else { throw fail("expected ',' or ']' in an array") }
        return .array(elements)
    }

    /// A string starting at the opening quote; escapes decoded, raw bytes kept as UTF-8.
    private mutating func string() throws -> String {
        at += 1                                             // '"'
        var out: [UInt8] = []
        while let byte = peek() {
            at += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &out)
            case 0..<0x20:
                at -= 1
                throw fail("control character \(describe(byte)) inside a string")
            default:
                out.append(byte)
            }
        }
        throw fail("unterminated string")
    }

    /// One escape after a backslash, appended to `out` as UTF-8.
    private mutating func escape(into out: inout [UInt8]) throws {
        guard let byte = peek() else { throw fail("unterminated string") }
        at += 1
        let simple: [UInt8: UInt8] = [0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F, 0x62: 0x08,
                                      0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09]
        if let decoded = simple[byte] { out.append(decoded); return }
        guard byte == UInt8(ascii: "u") else { at -= 1; throw fail("invalid escape \\\(describe(byte))") }
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar) {             // high surrogate: a low one must follow
            guard consume("\\"), consume("u") else { throw fail("unpaired surrogate in \\u escape") }
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(scalar) {
            throw fail("unpaired surrogate in \\u escape")
        }
        guard let decoded = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
        out.append(contentsOf: Array(String(Character(decoded)).utf8))
    }

    /// Four hex digits of a `\u` escape.
    private mutating func hex4() throws -> UInt32 {
        guard at + 4 <= bytes.count else { throw fail("\\u must be followed by four hex digits") }
        var v: UInt32 = 0
        for b in bytes[at..<at + 4] {
            guard let d = hexValue(b) else { throw fail("\\u must be followed by four hex digits") }
            v = v << 4 | d
        }
        at += 4
        return v
    }

    /// A number per the JSON grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func number() throws -> String {
        let start = at
        _ = consume("-")
        if consume("0") {
            if let d = peek(), isDigit(d) { throw fail("leading zeros are not allowed in numbers") }
        } else {
            guard digits() > 0 else { throw fail("expected a digit") }
        }
        if consume(".") { guard digits() > 0 else { throw fail("expected a digit after '.'") } }
        if consume("e") || consume("E") {
            if !consume("+") { _ = consume("-") }
            guard digits() > 0 else { throw fail("expected a digit in the exponent") }
        }
        return String(decoding: bytes[start..<at], as: UTF8.self)
    }

    // MARK: - Bytes

    private func peek() -> UInt8? { at < bytes.count ? bytes[at] : nil }

    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }

    /// Skips the digits at the cursor; returns how many.
    private mutating func digits() -> Int {
        let start = at
        while let b = peek(), isDigit(b) { at += 1 }
        return at - start
    }

    /// Consumes `ascii` (one character) if it is next.
    private mutating func consume(_ ascii: Unicode.Scalar) -> Bool {
        guard peek() == UInt8(ascii: ascii) else { return false }
        at += 1
        return true
    }

    private mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard at + w.count <= bytes.count, Array(bytes[at..<at + w.count]) == w else {
            throw fail("invalid literal (expected \(word))")
        }
        at += w.count
    }

    private mutating func skipWhitespace() {
        while let b = peek(), b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { at += 1 }
    }

    private func fail(_ message: String) -> HeaderJSONError {
        HeaderJSONError(message: message, offset: at)
    }

    private func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(hex(byte))"
    }
}
