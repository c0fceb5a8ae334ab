import Foundation

/// The magic numbers of the IDX format (LeCun's MNIST files): two zero bytes,
/// the element type (0x08 = unsigned byte), and the number of dimensions.
public enum IDXMagic {
    /// Images: unsigned bytes, 3 dimensions (count, rows, columns).
    public static let images: UInt32 = 0x0000_0803
    /// Labels: unsigned bytes, 1 dimension (count).
    public static let labels: UInt32 = 0x0000_0801
    /// Images with colours: unsigned bytes, 4 dimensions (count, rows, columns, colours),
    /// each pixel's colours (1, or 3: R, G, B) side by side.
    public static let colourImages: UInt32 = 0x0000_0804

    /// `0x00000803 (IDX images)` and the like, for error messages.
    public static func describe(_ magic: UInt32) -> String {
        let digits = String(magic, radix: 16, uppercase: true)
        let text = "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
        switch magic {
        case images: return text + " (IDX images)"
        case labels: return text + " (IDX labels)"
        case colourImages: return text + " (IDX images with colours)"
        default: return text
        }
    }
}

/// Images read from an IDX file: `count` images of `rows`×`columns` pixels of `colors`
/// bytes each, row-major, a pixel's colours side by side (as IDX stores them).
public struct IDXImages: Equatable, Sendable {
    /// How many images.
    public var count: Int
    /// Pixel rows per image.
    public var rows: Int
    /// Pixel columns per image.
    public var columns: Int
    /// Bytes per pixel: 1 (grey) or 3 (R, G, B).
    public var colors: Int
    /// All pixels, image after image, each row by row; for MNIST 0 = background, 255 = ink.
    public var pixels: [UInt8]

    /// Images from their sizes and pixels (`pixels.count` should be count × rows × columns × colors).
    public init(count: Int, rows: Int, columns: Int, colors: Int = 1, pixels: [UInt8]) {
        self.count = count
        self.rows = rows
        self.columns = columns
        self.colors = colors
        self.pixels = pixels
    }

    /// Bytes per image: rows × columns × colors.
    public var bytesPerImage: Int { rows * columns * colors }
}

/// The sizes an IDX image header declares.
public struct IDXImageHeader: Equatable, Sendable {
    /// How many images.
    public var count: Int
    /// Pixel rows per image.
    public var rows: Int
    /// Pixel columns per image.
    public var columns: Int
    /// Colours per pixel (1 for an IDX3 file).
    public var colors: Int
    /// The header's length in bytes: 16 (IDX3) or 20 (4 dimensions).
    public var length: Int
}

/// Reading and writing IDX files (images: idx3, labels: idx1; unsigned bytes;
/// big-endian sizes), raw or gzip-compressed.
public enum IDXFile {
    /// The images of an IDX3 file at `url` (raw or gzip). The header is read and checked
    /// first; only then is the rest decompressed, never past what the header promises.
    public static func readImages(_ url: URL, shouldStop: () -> Bool = { false }) throws -> IDXImages {
        let raw = try DataFileBytes.raw(url, shouldStop: shouldStop)
        let header = try imageHeader(DataFileBytes.head(raw, count: 20, file: url.path), file: url.path)
        let expected = header.length + header.count * header.rows * header.columns * header.colors
        try DataFileBytes.checkCanHold(raw, expected: expected, file: url.path)
        let bytes = try DataFileBytes.unpack(raw, file: url.path, expected: expected, shouldStop: shouldStop)
        return try parseImages(bytes, file: url.path)
    }

    /// The labels of an IDX1 file at `url` (raw or gzip), header first as for images;
    /// with `count`, a header promising another number of labels is refused before the rest is read.
    public static func readLabels(_ url: URL, count wanted: Int? = nil, images: String? = nil,
                                  shouldStop: () -> Bool = { false }) throws -> [UInt8] {
        let raw = try DataFileBytes.raw(url, shouldStop: shouldStop)
        let head = try DataFileBytes.head(raw, count: 8, file: url.path)
        let count = try header(head, magic: IDXMagic.labels, dimensions: 1, file: url.path)[0]
        if let wanted, count != wanted {
            throw DataFileError(file: images ?? url.path, fault: .countMismatch(images: wanted, labels: count, labelsFile: url.path))
        }
        try DataFileBytes.checkCanHold(raw, expected: 8 + count, file: url.path)
        return try parseLabels(DataFileBytes.unpack(raw, file: url.path, expected: 8 + count, shouldStop: shouldStop), file: url.path)
    }

    /// Parses the (already decompressed) bytes of an IDX image file (3 or 4 dimensions).
    public static func parseImages(_ bytes: [UInt8], file: String) throws -> IDXImages {
        let h = try imageHeader(bytes, file: file)
        try checkLength(bytes, expected: h.length + h.count * h.rows * h.columns * h.colors, file: file)
        return IDXImages(count: h.count, rows: h.rows, columns: h.columns, colors: h.colors,
                         pixels: Array(bytes[h.length...]))
    }

    /// The sizes an IDX image header declares: IDX3 (magic 0x00000803: count, rows,
    /// columns; its first 16 bytes suffice) or 4 dimensions (magic 0x00000804: count,
    /// rows, columns, colours 1 or 3; 20 bytes). Refused when they describe more than
    /// fits in memory at all, or another number of colours.
    public static func imageHeader(_ bytes: [UInt8], file: String) throws -> IDXImageHeader {
        let fourDimensions = bytes.count >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[3] == 4
        let dimensions = fourDimensions ? 4 : 3
        let sizes = try header(bytes, magic: fourDimensions ? IDXMagic.colourImages : IDXMagic.images,
                               dimensions: dimensions, file: file)
        let (count, rows, columns) = (sizes[0], sizes[1], sizes[2])
        let colors = fourDimensions ? sizes[3] : 1
        guard colors == 1 || colors == 3 else { throw DataFileError(file: file, fault: .wrongColorCount(colors)) }
        let (perImage, o1) = rows.multipliedReportingOverflow(by: columns * colors)
        let (payload, o2) = count.multipliedReportingOverflow(by: perImage)
        guard !o1, !o2, payload < Int.max - 20 else {
            throw DataFileError(file: file, fault: .impossibleHeader("\(count) images of \(rows)×\(columns) pixels"))
        }
        return IDXImageHeader(count: count, rows: rows, columns: columns, colors: colors, length: 4 + 4 * dimensions)
    }

    /// Parses the (already decompressed) bytes of an IDX1 label file.
    public static func parseLabels(_ bytes: [UInt8], file: String) throws -> [UInt8] {
        let count = try header(bytes, magic: IDXMagic.labels, dimensions: 1, file: file)[0]
        try checkLength(bytes, expected: 8 + count, file: file)
        return Array(bytes[8...])
    }

    /// The bytes of an IDX image file (not compressed):
    /// IDX3 for grey images, 4 dimensions (magic 0x00000804) for colour ones.
    public static func encodeImages(_ images: IDXImages) -> [UInt8] {
        let colour = images.colors != 1
        var out = bigEndian(colour ? IDXMagic.colourImages : IDXMagic.images) + bigEndian(UInt32(images.count))
        out += bigEndian(UInt32(images.rows)) + bigEndian(UInt32(images.columns))
        if colour { out += bigEndian(UInt32(images.colors)) }
        return out + images.pixels
    }

    /// The bytes of an IDX1 label file (not compressed).
    public static func encodeLabels(_ labels: [UInt8]) -> [UInt8] {
        bigEndian(IDXMagic.labels) + bigEndian(UInt32(labels.count)) + labels
    }

    /// Checks the magic number and returns the `dimensions` sizes that follow it.
    static func header(_ bytes: [UInt8], magic: UInt32, dimensions: Int, file: String) throws -> [Int] {
        let headerLength = 4 + 4 * dimensions
        guard bytes.count >= 4 else {
            throw DataFileError(file: file, fault: .truncated(expectedBytes: headerLength, actualBytes: bytes.count))
        }
        let found = readUInt32(bytes, at: 0)
        if found != magic {
            let typeOnlyDiffers = bytes[0] == 0 && bytes[1] == 0 && Int(bytes[3]) == dimensions
                && [0x09, 0x0B, 0x0C, 0x0D, 0x0E].contains(bytes[2])
            if typeOnlyDiffers { throw DataFileError(file: file, fault: .unsupportedElementType(bytes[2])) }
            throw DataFileError(file: file, fault: .badMagic(found: found, expected: magic))
        }
        guard bytes.count >= headerLength else {
            throw DataFileError(file: file, fault: .truncated(expectedBytes: headerLength, actualBytes: bytes.count))
        }
        return (0..<dimensions).map { Int(readUInt32(bytes, at: 4 + 4 * $0)) }
    }

    /// A length check against what the header promised.
    static func checkLength(_ bytes: [UInt8], expected: Int, file: String) throws {
        if bytes.count < expected {
            throw DataFileError(file: file, fault: .truncated(expectedBytes: expected, actualBytes: bytes.count))
        }
        if bytes.count > expected {
            throw DataFileError(file: file, fault: .trailingBytes(expectedBytes: expected, actualBytes: bytes.count))
        }
    }

    /// The big-endian UInt32 at `offset` (the caller checked the length).
    static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { ($0 << 8) | UInt32(bytes[offset + $1]) }
    }

    /// Four big-endian bytes.
    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
