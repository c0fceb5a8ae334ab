import XCTest
@testable import PixelRNN

/// The whole Diagonal BiLSTM network against an independent PyTorch implementation
/// (Fixtures/make_diagbilstm_golden.py: skew by gather, a Python loop over the columns,
/// F.conv1d for s_s, autograd): logits, per-image NLL in nats, and the gradient of the
/// batch-mean NLL for every parameter, for L = 1 and L = 2, h = 3, 6×6 binary, batch 2.
final class DiagonalBiLSTMGoldenTests: XCTestCase {
    private func check(layers: Int, fast: Bool) throws {
        let fixture = try GoldenFixture("diagbilstm_golden").tensors
        let prefix = "L\(layers)/"
        try withComputePath(fast: fast) {
            let net = try PixelNetwork(config: .init(kind: .diagbilstm, layers: layers, hidden: 3))
            // Every parameter by checkpoint name (set directly: masked entries are zero in the file).
            for (name, p) in net.namedParameters {
                let value = try XCTUnwrap(fixture[prefix + name], "fixture has no \(prefix + name)")
                XCTAssertEqual(value.shape, p.value.shape, name)
                p.value = value
            }
            XCTAssertEqual(Set(fixture.keys.filter { $0.hasPrefix(prefix) && !$0.contains("/grad/") && !$0.hasSuffix("logits") && !$0.hasSuffix("nll") }),
                           Set(net.namedParameters.map { prefix + $0.0 }), "the fixture and the network name the same parameters")
            let pixels = fixture["pixels"]!
            let pass = net.forward(pixels)
            let label = "L=\(layers) \(fast ? "fast" : "plain")"
            assertClose(pass.logits, fixture[prefix + "logits"]!, tolerance: 1e-5, "\(label) logits")
            let nll = Likelihood.negativeLogLikelihood(logits: pass.logits, pixels: pixels, levels: 2)
            for (n, v) in nll.enumerated() {
                XCTAssertEqual(v, Double(fixture[prefix + "nll"]!.data[n]), accuracy: 1e-4, "\(label) NLL of image \(n) (nats)")
            }
            net.zeroGrad()
            net.lossAndGradient(pixels)
            for (name, p) in net.namedParameters {
                assertClose(p.grad, fixture[prefix + "grad/" + name]!, tolerance: 1e-5, "\(label) ∂NLL/∂\(name)")
            }
        }
    }

    func testOneLayerPlain() throws { try check(layers: 1, fast: false) }
    func testOneLayerFast() throws { try check(layers: 1, fast: true) }
    func testTwoLayersPlain() throws { try check(layers: 2, fast: false) }
    func testTwoLayersFast() throws { try check(layers: 2, fast: true) }
}
