import Foundation

/// What is wrong with a data file: one fault, said in one short phrase.
///
/// Every loader in this folder reports malformed input with one of these cases,
/// wrapped in a `DataFileError` that names the file; nothing here ever traps on
/// file contents.
public enum DataFileFault: Error, Equatable, Sendable, CustomStringConvertible {
    /// No file at that path.
    case missing
    /// The path is a folder.
    case isFolder
    /// The operating system refused to read it (the reason as given).
    case unreadable(String)
    /// Zero bytes (or only whitespace, for a text file).
    case empty
    /// The gzip data is damaged (zlib's reason).
    case corruptGzip(String)
    /// The gzip stream stops before its end.
    case truncatedGzip
    /// The decompressed data would be larger than `limit` bytes.
    case tooLarge(limit: Int)
    /// An IDX file whose first four bytes are not the expected magic number.
    case badMagic(found: UInt32, expected: UInt32)
    /// An IDX file of another element type than unsigned bytes (0x08).
    case unsupportedElementType(UInt8)
    /// Fewer bytes than the header promises.
    case truncated(expectedBytes: Int, actualBytes: Int)
    /// More bytes than the header promises.
    case trailingBytes(expectedBytes: Int, actualBytes: Int)
    /// A header whose sizes cannot describe a real file.
    case impossibleHeader(String)
    /// Images whose sides are outside `DataLimits.sides` (2…64 pixels).
    case wrongImageSize(rows: Int, columns: Int)
    /// An IDX file with another number of colours per pixel than 1 or 3.
    case wrongColorCount(Int)
    /// A PNG or JPEG file that is damaged or cut short (the decoder's reason, or what was checked).
    case corruptImage(format: String, why: String)
    /// A PNG or JPEG whose pixels pixelrnn does not read (16 bits per channel, CMYK…).
    case unsupportedImage(format: String, what: String)
    /// A grey image (one channel) in a colour load.
    case greyImageInColourLoad
    /// An image smaller than the `--size` it should be cut to.
    case imageTooSmall(width: Int, height: Int, size: Int)
    /// An image too large to decode (more than `ImageFiles.maxPixels` pixels).
    case imageTooLarge(width: Int, height: Int, limit: Int)
    /// Images of different sizes in one load without `--size` (the first image's size and file).
    case mixedSizes(width: Int, height: Int, firstWidth: Int, firstHeight: Int, firstFile: String)
    /// A folder with no PNG or JPEG files in it.
    case noImageFiles
    /// An image with a side over `DataLimits.sides` loaded without `--size`.
    case needsSize(width: Int, height: Int)
    /// The image file and its label file disagree on the number of items.
    case countMismatch(images: Int, labels: Int, labelsFile: String)
    /// A file with no images in it.
    case noImages
    /// Too few images to make three non-empty splits.
    case tooFewImages(count: Int, emptySplit: String)
    /// A token of a `.amat` file that is not `0` or `1` (line and value numbers from 1).
    case amatValue(line: Int, position: Int, token: String)
    /// A line of a `.amat` file without exactly 784 values.
    case amatLineLength(line: Int, values: Int)
    /// Neither IDX nor `.amat` (the first bytes, for the curious).
    case unknownFormat(firstBytes: [UInt8])
    /// An IDX label file given where images were expected.
    case labelsInsteadOfImages
    /// The bundled data set was not found; the places searched.
    case bundledNotFound(searched: [String])
    /// Exists but is not a regular file (what it is: "a character device", "a FIFO, a named pipe"…).
    case notRegular(String)
    /// More images than a data file may hold (`DataLimits.maxImages`).
    case tooManyImages(count: Int, limit: Int)
    /// The header promises more bytes than a compressed file of this size can hold.
    case cannotHold(expectedBytes: Int, compressedBytes: Int)
    /// The decompressed data goes on past what the header promises.
    case longerThanHeader(expectedBytes: Int)
    /// Loading the file would need more memory than the machine has free.
    case needsMemory(bytes: Int, available: Int)
    /// The caller's `shouldStop` returned true (the user interrupted the load).
    case stopped

    public var description: String {
        switch self {
        case .missing: return "no such file"
        case .isFolder: return RegularFile.Problem.folder.description
        case .unreadable(let why): return "cannot be read (\(why))"
        case .empty: return "is empty (an empty file, or only blank lines)"
        case .corruptGzip(let why): return "corrupt gzip data (\(why))"
        case .truncatedGzip: return "truncated gzip data (the compressed stream ends early)"
        case .tooLarge(let limit): return "too large: more than \(limit) bytes once decompressed"
        case let .badMagic(found, expected):
            return "bad magic number \(IDXMagic.describe(found)), expected \(IDXMagic.describe(expected))"
        case .unsupportedElementType(let t):
            return "unsupported IDX element type 0x\(hex(t)); only unsigned bytes (0x08) are read"
        case let .truncated(expected, actual):
            return "truncated: the header promises \(expected) bytes, the file has \(actual)"
        case let .trailingBytes(expected, actual):
            return "wrong size: the header promises \(expected) bytes, the file has \(actual) (extra bytes at the end)"
        case .impossibleHeader(let what): return "impossible header (\(what))"
        case let .wrongImageSize(rows, columns):
            return "wrong image size: \(rows)×\(columns) pixels, pixelrnn reads \(DataLimits.sides.lowerBound)×\(DataLimits.sides.lowerBound)"
                + " to \(DataLimits.sides.upperBound)×\(DataLimits.sides.upperBound)"
        case .wrongColorCount(let colors):
            return "\(colors) colours per pixel; pixelrnn reads 1 (grey) or 3 (R, G, B)"
        case let .corruptImage(format, why): return "corrupt or truncated \(format) (\(why))"
        case let .unsupportedImage(format, what): return "\(what) \(format); pixelrnn reads 8-bit grey or RGB images"
        case .greyImageInColourLoad:
            return "is a grey image (one channel) in a colour load; load with --grey, or convert it to RGB"
        case let .imageTooSmall(width, height, size):
            return "is \(width)×\(height) pixels, smaller than --size \(size) (images are cut and shrunk, never enlarged)"
        case let .imageTooLarge(width, height, limit):
            return "is \(width)×\(height) pixels, more than the \(limit) pixels an image may have"
        case let .mixedSizes(width, height, firstWidth, firstHeight, firstFile):
            return "is \(width)×\(height) pixels but \(QuotedText.escaped(firstFile)) is \(firstWidth)×\(firstHeight); "
                + "give --size N to cut them all to N×N"
        case let .needsSize(width, height):
            return "is \(width)×\(height) pixels, more than the \(DataLimits.sides.upperBound) a side pixelrnn reads: "
                + "give --size N (\(DataLimits.sides.lowerBound)…\(DataLimits.sides.upperBound)) to cut and shrink it"
        case .noImageFiles: return "is a directory (a folder) with no PNG or JPEG files (.png, .jpg, .jpeg) in it"
        case let .countMismatch(images, labels, labelsFile):
            return "count mismatch: \(images) images but \(labels) labels in \(labelsFile)"
        case .noImages: return "holds no images"
        case let .tooFewImages(count, split):
            return "too few images (\(count)) to split: the \(split) split would be empty"
        case let .amatValue(line, position, token):
            return "line \(line), value \(position) is '\(token)'; .amat values must be 0 or 1"
        case let .amatLineLength(line, values):
            return "line \(line) has \(values) values, expected 784 (one 28×28 image per line)"
        case .unknownFormat(let bytes):
            return "unknown format: neither IDX nor .amat (starts with \(bytes.map(hex).joined(separator: " ")))"
        case .labelsInsteadOfImages:
            return "is an IDX label file; give the image file (…-images-idx3-ubyte) instead"
        case .notRegular(let kind): return RegularFile.Problem.notRegular(kind).description
        case let .tooManyImages(count, limit):
            return "impossible header: \(count) images, more than the \(limit) a data file may hold"
        case let .cannotHold(expected, compressed):
            return "impossible header: it promises \(expected) bytes, more than \(compressed) bytes of gzip data can hold"
        case .longerThanHeader(let expected):
            return "wrong size: the header promises \(expected) bytes, the decompressed data is longer (extra bytes at the end)"
        case let .needsMemory(bytes, available):
            return "needs about \(MachineMemory.describe(bytes)) of memory to load, more than the \(MachineMemory.describe(available)) available"
        case .stopped: return "loading was stopped"
        case .bundledNotFound(let searched):
            return "not found (looked in \(searched.joined(separator: ", ")); set PIXELRNN_DATA to the data folder"
        }
    }
}

/// A data file that could not be loaded: the file and its fault, said in one line.
public typealias DataFileError = FileError<DataFileFault>

/// Two hex digits.
func hex(_ byte: UInt8) -> String {
    let s = String(byte, radix: 16, uppercase: true)
    return s.count == 1 ? "0" + s : s
}
