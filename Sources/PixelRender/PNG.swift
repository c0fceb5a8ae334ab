import CGD
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What can go wrong when rendering or reading pictures; each reads as one line.
public enum RenderError: Error, CustomStringConvertible, Equatable {
    /// Inputs whose sizes do not fit together, e.g. 48 values for a 7×7 map.
    case shapeMismatch(String)
    /// Nothing to draw.
    case empty(String)
    /// A PNG that libgd cannot decode.
    case notPNG(String)
    /// A file that could not be written or read.
    case io(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let s): return "shape mismatch: \(s)"
        case .empty(let s): return "nothing to draw: \(s)"
        case .notPNG(let s): return "not a PNG image: \(s)"
        case .io(let s): return s
        }
    }
}

extension Canvas {
    /// The picture encoded as PNG.
    public func pngData() -> Data {
        var size: Int32 = 0
        guard let bytes = gdImagePngPtr(image, &size) else { return Data() }
        defer { gdFree(bytes) }
        return Data(bytes: bytes, count: Int(size))
    }

    /// Writes the picture as a PNG file, atomically: a temporary file in the
    /// same folder, then a rename. Missing folders are created.
    public func writePNG(to url: URL) throws {
        try writeAtomically(pngData(), to: url)
    }

    /// Decodes PNG bytes (any PNG: palette images become true colour).
    public convenience init(pngData data: Data) throws {
        let image: gdImagePtr? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return nil }
            return gdImageCreateFromPngPtr(Int32(raw.count), UnsafeMutableRawPointer(mutating: base))
        }
        guard let image else { throw RenderError.notPNG("\(data.count) bytes") }
        self.init(taking: image)
    }

    /// Reads a PNG file.
    public convenience init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw RenderError.io("cannot read \(url.path)")
        }
        do {
            try self.init(pngData: data)
        } catch {
            throw RenderError.notPNG(url.path)
        }
    }
}

/// Writes `data` to `url` through a temporary file and rename(2), so that a
/// reader never sees half a file.
func writeAtomically(_ data: Data, to url: URL) throws {
    let folder = url.deletingLastPathComponent()
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
        throw RenderError.io("cannot create folder \(folder.path)")
    }
    let temp = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0 ... .max)).tmp")
    do {
        try data.write(to: temp)
    } catch {
        try? FileManager.default.removeItem(at: temp)   // a part written before the failure
        throw RenderError.io("cannot write \(temp.path)")
    }
    guard rename(temp.path, url.path) == 0 else {
        try? FileManager.default.removeItem(at: temp)
        throw RenderError.io("cannot write \(url.path): \(String(cString: strerror(errno)))")
    }
}
