import XCTest
@testable import PixelRNN

/// Incremental sampling of the Row LSTM (each position computed once, from this row's
/// inputs up to it and the row above) equals the reference sampler: bit for bit on the
/// plain paths, to Float rounding (and the same images) on the fast ones.
final class IncrementalSamplingRowLSTMTests: XCTestCase {
    private typealias Check = IncrementalSamplingCheck

    private func config(layers: Int, hidden: Int = 4, colors: Int = 1, levels: Int = 2) -> ModelConfig {
        ModelConfig(kind: .rowlstm, layers: layers, hidden: hidden, colors: colors, levels: levels)
    }

    func testOneLayerEqualsReferenceExactly() throws {
        let net = try Check.network(config(layers: 1))
        try Check.onPlainPaths { try Check.assertSteppersAgree(net, count: 3, height: 8, width: 8) }
    }

    func testTwoLayersEqualReferenceExactly() throws {
        let net = try Check.network(config(layers: 2))
        try Check.onPlainPaths { try Check.assertSteppersAgree(net, count: 3, height: 8, width: 8) }
    }

    /// Not square, and a row of width 1 and 2 (s_s then reads padding on both sides).
    func testOtherShapesEqualReferenceExactly() throws {
        let net = try Check.network(config(layers: 2, hidden: 3), seed: 7)
        try Check.onPlainPaths {
            try Check.assertSteppersAgree(net, count: 2, height: 5, width: 9)
            try Check.assertSteppersAgree(net, count: 2, height: 6, width: 2)
            try Check.assertSteppersAgree(net, count: 2, height: 6, width: 1)
        }
    }

    /// Completion: given pixels skip draws, so stretches of positions are computed in one go;
    /// the given pixels stay.
    func testCompletionEqualsReferenceExactly() throws {
        let net = try Check.network(config(layers: 2))
        let (start, keep) = Check.completionInput(count: 2, height: 8, width: 8, seed: 8)
        try Check.onPlainPaths { try Check.assertSteppersAgree(net, count: 2, height: 8, width: 8, start: start, keep: keep) }
        let done = try Sampler.complete(network: net, images: start, keep: keep, samplesPerImage: 1, seed: 2)
        for i in 0..<start.count where keep.data[i] == 1 { XCTAssertEqual(done.data[i], start.data[i]) }
    }

    /// Three colours: each position is visited once per colour, its input more final each time.
    func testColoursEqualReferenceExactly() throws {
        let net = try Check.network(config(layers: 2, hidden: 3, colors: 3, levels: 256))
        try Check.onPlainPaths { try Check.assertSteppersAgree(net, count: 2, height: 4, width: 5) }
    }

    /// The default paths (GEMMs and vectorised σ, tanh): logits within 1e-5 at every draw, the same images.
    func testFastPathsAgreeWithReference() throws {
        for layers in [1, 2] {
            let net = try Check.network(config(layers: layers))
            try Check.assertSteppersAgree(net, count: 3, height: 8, width: 8, tolerance: 1e-5)
        }
        let net = try Check.network(config(layers: 2))
        let (start, keep) = Check.completionInput(count: 2, height: 8, width: 8, seed: 9)
        try Check.assertSteppersAgree(net, count: 2, height: 8, width: 8, tolerance: 1e-5, start: start, keep: keep)
    }

    /// `Sampler` takes the incremental path by itself, with the same images as the reference.
    func testSamplerUsesTheIncrementalPath() throws {
        let net = try Check.network(config(layers: 2))
        XCTAssertTrue(Sampler.hasIncrementalPath(net))
        let automatic = try Sampler.sample(network: net, count: 2, height: 7, width: 7, seed: 5)
        XCTAssertEqual(automatic, try Sampler.sample(network: net, count: 2, height: 7, width: 7, seed: 5, method: .reference))
    }

    /// The test-only variants with a known bug (e.g. the state read from the row below) are
    /// not followed position by position.
    func testKnownBugVariantsHaveNoIncrementalForm() {
        for bug in [RowLSTMKnownBug.inputToStateUnmasked, .stateFromRowBelow, .sigmoidOnContent] {
            XCTAssertFalse(RowLSTMBlock(hidden: 2, colors: 1, seed: 0, knownBug: bug).hasIncrementalForm, "\(bug)")
        }
        XCTAssertTrue(RowLSTMBlock(hidden: 2, colors: 1, seed: 0).hasIncrementalForm)
    }
}
