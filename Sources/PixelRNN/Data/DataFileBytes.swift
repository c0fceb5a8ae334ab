import Foundation

/// The bytes of a data file, gunzipped when they start with the gzip magic number.
///
/// A missing file, a folder, an unreadable or empty file, and damaged gzip data
/// all become a `DataFileError` naming the file.
public enum DataFileBytes {
    /// Reads `url`; decompresses gzip (detected by content, not by name).
    public static func read(_ url: URL) throws -> [UInt8] {
        let name = url.path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: name, isDirectory: &isFolder) else {
            throw DataFileError(file: name, fault: .missing)
        }
        guard !isFolder.boolValue else { throw DataFileError(file: name, fault: .isFolder) }
        let raw: [UInt8]
        do {
            raw = [UInt8](try Data(contentsOf: url))
        } catch {
            throw DataFileError(file: name, fault: .unreadable(error.localizedDescription))
        }
        return try unpack(raw, file: name)
    }

    /// `raw` itself, or its gzip contents; empty input (either way) is a fault.
    public static func unpack(_ raw: [UInt8], file: String) throws -> [UInt8] {
        guard !raw.isEmpty else { throw DataFileError(file: file, fault: .empty) }
        guard Gzip.isCompressed(raw) else { return raw }
        switch Gzip.decompress(raw) {
        case .success(let bytes):
            guard !bytes.isEmpty else { throw DataFileError(file: file, fault: .empty) }
            return bytes
        case .failure(let fault):
            throw DataFileError(file: file, fault: fault)
        }
    }
}
