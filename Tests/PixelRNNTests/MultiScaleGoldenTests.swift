import XCTest
@testable import PixelRNN

/// The whole multi-scale PixelRNN against a PyTorch implementation written for it
/// (Fixtures/make_multiscale_golden.py): the combined logits, both NLL terms and the gradient
/// of the batch-mean NLL for every parameter, for each base kind, on both compute paths
/// (6×5 binary images, factor 2, so the upsampler's output is cropped).
final class MultiScaleGoldenTests: XCTestCase {
    private func check(_ base: ModelKind, fast: Bool) throws {
        let fixture = try GoldenFixture("multiscale_golden").tensors
        let prefix = "\(base.rawValue)/"
        try withComputePath(fast: fast) {
            let config = ModelConfig.multiScale(MultiScaleSettings(base: base, factor: 2, smallLayers: 1, smallHidden: 3),
                                                layers: 1, hidden: 2)
            let net = try MultiScaleNetwork(config: config)
            for (name, p) in net.namedParameters {
                let value = try XCTUnwrap(fixture[prefix + name], "fixture has no \(prefix + name)")
                XCTAssertEqual(value.shape, p.value.shape, name)
                p.value = value
            }
            let fileNames = Set(fixture.keys.filter { $0.hasPrefix(prefix) && !$0.contains("/grad/") && !$0.hasSuffix("logits") && !$0.hasSuffix("_nll") })
            XCTAssertEqual(fileNames, Set(net.namedParameters.map { prefix + $0.0 }), "the script and the network name the same parameters")
            let pixels = fixture["pixels"]!
            let label = "\(base) \(fast ? "fast" : "plain")"
            assertClose(try net.logits(pixels, shouldStop: { false }), fixture[prefix + "logits"]!, tolerance: 1e-5, "\(label) logits")
            let terms = try net.terms(pixels)
            for n in 0..<2 {
                XCTAssertEqual(terms.small[n], Double(fixture[prefix + "small_nll"]!.data[n]), accuracy: 1e-4, "\(label) small term \(n)")
                XCTAssertEqual(terms.conditional[n], Double(fixture[prefix + "cond_nll"]!.data[n]), accuracy: 1e-4, "\(label) conditional term \(n)")
            }
            net.zeroGrad()
            net.lossAndGradient(pixels)
            for (name, p) in net.namedParameters {
                assertClose(p.grad, fixture[prefix + "grad/" + name]!, tolerance: 1e-5, "\(label) ∂NLL/∂\(name)")
            }
        }
    }

    /// The kinds the script wrote golden values for (each message names the kind and the path).
    private static let kinds: [ModelKind] = [.pixelcnn, .rowlstm, .diagbilstm]
    func testEveryKindOnThePlainPath() throws { for kind in Self.kinds { try check(kind, fast: false) } }
    func testEveryKindOnTheFastPath() throws { for kind in Self.kinds { try check(kind, fast: true) } }
}
