import Foundation
import PixelRNN

/// The data-file targets: the bytes become a file and `data load FILE` reads it,
/// then the label parser reads the same bytes (as a label file would be read).
enum DataFileTargets {
    static func idx(_ input: [UInt8]) -> [String] {
        load(input, as: "fuzz-images-idx3-ubyte") + labels(input)
    }

    static func idxGzip(_ input: [UInt8]) -> [String] {
        let packed = Gzip.compress(input)
        return load(packed, as: "fuzz-images-idx3-ubyte.gz") + labels(packed)
    }

    static func amat(_ input: [UInt8]) -> [String] {
        load(input, as: "fuzz.amat")
    }

    /// `data load` of the bytes under `name`; when it loads, `data info` and `data show`.
    private static func load(_ bytes: [UInt8], as name: String) -> [String] {
        let url = FuzzWorkspace.file(name, bytes)
        let shell = FuzzShell()
        if shell.run("data load '\(url.path)'") {
            shell.run("data info")
            shell.run("data show 0..3 --binarized")
        }
        return shell.errors
    }

    /// The bytes as an IDX label file (after gunzip, as `DataFileBytes.read` does).
    private static func labels(_ bytes: [UInt8]) -> [String] {
        do {
            _ = try IDXFile.parseLabels(DataFileBytes.unpack(bytes, file: "fuzz-labels-idx1-ubyte"),
                                        file: "fuzz-labels-idx1-ubyte")
            return []
        } catch {
            return [message(of: error)]
        }
    }
}
