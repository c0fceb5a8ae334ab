import XCTest
@testable import PixelRNN

/// Incremental sampling of the Diagonal BiLSTM (fwd computed at each position, bwd one
/// row late, right to left) equals the reference sampler: bit for bit on the plain paths,
/// to Float rounding (and the same images) on the fast ones.
final class IncrementalSamplingDiagonalBiLSTMTests: XCTestCase {
    private typealias Check = IncrementalSamplingCheck

    private func config(layers: Int, hidden: Int = 4, colors: Int = 1, levels: Int = 2) -> ModelConfig {
        ModelConfig(kind: .diagbilstm, layers: layers, hidden: hidden, colors: colors, levels: levels)
    }

    func testOneLayerEqualsReferenceExactly() throws {
        let net = try Check.network(config(layers: 1))
        try Check.onPlainPaths { try Check.assertSteppersAgree(net, count: 3, height: 8, width: 8) }
    }

    func testTwoLayersEqualReferenceExactly() throws {
        let net = try Check.network(config(layers: 2))
        try Check.onPlainPaths { try Check.assertSteppersAgree(net, count: 3, height: 8, width: 8) }
    }

    /// Not square: the skewed map's corners and the bwd row's right end differ from the square case.
    func testNonSquareEqualsReferenceExactly() throws {
        let net = try Check.network(config(layers: 2, hidden: 3), seed: 7)
        try Check.onPlainPaths {
            try Check.assertSteppersAgree(net, count: 2, height: 5, width: 9)
            try Check.assertSteppersAgree(net, count: 2, height: 9, width: 4)
        }
    }

    /// Completion: given pixels skip draws, so whole stretches of positions (rows) are
    /// computed in one go; the given pixels stay.
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

    /// The default paths (GEMMs in the reference, one-expf σ and tanh in both): logits within
    /// 1e-5 at every draw, and the same images.
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

    /// Without the one-row shift, bwd at row r would need inputs to the right in row r: not
    /// computable position by position. The sampler falls back to the reference for it.
    func testUnshiftedVariantHasNoIncrementalForm() throws {
        let net = try Check.network(config(layers: 1))
        (net.blocks[0] as! DiagonalBiLSTMBlock).shiftsBackwardDirection = false
        XCTAssertFalse(Sampler.hasIncrementalPath(net))
        XCTAssertThrowsError(try Sampler.sample(network: net, count: 1, height: 4, width: 4, seed: 0, method: .incremental))
        XCTAssertEqual(try Sampler.sample(network: net, count: 1, height: 4, width: 4, seed: 0),
                       try Sampler.sample(network: net, count: 1, height: 4, width: 4, seed: 0, method: .reference))
    }
}
