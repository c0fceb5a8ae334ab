/// What the first bytes of a PNG or JPEG file say, read before any decoder sees it:
/// the format, the size, the bits per channel and the channels.
///
/// This is how a 16-bit PNG or a CMYK JPEG is refused with its own reason (libgd
/// would silently reduce or convert it), and how a huge image is refused before
/// memory is given to its pixels.
public struct ImageFileHeader: Equatable, Sendable {
    /// The two formats read.
    public enum Format: String, Sendable {
        case png = "PNG", jpeg = "JPEG"
    }

    /// PNG or JPEG.
    public var format: Format
    /// Pixels per row.
    public var width: Int
    /// Rows.
    public var height: Int
    /// Bits per channel (PNG: 1, 2, 4, 8, 16; JPEG: 8 or 12).
    public var bitsPerChannel: Int
    /// True for a grey image (PNG colour types 0 and 4, a one-component JPEG).
    public var isGrey: Bool
    /// True for a CMYK (or YCCK) JPEG: four components.
    public var isCMYK: Bool

    /// The PNG signature.
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// PNG or JPEG, by the first bytes; nil for anything else.
    public static func format(of bytes: [UInt8]) -> Format? {
        if bytes.starts(with: pngSignature) { return .png }
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        return nil
    }

    /// The header of a PNG or JPEG file's bytes.
    public static func read(_ bytes: [UInt8], file: String) throws -> ImageFileHeader {
        switch format(of: bytes) {
        case .png: return try png(bytes, file: file)
        case .jpeg: return try jpeg(bytes, file: file)
        case nil: throw DataFileError(file: file, fault: .unknownFormat(firstBytes: Array(bytes.prefix(4))))
        }
    }

    /// PNG: the IHDR chunk right after the signature.
    static func png(_ bytes: [UInt8], file: String) throws -> ImageFileHeader {
        let corrupt = { (why: String) in DataFileError(file: file, fault: .corruptImage(format: "PNG", why: why)) }
        guard bytes.count >= 33 else { throw corrupt("it ends inside its header") }
        guard Array(bytes[12..<16]) == Array("IHDR".utf8) else { throw corrupt("no IHDR chunk after the signature") }
        let width = Int(IDXFile.readUInt32(bytes, at: 16)), height = Int(IDXFile.readUInt32(bytes, at: 20))
        let depth = Int(bytes[24]), colorType = bytes[25]
        guard width > 0, height > 0, [1, 2, 4, 8, 16].contains(depth), [0, 2, 3, 4, 6].contains(colorType) else {
            throw corrupt("impossible header: \(width)×\(height), bit depth \(depth), colour type \(colorType)")
        }
        return ImageFileHeader(format: .png, width: width, height: height, bitsPerChannel: depth,
                               isGrey: colorType == 0 || colorType == 4, isCMYK: false)
    }

    /// JPEG: markers are walked from the start to the first start-of-frame (SOF0…SOF15
    /// but DHT, JPG and DAC), whose fields give the size and the components.
    static func jpeg(_ bytes: [UInt8], file: String) throws -> ImageFileHeader {
        let corrupt = { (why: String) in DataFileError(file: file, fault: .corruptImage(format: "JPEG", why: why)) }
        var i = 2
        while true {
            guard i + 4 <= bytes.count else { throw corrupt("it ends before its frame header") }
            guard bytes[i] == 0xFF else { throw corrupt("no marker at byte \(i)") }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }                          // fill bytes
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { i += 2; continue }
            guard marker != 0xD9, marker != 0xDA else { throw corrupt("no frame header before the image data") }
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2 else { throw corrupt("a segment of length \(length)") }
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                guard i + 10 <= bytes.count else { throw corrupt("it ends inside its frame header") }
                let precision = Int(bytes[i + 4])
                let height = Int(bytes[i + 5]) << 8 | Int(bytes[i + 6])
                let width = Int(bytes[i + 7]) << 8 | Int(bytes[i + 8])
                let components = Int(bytes[i + 9])
                guard width > 0, height > 0, [1, 3, 4].contains(components) else {
                    throw corrupt("impossible frame header: \(width)×\(height), \(components) components")
                }
                return ImageFileHeader(format: .jpeg, width: width, height: height, bitsPerChannel: precision,
                                       isGrey: components == 1, isCMYK: components == 4)
            }
            i += 2 + length
        }
    }
}
