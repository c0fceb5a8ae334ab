import Foundation

/// The bytes of a data file, gunzipped when they start with the gzip magic number.
///
/// A missing file, a folder, a device or FIFO, an unreadable or empty file, and damaged
/// gzip data all become a `DataFileError` naming the file. Decompression is always
/// bounded: by what the caller expects (an IDX header's promise) when it knows, else by
/// `Gzip.defaultLimit` and by what the compressed bytes can hold at all.
public enum DataFileBytes {
    /// The largest file read (compressed or not): 2 GiB.
    public static let maxFileBytes = 1 << 31

    /// Reads `url`; decompresses gzip (detected by content, not by name).
    public static func read(_ url: URL, shouldStop: () -> Bool = { false }) throws -> [UInt8] {
        try unpack(raw(url, shouldStop: shouldStop), file: url.path, shouldStop: shouldStop)
    }

    /// The file's bytes as stored (still compressed, if it is).
    public static func raw(_ url: URL, shouldStop: () -> Bool = { false }) throws -> [UInt8] {
        switch RegularFile.read(url.path, limit: maxFileBytes, shouldStop: shouldStop) {
        case .success(let bytes): return bytes
        case .failure(let problem): throw DataFileError(file: url.path, fault: fault(problem))
        }
    }

    /// The first `count` bytes of the contents (decompressing only those), fewer if shorter.
    public static func head(_ raw: [UInt8], count: Int, file: String) throws -> [UInt8] {
        guard Gzip.isCompressed(raw) else { return Array(raw.prefix(count)) }
        switch Gzip.decompress(raw, limit: count, prefixOnly: true) {
        case .success(let bytes):
            guard !bytes.isEmpty else { throw DataFileError(file: file, fault: .empty) }
            return bytes
        case .failure(let fault): throw DataFileError(file: file, fault: fault)
        }
    }

    /// `raw` itself, or its gzip contents; empty input (either way) is a fault. With
    /// `expected`, at most that many bytes are decompressed (more is `.longerThanHeader`).
    public static func unpack(_ raw: [UInt8], file: String, expected: Int? = nil,
                              shouldStop: () -> Bool = { false }) throws -> [UInt8] {
        guard !raw.isEmpty else { throw DataFileError(file: file, fault: .empty) }
        guard Gzip.isCompressed(raw) else { return raw }
        let canHold = raw.count.multipliedReportingOverflow(by: Gzip.maxExpansion)
        let limit = min(expected ?? Gzip.defaultLimit, canHold.overflow ? Int.max : canHold.partialValue)
        switch Gzip.decompress(raw, limit: limit, shouldStop: shouldStop) {
        case .success(let bytes):
            guard !bytes.isEmpty else { throw DataFileError(file: file, fault: .empty) }
            return bytes
        case .failure(.tooLarge) where expected != nil:
            throw DataFileError(file: file, fault: .longerThanHeader(expectedBytes: limit))
        case .failure(let fault):
            throw DataFileError(file: file, fault: fault)
        }
    }

    /// Refuses a header that promises more bytes than the file can hold: for gzip, more
    /// than its compressed bytes can expand to; raw, the length must match exactly.
    public static func checkCanHold(_ raw: [UInt8], expected: Int, file: String) throws {
        if Gzip.isCompressed(raw) {
            guard expected <= Gzip.defaultLimit else { throw DataFileError(file: file, fault: .tooLarge(limit: Gzip.defaultLimit)) }
            let (canHold, overflow) = raw.count.multipliedReportingOverflow(by: Gzip.maxExpansion)
            if !overflow && expected > canHold {
                throw DataFileError(file: file, fault: .cannotHold(expectedBytes: expected, compressedBytes: raw.count))
            }
        } else {
            try IDXFile.checkLength(raw, expected: expected, file: file)
        }
    }

    /// The data-file fault for a read problem.
    static func fault(_ problem: RegularFile.Problem) -> DataFileFault {
        switch problem {
        case .missing: return .missing
        case .folder: return .isFolder
        case .notRegular(let kind): return .notRegular(kind)
        case .empty: return .empty
        case .tooLarge(_, let limit): return .tooLarge(limit: limit)
        case .unreadable(let why): return .unreadable(why)
        case .stopped: return .stopped
        }
    }
}
