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

    /// The bytes as a PNG (a JPEG is told by its first bytes just the same), loaded as
    /// the file's own kind, as grey and as colour cut to 4×4.
    static func image(_ input: [UInt8]) -> [String] {
        load(input, as: "fuzz.png", options: ["", " --grey --levels 4", " --colour --size 4"])
    }

    /// `data load` of the bytes under `name` (with each of `options`); when it loads,
    /// `data info` and `data show` of what the model sees (bits, or K levels).
    private static func load(_ bytes: [UInt8], as name: String, options: [String] = [""]) -> [String] {
        let url = FuzzWorkspace.file(name, bytes)
        let shell = FuzzShell()
        for option in options where shell.run("data load '\(url.path)'\(option)") {
            shell.run("data info")
            shell.run("data show 0..3 --binarized")
            shell.run("data show 0 --quantized")
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
