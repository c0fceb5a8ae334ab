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
    /// Images that are not 28×28 pixels.
    case wrongImageSize(rows: Int, columns: Int)
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
            return "wrong image size: \(rows)×\(columns) pixels, pixelrnn needs 28×28"
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
