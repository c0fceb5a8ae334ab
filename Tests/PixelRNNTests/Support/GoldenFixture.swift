import Foundation
import XCTest
@testable import PixelRNN

/// Golden values written by a committed PyTorch script (Tests/PixelRNNTests/Fixtures/*.py)
/// as JSON: `{ "name": { "shape": [..], "data": [..] }, ... }`. Python is needed only to
/// regenerate a fixture, never to run the tests.
struct GoldenFixture {
    let tensors: [String: Tensor]

    private struct Entry: Decodable { let shape: [Int]; let data: [Float] }

    /// Loads `Tests/PixelRNNTests/Fixtures/<name>.json` (found from this file's own path).
    init(_ name: String) throws {
        let url = GoldenFixture.folder.appendingPathComponent("\(name).json")
        let raw = try JSONDecoder().decode([String: Entry].self, from: Data(contentsOf: url))
        tensors = raw.mapValues { Tensor(shape: $0.shape, data: $0.data) }
    }

    /// Tests/PixelRNNTests/Fixtures.
    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()   // Support/
            .deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    subscript(_ key: String) -> Tensor {
        guard let t = tensors[key] else { fatalError("fixture has no tensor '\(key)'") }
        return t
    }
}

/// Asserts two tensors have the same shape and agree to `tolerance` (absolute + relative).
func assertClose(_ a: Tensor, _ b: Tensor, tolerance: Float = 1e-4, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, "shape \(message)", file: file, line: line)
    guard a.shape == b.shape else { return }
    var worst: Float = 0, at = 0
    for i in 0..<a.count {
        let d = abs(a.data[i] - b.data[i]) / (1 + abs(b.data[i]))
        if d > worst { worst = d; at = i }
    }
    XCTAssertLessThanOrEqual(worst, tolerance,
        "\(message): largest difference at flat index \(at): \(a.data[at]) vs \(b.data[at])", file: file, line: line)
}

/// Central finite differences: compares ∂f/∂θ for a sample of entries of `values`
/// (read and written through the closures) with the analytic gradient `analytic`.
/// Use Double-accumulated losses; step 1e-2 suits Float32 well for smooth layers.
func checkFiniteDifferences(count: Int, analytic: (Int) -> Float,
                            get: (Int) -> Float, set: (Int, Float) -> Void,
                            loss: () -> Double, samples: Int = 20, seed: UInt64 = 7,
                            step: Float = 1e-2, tolerance: Double = 2e-2,
                            _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    let indices = sampledIndices(count: count, samples: samples, seed: seed)
    for i in indices {
        let original = get(i)
        set(i, original + step); let plus = loss()
        set(i, original - step); let minus = loss()
        set(i, original)
        let numeric = (plus - minus) / Double(2 * step)
        let a = Double(analytic(i))
        let err = abs(numeric - a) / max(1, abs(numeric), abs(a))
        XCTAssertLessThanOrEqual(err, tolerance,
            "\(message) entry \(i): finite difference \(numeric) vs backward \(a)", file: file, line: line)
    }
}
