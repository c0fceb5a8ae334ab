import XCTest
@testable import PixelRNN

/// A fresh network on binary images predicts p ≈ ½ everywhere, so its NLL is near 784·ln 2.
final class NetworkSmokeTests: XCTestCase {
    func testFreshPixelCNNNLLIsNearUniform() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4), seed: 1)
        var rng = SeededGenerator(seed: 3)
        let pixels = Tensor(shape: [2, 1, 28, 28], data: (0..<(2 * 784)).map { _ in rng.nextUniform() < 0.3 ? 1 : 0 })
        let nll = Likelihood.negativeLogLikelihood(logits: net.forward(pixels).logits, pixels: pixels, levels: 2)
        for v in nll { XCTAssertEqual(v, 784 * log(2.0), accuracy: 784 * 0.1) }
    }
}
