import Foundation

/// The element types pixelrnn reads from a safetensors file. F32 is read as is;
/// F16, BF16 and F64 are converted to Float32 (and the file's `notes` say so).
/// Every other dtype of the format is refused with a clear error.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    case F32, F16, BF16, F64

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .F16, .BF16: return 2
        case .F32: return 4
        case .F64: return 8
        }
    }

    /// The format's other dtypes: known, but not read by pixelrnn.
    static let otherKnown: Set<String> = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "I16", "U16",
                                          "I32", "U32", "I64", "U64", "C64", "F4", "F6_E2M3", "F6_E3M2"]
}

/// The contents of a safetensors file: named Float32 tensors and string metadata.
public struct SafeTensorsFile: Sendable {
    /// The tensors by name, converted to Float32.
    public var tensors: [String: Tensor]
    /// The `__metadata__` map (empty when the file has none).
    public var metadata: [String: String]
    /// The dtype each tensor was stored in.
    public var storedDTypes: [String: SafeTensorsDType]

    public init(tensors: [String: Tensor], metadata: [String: String] = [:],
                storedDTypes: [String: SafeTensorsDType]? = nil) {
        self.tensors = tensors
        self.metadata = metadata
        self.storedDTypes = storedDTypes ?? tensors.mapValues { _ in .F32 }
    }

    /// One line per converted dtype, e.g. "3 tensors stored as F16 were converted to Float32".
    public var notes: [String] {
        let converted = Dictionary(grouping: storedDTypes.values.filter { $0 != .F32 }, by: { $0 })
        return converted.keys.sorted { $0.rawValue < $1.rawValue }.map { dtype in
            let n = converted[dtype]!.count
            return "\(n) tensor\(n == 1 ? "" : "s") stored as \(dtype.rawValue) \(n == 1 ? "was" : "were") converted to Float32"
        }
    }
}

/// Reading and writing the safetensors format (Hugging Face):
///
///     8 bytes   N, the header length, unsigned little-endian
///     N bytes   a JSON object, UTF-8, padded with spaces:
///               {"__metadata__": {"key": "value", …},
///                "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, …}
///     the rest  the data: each tensor's little-endian values, row-major, at
///               [begin, end) counted from the byte after the header
///
/// The reader checks everything the reference reader does (header length, JSON,
/// fields, dtype sizes, contiguous non-overlapping offsets that cover the data
/// exactly) and reports the first fault as a `SafeTensorsError`; it never traps.
public enum SafeTensors {
    /// The largest header accepted, as in the reference implementation.
    public static let maxHeaderLength: UInt64 = 100_000_000

    /// Reads and validates the file at `url`.
    public static func read(contentsOf url: URL) throws -> SafeTensorsFile {
        try decode(readBytes(url), file: url.path)
    }

    /// Validates and decodes the bytes of a whole file; `file` names it in errors.
    public static func decode(_ bytes: [UInt8], file: String) throws -> SafeTensorsFile {
        try SafeTensorsReader(bytes: bytes, file: file).read()
    }

    /// The raw bytes of a regular file (at most what memory has free), with missing, folder,
    /// device or FIFO, empty and unreadable as typed errors.
    static func readBytes(_ url: URL) throws -> [UInt8] {
        switch RegularFile.read(url.path, limit: MachineMemory.available()) {
        case .success(let bytes): return bytes
        case .failure(let problem):
            let fault: SafeTensorsFault
            switch problem {
            case .missing: fault = .missing
            case .folder: fault = .isFolder
            case .notRegular(let kind): fault = .notRegular(kind)
            case .empty: fault = .empty
            case let .tooLarge(bytes, limit): fault = .tooLarge(bytes: bytes, limit: limit)
            case .unreadable(let why): fault = .unreadable(why)
            case .stopped: fault = .unreadable(problem.description)
            }
            throw SafeTensorsError(file: url.path, fault: fault)
        }
    }
}

/// One tensor's header entry, validated on its own.
struct SafeTensorsEntry {
    let name: String
    let dtype: SafeTensorsDType
    let shape: [Int]
    let begin: Int
    let end: Int
}

/// The validating reader behind `SafeTensors.decode`.
private struct SafeTensorsReader {
    let bytes: [UInt8]
    let file: String

    func fail(_ fault: SafeTensorsFault) -> SafeTensorsError { SafeTensorsError(file: file, fault: fault) }

    func read() throws -> SafeTensorsFile {
        let (header, dataStart) = try headerRange()
        let json = try parse(header)
        guard case .object(let members) = json else { throw fail(.headerNotObject) }
        var metadata: [String: String] = [:]
        var entries: [SafeTensorsEntry] = []
        for (key, value) in members {
            if key == "__metadata__" { metadata = try self.metadata(value) } else { entries.append(try entry(key, value)) }
        }
        try checkLayout(entries, dataBytes: bytes.count - dataStart)
        var tensors: [String: Tensor] = [:], dtypes: [String: SafeTensorsDType] = [:]
        for e in entries {
            tensors[e.name] = Tensor(shape: e.shape, data: values(e, dataStart: dataStart))
            dtypes[e.name] = e.dtype
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata, storedDTypes: dtypes)
    }

    /// The header's byte range and where the data begins.
    func headerRange() throws -> (Range<Int>, Int) {
        guard bytes.count >= 8 else { throw fail(.tooShort(bytes: bytes.count)) }
        var length: UInt64 = 0
        for i in (0..<8).reversed() { length = length << 8 | UInt64(bytes[i]) }
        guard length <= SafeTensors.maxHeaderLength else { throw fail(.headerTooLarge(length: length)) }
        guard length <= UInt64(bytes.count - 8) else { throw fail(.headerBeyondFile(length: length, fileSize: bytes.count)) }
        let end = 8 + Int(length)
        return (8..<end, end)
    }

    /// The header as JSON: starts with '{', UTF-8, valid JSON.
    func parse(_ range: Range<Int>) throws -> HeaderJSON {
        guard range.first.map({ bytes[$0] }) == UInt8(ascii: "{") else { throw fail(.headerStart) }
        let header = Array(bytes[range])
        guard String(validating: header, as: UTF8.self) != nil else { throw fail(.headerNotUTF8) }
        do {
            return try HeaderJSONParser.parse(header)
        } catch let e as HeaderJSONError {
            throw fail(.invalidJSON(e.message, offset: e.offset))
        }
    }

    /// `__metadata__`: an object whose values are all strings.
    func metadata(_ value: HeaderJSON) throws -> [String: String] {
        guard case .object(let members) = value else { throw fail(.metadataNotObject) }
        var out: [String: String] = [:]
        for (key, v) in members {
            guard case .string(let s) = v else { throw fail(.metadataNotString(key: key, found: v.kindName)) }
            out[key] = s
        }
        return out
    }

    /// One tensor entry: dtype, shape and data_offsets, each of the right form.
    func entry(_ name: String, _ value: HeaderJSON) throws -> SafeTensorsEntry {
        guard case .object = value else { throw fail(.entryNotObject(tensor: name)) }
        func field(_ f: String) throws -> HeaderJSON {
            guard let v = value[f] else { throw fail(.missingField(tensor: name, field: f)) }
            return v
        }
        let dtype = try self.dtype(name, try field("dtype"))
        let shape = try integers(name, "shape", try field("shape"))
        let offsets = try integers(name, "data_offsets", try field("data_offsets"))
        guard offsets.count == 2 else {
            throw fail(.badField(tensor: name, field: "data_offsets", why: "must hold exactly two numbers [begin, end], found \(offsets.count)"))
        }
        guard offsets[0] <= offsets[1] else {
            throw fail(.badField(tensor: name, field: "data_offsets", why: "ends (\(offsets[1])) before it begins (\(offsets[0]))"))
        }
        let e = SafeTensorsEntry(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
        try checkSize(e)
        return e
    }

    func dtype(_ name: String, _ value: HeaderJSON) throws -> SafeTensorsDType {
        guard case .string(let s) = value else {
            throw fail(.badField(tensor: name, field: "dtype", why: "must be a string, found \(value.kindName)"))
        }
        if let d = SafeTensorsDType(rawValue: s) { return d }
        throw fail(SafeTensorsDType.otherKnown.contains(s) ? .unsupportedDType(tensor: name, dtype: s)
                                                           : .unknownDType(tensor: name, dtype: s))
    }

    /// An array of non-negative integers (shape or data_offsets).
    func integers(_ name: String, _ field: String, _ value: HeaderJSON) throws -> [Int] {
        guard case .array(let elements) = value else {
            throw fail(.badField(tensor: name, field: field, why: "must be an array, found \(value.kindName)"))
        }
        return try elements.map { e in
            guard let n = e.nonNegativeInteger else {
                throw fail(.badField(tensor: name, field: field, why: "must hold non-negative integers, found \(e.displayText)"))
            }
            return n
        }
    }

    /// end − begin must equal (product of shape) × dtype size.
    func checkSize(_ e: SafeTensorsEntry) throws {
        var expected = e.dtype.byteSize
        for n in e.shape {
            let (p, overflow) = expected.multipliedReportingOverflow(by: n)
            guard !overflow else { throw fail(.impossibleSize(tensor: e.name, shape: e.shape)) }
            expected = p
        }
        guard e.end - e.begin == expected else {
            throw fail(.sizeMismatch(tensor: e.name, shape: e.shape, dtype: e.dtype.rawValue,
                                     expectedBytes: expected, rangeBytes: e.end - e.begin))
        }
    }

    /// Tensors, in offset order, tile [0, total) with no gap or overlap, and total = data size.
    func checkLayout(_ entries: [SafeTensorsEntry], dataBytes: Int) throws {
        let ordered = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expected = 0
        var previous: String?
        for e in ordered {
            if e.begin < expected, let previous { throw fail(.overlap(tensor: e.name, other: previous)) }
            if e.begin > expected { throw fail(.gap(tensor: e.name, expectedBegin: expected, begin: e.begin)) }
            expected = e.end
            previous = e.name
        }
        if expected > dataBytes { throw fail(.truncated(expectedDataBytes: expected, actualDataBytes: dataBytes)) }
        if expected < dataBytes { throw fail(.trailingBytes(expectedDataBytes: expected, actualDataBytes: dataBytes)) }
    }

    /// The entry's values as Float32 (converted from F16, BF16 or F64).
    func values(_ e: SafeTensorsEntry, dataStart: Int) -> [Float] {
        let count = (e.end - e.begin) / e.dtype.byteSize
        let base = dataStart + e.begin
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { i in
                let at = base + i * e.dtype.byteSize
                switch e.dtype {
                case .F32: return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                case .F64: return Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))))
                case .BF16: return Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))) << 16)
                case .F16: return floatFromHalf(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
                }
            }
        }
    }
}

extension HeaderJSON {
    /// A short rendering of a value for error messages.
    var displayText: String {
        switch self {
        case .number(let text): return text
        case .string(let s): return "\"\(s.prefix(40))\""
        case .bool(let b): return String(b)
        default: return kindName
        }
    }
}

/// IEEE 754 binary16 → Float32, exactly (every half is a float).
func floatFromHalf(_ h: UInt16) -> Float {
    let sign: Float = h & 0x8000 != 0 ? -1 : 1
    let exponent = Int((h >> 10) & 0x1F)
    let mantissa = UInt32(h & 0x3FF)
    switch exponent {
    case 0: return sign * Float(mantissa) * 0x1p-24                    // zero and subnormals
    case 31:
        if mantissa == 0 { return sign * .infinity }
        return Float(bitPattern: (h & 0x8000 != 0 ? 0x8000_0000 : 0) | 0x7FC0_0000 | mantissa << 13)
    default:
        let bits = (h & 0x8000 != 0 ? UInt32(0x8000_0000) : 0) | UInt32(exponent - 15 + 127) << 23 | mantissa << 13
        return Float(bitPattern: bits)
    }
}
