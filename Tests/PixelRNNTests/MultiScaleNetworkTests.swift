import XCTest
@testable import PixelRNN

/// The multi-scale PixelRNN: the exact split of the likelihood, its gradient, and causality
/// (what the conditional network may and may not see), for every base kind.
final class MultiScaleNetworkTests: XCTestCase {
    static func config(_ base: ModelKind, factor: Int = 2, layers: Int = 1, hidden: Int = 2) -> ModelConfig {
        .multiScale(MultiScaleSettings(base: base, factor: factor, smallLayers: 1, smallHidden: 2), layers: layers, hidden: hidden)
    }

    static func binaryImages(_ count: Int, _ h: Int, _ w: Int, seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: [count, 1, h, w], data: (0..<(count * h * w)).map { _ in rng.nextUniform() < 0.4 ? 1 : 0 })
    }

    func testSubsamplingTakesEveryKthPixel() throws {
        let net = try MultiScaleNetwork(config: Self.config(.pixelcnn, factor: 3))
        let x = Tensor(shape: [1, 1, 7, 5], data: (0..<35).map(Float.init))
        let s = net.subsample(x)
        XCTAssertEqual(s.shape, [1, 1, 3, 2])
        XCTAssertEqual(s.data, [0, 3, 15, 18, 30, 33])           // rows 0, 3, 6 and columns 0, 3
        XCTAssertTrue(net.isSmallPixel(row: 6, col: 3))
        XCTAssertFalse(net.isSmallPixel(row: 6, col: 4))
    }

    /// The NLL of the model (the ordinary NLL of its combined logits, what `eval` and the
    /// trainer use) equals the small network's NLL of x_small, computed on its own, plus the
    /// conditional network's NLL of the pixels outside the small image.
    func testTheNLLIsTheSumOfTheTwoTermsComputedApart() throws {
        for base in [ModelKind.pixelcnn, .rowlstm, .diagbilstm] {
            let net = try MultiScaleNetwork(config: Self.config(base), seed: 5)
            let x = Self.binaryImages(3, 6, 5, seed: 8)
            let terms = try net.terms(x)
            // The small term on its own: the small network on x[2r, 2c].
            let smallPixels = net.subsample(x)
            XCTAssertEqual(smallPixels.shape, [3, 1, 3, 3])
            let direct = Likelihood.negativeLogLikelihood(logits: net.small.forward(smallPixels).logits, pixels: smallPixels, levels: 2)
            for n in 0..<3 { XCTAssertEqual(terms.small[n], direct[n], accuracy: 1e-9, "\(base) small term of image \(n)") }
            // The conditional term counts 30 − 9 = 21 pixels: with the small pixels' conditionals
            // added it would be larger by exactly their NLL under the conditional network.
            let evaluated = try Evaluation.evaluate(network: net, images: x)
            let mean = terms.total.reduce(0, +) / 3
            XCTAssertEqual(evaluated.natsPerImage, mean, accuracy: 1e-4, "\(base)")
            XCTAssertEqual(evaluated.bitsPerDimension, mean / (30 * log(2)), accuracy: 1e-6)
            let perImage = net.lossAndGradient(x)
            for n in 0..<3 { XCTAssertEqual(perImage[n], terms.total[n], accuracy: 1e-4) }
        }
    }

    /// Finite differences for parameters of each of the three parts (the small network, the
    /// upsampler, the conditional network and its bias maps).
    func testGradientAgainstFiniteDifferences() throws {
        for base in [ModelKind.pixelcnn, .rowlstm, .diagbilstm] {
            let net = try MultiScaleNetwork(config: Self.config(base), seed: 11)
            let x = Self.binaryImages(2, 6, 6, seed: 12)
            net.zeroGrad()
            net.lossAndGradient(x)
            let loss = { (try! net.terms(x)).total.reduce(0, +) / 2 }
            for (name, p) in net.namedParameters where name.hasPrefix("small.input") || name.hasPrefix("upsample.")
                || name.hasPrefix("cond.blocks.0.") || name.hasPrefix("cond.head.1") {
                checkFiniteDifferencesAcrossKinks(count: p.value.count, analytic: { p.grad.data[$0] }, get: { p.value.data[$0] },
                                                  set: { p.value.data[$0] = $1 }, loss: loss, samples: 4, minimumShare: 0.5,
                                                  "\(base) ∂\(name)")
            }
        }
    }

    /// The conditional prediction at pixel i (i not in the small image) never changes when a
    /// pixel that is neither before i in raster order nor in the small image changes; it does
    /// change for some small pixel after i. The leaking variant (its first layer with mask B:
    /// a pixel sees itself) is caught.
    func testCausality() throws {
        let (h, w) = (6, 6)
        for base in [ModelKind.pixelcnn, .rowlstm, .diagbilstm] {
            let net = try MultiScaleNetwork(config: Self.config(base, layers: 2), seed: 21)
            XCTAssertEqual(violations(net, h, w), 0, "\(base)")
            XCTAssertGreaterThan(seesLaterSmallPixels(net, h, w), 0, "\(base): the conditional network sees later small pixels")
            let leaking = try MultiScaleNetwork(config: Self.config(base, layers: 2), seed: 21, conditionalInputMask: .B)
            XCTAssertGreaterThan(violations(leaking, h, w), 0, "\(base): the leaking variant is caught")
        }
    }

    /// The conditional network's logits at pixel i of a random image.
    private func conditionalLogits(_ net: MultiScaleNetwork, _ x: Tensor) -> Tensor {
        (try! net.forward(x, shouldStop: { false })).conditional.network.logits
    }

    /// How many (i, j) pairs with j neither before i nor small change the prediction at i.
    private func violations(_ net: MultiScaleNetwork, _ h: Int, _ w: Int) -> Int {
        let x = Self.binaryImages(1, h, w, seed: 31)
        let base = conditionalLogits(net, x)
        var count = 0
        for j in 0..<(h * w) where !net.isSmallPixel(row: j / w, col: j % w) {
            var changed = x
            changed.data[j] = 1 - changed.data[j]
            let after = conditionalLogits(net, changed)
            for i in 0...j where !net.isSmallPixel(row: i / w, col: i % w) && after.data[i] != base.data[i] { count += 1 }
        }
        return count
    }

    /// How many (i, j) pairs with j a small pixel after i change the prediction at i.
    private func seesLaterSmallPixels(_ net: MultiScaleNetwork, _ h: Int, _ w: Int) -> Int {
        let x = Self.binaryImages(1, h, w, seed: 32)
        let base = conditionalLogits(net, x)
        var count = 0
        for j in 0..<(h * w) where net.isSmallPixel(row: j / w, col: j % w) {
            var changed = x
            changed.data[j] = 1 - changed.data[j]
            let after = conditionalLogits(net, changed)
            for i in 0..<j where !net.isSmallPixel(row: i / w, col: i % w) && after.data[i] != base.data[i] { count += 1 }
        }
        return count
    }

    func testImpossibleConfigurationsAreRefused() {
        XCTAssertThrowsError(try MultiScaleNetwork(config: Self.config(.rowlstm, factor: 1)))
        XCTAssertThrowsError(try MultiScaleNetwork(config: Self.config(.multiscale)))
        XCTAssertThrowsError(try MultiScaleNetwork(config: ModelConfig(kind: .rowlstm, layers: 1, hidden: 2)))
    }
}
