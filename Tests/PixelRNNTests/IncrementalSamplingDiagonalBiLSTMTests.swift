import XCTest
@testable import PixelRNN

/// Incremental sampling of the Diagonal BiLSTM (fwd computed at each position, bwd one
/// row late, right to left) equals the reference sampler: bit for bit on the plain paths,
/// to Float rounding (and the same images) on the fast ones. The shared cases are in
/// `IncrementalSamplingCases`.
final class IncrementalSamplingDiagonalBiLSTMTests: XCTestCase {
    private let cases = IncrementalSamplingCases(kind: .diagbilstm)

    func testOneLayerEqualsReferenceExactly() throws { try cases.assertLayersEqualReferenceExactly(1) }

    func testTwoLayersEqualReferenceExactly() throws { try cases.assertLayersEqualReferenceExactly(2) }

    /// Not square: the skewed map's corners and the bwd row's right end differ from the square case.
    func testNonSquareEqualsReferenceExactly() throws {
        try cases.assertShapesEqualReferenceExactly([(5, 9), (9, 4)])
    }

    /// Completion: whole stretches of positions (rows) are computed in one go.
    func testCompletionEqualsReferenceExactly() throws { try cases.assertCompletionEqualsReferenceExactly() }

    func testColoursEqualReferenceExactly() throws { try cases.assertColoursEqualReferenceExactly() }

    /// The default paths: GEMMs in the reference, one-expf σ and tanh in both.
    func testFastPathsAgreeWithReference() throws { try cases.assertFastPathsAgreeWithReference() }

    func testSamplerUsesTheIncrementalPath() throws { try cases.assertSamplerUsesTheIncrementalPath() }

    /// Without the one-row shift, bwd at row r would need inputs to the right in row r: not
    /// computable position by position. The sampler falls back to the reference for it.
    func testUnshiftedVariantHasNoIncrementalForm() throws {
        let net = try IncrementalSamplingCheck.network(cases.config(layers: 1))
        (net.blocks[0] as! DiagonalBiLSTMBlock).shiftsBackwardDirection = false
        XCTAssertFalse(Sampler.hasIncrementalPath(net))
        XCTAssertThrowsError(try Sampler.sample(network: net, count: 1, height: 4, width: 4, seed: 0, method: .incremental))
        XCTAssertEqual(try Sampler.sample(network: net, count: 1, height: 4, width: 4, seed: 0),
                       try Sampler.sample(network: net, count: 1, height: 4, width: 4, seed: 0, method: .reference))
    }
}
