import Foundation

extension SafeTensors {
    /// The bytes of a safetensors file holding `tensors` as F32 and `metadata`.
    ///
    /// Deterministic: the same input always gives the same bytes. Tensors are laid
    /// out in the order of their names' UTF-8 bytes (the order the reference writer
    /// uses for tensors of one dtype), `__metadata__` comes first with sorted keys,
    /// and the header is padded with spaces so that the data starts at a multiple
    /// of 8 bytes, as Python's `safetensors` does. Empty metadata is left out.
    /// `file` only names the target in errors (a tensor called `__metadata__`).
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:],
                              file: String = "safetensors data") throws -> [UInt8] {
        guard tensors["__metadata__"] == nil else { throw SafeTensorsError(file: file, fault: .reservedName) }
        let names = tensors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var header = Array(headerJSON(names.map { ($0, tensors[$0]!.shape) }, metadata: metadata).utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        let dataBytes = names.reduce(0) { $0 + 4 * tensors[$1]!.count }
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + dataBytes)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out += header
        for name in names {
            tensors[name]!.data.map { $0.bitPattern.littleEndian }.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Writes `tensors` and `metadata` to `url` atomically (see `AtomicFile`):
    /// a failure or a kill at any moment leaves either the old file or the new one.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(encode(tensors, metadata: metadata, file: url.path), to: url)
    }

    /// The compact JSON header (before padding) for tensors in data order.
    static func headerJSON(_ tensors: [(String, [Int])], metadata: [String: String]) -> String {
        var members: [String] = []
        if !metadata.isEmpty {
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let pairs = keys.map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            members.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for (name, shape) in tensors {
            let end = offset + 4 * shape.reduce(1, *)
            let dims = shape.map(String.init).joined(separator: ",")
            members.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(dims)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hexDigits = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hexDigits.count) + hexDigits
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
