import Foundation

/// What is wrong with a `.safetensors` file: one fault, said in one short phrase.
///
/// The reader reports every malformed input with one of these, wrapped in a
/// `SafeTensorsError` that names the file; it never traps on file contents.
public enum SafeTensorsFault: Equatable, Sendable, CustomStringConvertible {
    /// No file at that path.
    case missing
    /// The path is a folder.
    case isFolder
    /// The operating system refused to read it (the reason as given).
    case unreadable(String)
    /// Exists but is not a regular file (what it is: "a character device", "a FIFO, a named pipe"…).
    case notRegular(String)
    /// Zero bytes.
    case empty
    /// Larger than the memory available to read it into.
    case tooLarge(bytes: Int, limit: Int)
    /// Fewer than the 8 bytes of the header length.
    case tooShort(bytes: Int)
    /// The header length is larger than the reader accepts (100 MB, as the reference reader).
    case headerTooLarge(length: UInt64)
    /// The header length points past the end of the file.
    case headerBeyondFile(length: UInt64, fileSize: Int)
    /// The header does not start with `{`.
    case headerStart
    /// The header bytes are not UTF-8.
    case headerNotUTF8
    /// The header is not valid JSON (the parser's reason and the byte offset in the header).
    case invalidJSON(String, offset: Int)
    /// The header is valid JSON but not an object.
    case headerNotObject
    /// `__metadata__` is not an object.
    case metadataNotObject
    /// A `__metadata__` value is not a string (the format allows strings only).
    case metadataNotString(key: String, found: String)
    /// A tensor's header entry is not an object.
    case entryNotObject(tensor: String)
    /// A tensor's header entry lacks a required field.
    case missingField(tensor: String, field: String)
    /// A field of a tensor's entry has the wrong form.
    case badField(tensor: String, field: String, why: String)
    /// A dtype the format knows but this reader does not convert.
    case unsupportedDType(tensor: String, dtype: String)
    /// A dtype the format does not define.
    case unknownDType(tensor: String, dtype: String)
    /// The byte range does not match shape × dtype size.
    case sizeMismatch(tensor: String, shape: [Int], dtype: String, expectedBytes: Int, rangeBytes: Int)
    /// shape × dtype size does not fit in memory at all.
    case impossibleSize(tensor: String, shape: [Int])
    /// Two tensors share bytes.
    case overlap(tensor: String, other: String)
    /// Bytes between two tensors (or before the first) that belong to none.
    case gap(tensor: String, expectedBegin: Int, begin: Int)
    /// The data section is shorter than the header promises.
    case truncated(expectedDataBytes: Int, actualDataBytes: Int)
    /// The data section is longer than the header accounts for.
    case trailingBytes(expectedDataBytes: Int, actualDataBytes: Int)
    /// Writing: a tensor may not be called `__metadata__`.
    case reservedName
    /// Writing failed (the operating system's reason); the previous file, if any, is untouched.
    case cannotWrite(String)

    public var description: String {
        switch self {
        case .missing: return "no such file"
        case .isFolder: return RegularFile.Problem.folder.description
        case .notRegular(let kind): return RegularFile.Problem.notRegular(kind).description
        case .empty: return RegularFile.Problem.empty.description
        case let .tooLarge(bytes, limit): return RegularFile.Problem.tooLarge(bytes: bytes, limit: limit).description
        case .unreadable(let why): return "cannot be read (\(why))"
        case .tooShort(let n): return "too short for a safetensors file: \(n) bytes, the header length alone takes 8"
        case .headerTooLarge(let n): return "header length \(n) is larger than the 100,000,000 bytes allowed (not a safetensors file?)"
        case let .headerBeyondFile(n, size):
            return "header length \(n) reaches past the end of the file (\(size) bytes; not a safetensors file, or truncated)"
        case .headerStart: return "the JSON header does not start with '{'"
        case .headerNotUTF8: return "the JSON header is not valid UTF-8"
        case let .invalidJSON(why, offset): return "invalid JSON header at byte \(offset): \(why)"
        case .headerNotObject: return "the JSON header is not an object"
        case .metadataNotObject: return "__metadata__ is not an object of strings"
        case let .metadataNotString(key, found): return "__metadata__ value \"\(key)\" is \(found); the format allows only strings"
        case .entryNotObject(let t): return "tensor \"\(t)\": its header entry is not an object"
        case let .missingField(t, f): return "tensor \"\(t)\": missing field \"\(f)\""
        case let .badField(t, f, why): return "tensor \"\(t)\": field \"\(f)\" \(why)"
        case let .unsupportedDType(t, d):
            return "tensor \"\(t)\": dtype \(d) is not supported (pixelrnn reads F32, and converts F16, BF16 and F64)"
        case let .unknownDType(t, d): return "tensor \"\(t)\": unknown dtype \"\(d)\""
        case let .sizeMismatch(t, shape, d, expected, range):
            return "tensor \"\(t)\": data_offsets span \(range) bytes, but shape \(shape) of \(d) needs \(expected)"
        case let .impossibleSize(t, shape): return "tensor \"\(t)\": shape \(shape) is impossibly large"
        case let .overlap(t, other): return "tensors \"\(other)\" and \"\(t)\" overlap in the data section"
        case let .gap(t, expected, begin):
            return "tensor \"\(t)\" begins at byte \(begin) of the data, expected \(expected) (tensors must be contiguous)"
        case let .truncated(expected, actual):
            return "truncated: the header promises \(expected) data bytes, the file has \(actual)"
        case let .trailingBytes(expected, actual):
            return "\(actual - expected) bytes after the last tensor (the header accounts for \(expected) data bytes, the file has \(actual))"
        case .reservedName: return "a tensor cannot be named \"__metadata__\""
        case .cannotWrite(let why): return "cannot be written (\(why)); any previous file is unchanged"
        }
    }
}

/// A `.safetensors` file that could not be read or written: the file and its fault, in one line.
public typealias SafeTensorsError = FileError<SafeTensorsFault>
