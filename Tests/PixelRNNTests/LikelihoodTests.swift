import Foundation
import XCTest
@testable import PixelRNN

/// The chain rule's factors: Bernoulli (sigmoid) and 256-way softmax log-likelihoods,
/// the NLL in nats per image, and the gradient with respect to the logits.
final class LikelihoodTests: XCTestCase {
    private func binaryPixels(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.nextUniform() < 0.4 ? 1 : 0 })
    }

    private func levelPixels(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(rng.next() % 256) })
    }

    /// Binary: log p(x | l) = x log σ(l) + (1 − x) log(1 − σ(l)), summed per image.
    func testBinaryNLLMatchesTheFormula() {
        let logits = randomTensor([2, 1, 4, 5], seed: 1, scale: 6)
        let pixels = binaryPixels([2, 1, 4, 5], seed: 2)
        let nll = Likelihood.negativeLogLikelihood(logits: logits, pixels: pixels, levels: 2)
        for n in 0..<2 {
            var expected = 0.0
            for i in (n * 20)..<((n + 1) * 20) {
                let p = 1 / (1 + exp(-Double(logits.data[i])))
                expected -= pixels.data[i] == 1 ? log(p) : log(1 - p)
            }
            XCTAssertEqual(nll[n], expected, accuracy: 1e-5 * expected)
        }
        // Extreme logits stay finite.
        let extreme = Likelihood.negativeLogLikelihood(logits: Tensor(shape: [1, 1, 1, 2], data: [-200, 200]),
                                                       pixels: Tensor(shape: [1, 1, 1, 2], data: [1, 0]), levels: 2)
        XCTAssertEqual(extreme[0], 400, accuracy: 1e-3)
    }

    /// 256 levels, 3 colours: channel level·C + colour; log p = l_target − log Σ_k e^{l_k}.
    func testSoftmaxNLLMatchesTheFormula() {
        let (c, h, w) = (3, 2, 3)
        let logits = randomTensor([2, 256 * c, h, w], seed: 3, scale: 4)
        let pixels = levelPixels([2, c, h, w], seed: 4)
        let lp = Likelihood.conditionalLogProbabilities(logits: logits, pixels: pixels, levels: 256)
        for n in 0..<2 {
            for colour in 0..<c {
                for y in 0..<h {
                    for x in 0..<w {
                        var s = 0.0
                        for k in 0..<256 { s += exp(Double(logits[n, k * c + colour, y, x])) }
                        let target = Int(pixels[n, colour, y, x])
                        let expected = Double(logits[n, target * c + colour, y, x]) - log(s)
                        XCTAssertEqual(Double(lp[n, colour, y, x]), expected, accuracy: 1e-5)
                    }
                }
            }
        }
        // Channel layout: a logit far above the others at channel 200·C + 1 (level 200, colour G)
        // makes G = 200 certain and G = 7 impossible, and leaves R and B uniform.
        var sure = Tensor(zeros: [1, 256 * c, 1, 1])
        sure[0, 200 * c + 1, 0, 0] = 50
        let lp200 = Likelihood.conditionalLogProbabilities(logits: sure, pixels: Tensor(shape: [1, c, 1, 1], data: [9, 200, 9]), levels: 256)
        XCTAssertEqual(lp200.data[1], 0, accuracy: 1e-6)
        XCTAssertEqual(lp200.data[0], -logf(256), accuracy: 1e-5)
        XCTAssertEqual(lp200.data[2], -logf(256), accuracy: 1e-5)
        let lp7 = Likelihood.conditionalLogProbabilities(logits: sure, pixels: Tensor(shape: [1, c, 1, 1], data: [9, 7, 9]), levels: 256)
        XCTAssertEqual(lp7.data[1], -50, accuracy: 1e-3)
    }

    /// ∂(batch mean NLL)/∂logits against finite differences: binary.
    func testBinaryGradientMatchesFiniteDifferences() {
        var logits = randomTensor([3, 1, 3, 4], seed: 5, scale: 3)
        let pixels = binaryPixels([3, 1, 3, 4], seed: 6)
        let g = Likelihood.logitGradient(logits: logits, pixels: pixels, levels: 2)
        let meanNLL = { Likelihood.negativeLogLikelihood(logits: logits, pixels: pixels, levels: 2).reduce(0, +) / 3 }
        checkFiniteDifferences(count: logits.count, analytic: { g.data[$0] },
                               get: { logits.data[$0] }, set: { logits.data[$0] = $1 }, loss: meanNLL,
                               samples: logits.count, tolerance: 1e-4, "binary")
    }

    /// ∂(batch mean NLL)/∂logits against finite differences: 256-way softmax, 3 colours.
    func testSoftmaxGradientMatchesFiniteDifferences() {
        let shape = [2, 256 * 3, 2, 2]
        var logits = randomTensor(shape, seed: 7, scale: 2)
        let pixels = levelPixels([2, 3, 2, 2], seed: 8)
        // Make the targets' own logits large, so their gradient entries (p − 1)/B are sampled too.
        for n in 0..<2 { for colour in 0..<3 { for y in 0..<2 { for x in 0..<2 {
            logits[n, Int(pixels[n, colour, y, x]) * 3 + colour, y, x] = 5
        } } } }
        let g = Likelihood.logitGradient(logits: logits, pixels: pixels, levels: 256)
        let meanNLL = { Likelihood.negativeLogLikelihood(logits: logits, pixels: pixels, levels: 256).reduce(0, +) / 2 }
        var targets: [Int] = []
        for n in 0..<2 { for colour in 0..<3 { for y in 0..<2 { for x in 0..<2 {
            targets.append(logits.index(n, Int(pixels[n, colour, y, x]) * 3 + colour, y, x))
        } } } }
        for subset in [targets, Array(0..<logits.count)] {
            checkFiniteDifferences(count: subset.count, analytic: { g.data[subset[$0]] },
                                   get: { logits.data[subset[$0]] }, set: { logits.data[subset[$0]] = $1 },
                                   loss: meanNLL, samples: 150, step: 1e-2, tolerance: 1e-4, "softmax")
        }
        // Each (pixel, colour)'s 256 gradient entries sum to 0 (softmax − one-hot).
        var s: Float = 0
        for k in 0..<256 { s += g[1, k * 3 + 2, 1, 0] }
        XCTAssertEqual(s, 0, accuracy: 1e-6)
    }

    /// Nats per image ↔ bits per dimension: 784 · ln 2 nats is 1 bit per dimension.
    func testBitsPerDimension() {
        XCTAssertEqual(Likelihood.bitsPerDimension(nats: 784 * log(2.0), dimensions: 784), 1, accuracy: 1e-12)
        XCTAssertEqual(Likelihood.bitsPerDimension(nats: 81.30, dimensions: 784), 81.30 / (784 * log(2.0)), accuracy: 1e-12)
        // From the images' shape: C·H·W dimensions, whatever the batch.
        XCTAssertEqual(Likelihood.bitsPerDimension(nats: 81.30, imageShape: [500, 1, 28, 28]), 81.30 / (784 * log(2.0)), accuracy: 1e-12)
        XCTAssertEqual(Likelihood.bitsPerDimension(nats: 3072 * log(2.0), imageShape: [3, 32, 32]), 1, accuracy: 1e-12)
        XCTAssertEqual(Likelihood.bitsPerDimension(nats: 10, imageShape: [7, 3, 16, 16]), 10 / (768 * log(2.0)), accuracy: 1e-12)
    }
}
