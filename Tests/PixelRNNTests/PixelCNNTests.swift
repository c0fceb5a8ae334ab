import Foundation
import XCTest
@testable import PixelRNN

/// The PixelCNN residual block and the whole network: finite differences, PyTorch's
/// numbers (Fixtures/make_pixelcnn_golden.py) and PyTorch's parameter count.
final class PixelCNNTests: XCTestCase {

    // MARK: the block

    /// ∂/∂x and ∂/∂(every parameter of a, b, c) of Σ F(x) ⊙ r against finite differences.
    func testBlockGradientsMatchFiniteDifferences() {
        for colors in [1, 3] {
            let block = PixelCNNBlock(hidden: 3, colors: colors, seed: 21)
            var x = randomTensor([2, 6, 5, 4], seed: 22)
            let r = randomTensor([2, 6, 5, 4], seed: 23)
            let evaluate = { () -> (loss: Double, pattern: [Bool]) in
                let pass = block.forward(x)
                let pattern = [x, pass.saved["relu_a"]!, pass.saved["relu_b"]!].flatMap { $0.data.map { $0 > 0 } }
                return (weightedSum(pass.residual, r), pattern)
            }
            for (_, p) in block.namedParameters { p.zeroGrad() }
            let dx = block.backward(block.forward(x), outputGradient: r)
            pcnnCheckGradientAcrossKinks(count: x.count, analytic: { dx.data[$0] },
                                         get: { x.data[$0] }, set: { x.data[$0] = $1 }, evaluate: evaluate,
                                         samples: 40, "block input, \(colors) colours")
            for (name, p) in block.namedParameters {
                pcnnCheckGradientAcrossKinks(count: p.value.count, analytic: { p.grad.data[$0] },
                                             get: { p.value.data[$0] }, set: { p.value.data[$0] = $1 }, evaluate: evaluate,
                                             samples: 25, "block \(name), \(colors) colours")
                pcnnAssertMaskedGradientsAreZero(p, name)
            }
        }
    }

    // MARK: the whole network

    /// ∂(batch mean NLL)/∂θ for the parameters of every layer, and ∂/∂(encoded input),
    /// against finite differences: binary 1 colour and 256 levels 3 colours.
    func testNetworkGradientsMatchFiniteDifferences() throws {
        for (colors, levels) in [(1, 2), (3, 256)] {
            let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 2, hidden: 3, colors: colors, levels: levels), seed: 31)
            let pixels = pcnnRandomPixels([2, colors, 3, 4], levels: levels, seed: 32)
            let what = "\(colors) colour(s), \(levels) levels"
            let step: Float = 1e-3

            net.zeroGrad()
            let pass = net.forward(pixels)
            let dEncoded = net.backward(pass, logitGradient: Likelihood.logitGradient(logits: pass.logits, pixels: pixels, levels: levels))
            // The loss, from the network's Float32 logits, in Double (the likelihood itself is
            // checked in LikelihoodTests): Float32 rounding of ~100 log-probabilities would
            // otherwise swamp the differences.
            let meanNLL = { (input: Tensor) -> (loss: Double, pattern: [Bool]) in
                let pass = net.forward(input)
                return (pcnnMeanNLL(logits: pass.logits, pixels: pixels, levels: levels), pcnnReLUPattern(pass))
            }
            for (name, p) in net.namedParameters {
                pcnnCheckGradientAcrossKinks(count: p.value.count, analytic: { p.grad.data[$0] },
                                             get: { p.value.data[$0] }, set: { p.value.data[$0] = $1 },
                                             evaluate: { meanNLL(pixels) }, samples: 12, step: step, "\(name), \(what)")
                pcnnAssertMaskedGradientsAreZero(p, name)
            }
            // The input: perturb the encoded value e = level / (levels − 1); the targets stay the pixels.
            let scale = Float(levels - 1)
            var encoded = pixels * (1 / scale)
            pcnnCheckGradientAcrossKinks(count: encoded.count, analytic: { dEncoded.data[$0] },
                                         get: { encoded.data[$0] }, set: { encoded.data[$0] = $1 },
                                         evaluate: { meanNLL(encoded * scale) }, samples: 30, step: step,
                                         "encoded input, \(what)")
        }
    }

    /// The whole network gives the same logits and gradients on the fast and plain paths.
    func testNetworkFastPathEqualsPlainPath() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 3, hidden: 6, colors: 3, levels: 256), seed: 41)
        let pixels = pcnnRandomPixels([2, 3, 7, 9], levels: 256, seed: 42)
        var results: [(Tensor, [Tensor])] = []
        for fast in [false, true] {
            withComputePath(fast: fast) {
                net.zeroGrad()
                let pass = net.forward(pixels)
                net.backward(pass, logitGradient: Likelihood.logitGradient(logits: pass.logits, pixels: pixels, levels: 256))
                results.append((pass.logits, net.namedParameters.map { $0.1.grad }))
            }
        }
        assertClose(results[1].0, results[0].0, tolerance: 1e-5, "logits")
        for (k, (name, _)) in net.namedParameters.enumerated() {
            assertClose(results[1].1[k], results[0].1[k], tolerance: 1e-5, "grad \(name)")
        }
    }

    // MARK: PyTorch

    /// L=2, h=4, 8×8 binary images, batch 2: logits, log p per pixel, NLL per image in
    /// nats, and the gradient of the batch-mean NLL for every parameter and the input.
    func testBinaryPixelCNNMatchesPyTorch() throws {
        let golden = try GoldenFixture("pixelcnn_golden")
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4), seed: 0)
        try checkAgainstPyTorch(net, golden)
    }

    /// L=2, h=3, 6×6 RGB images with 256 levels (softmax per colour), batch 1.
    func testRGB256PixelCNNMatchesPyTorch() throws {
        let golden = try GoldenFixture("pixelcnn_golden_256")
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 2, hidden: 3, colors: 3, levels: 256), seed: 0)
        try checkAgainstPyTorch(net, golden)
    }

    func checkAgainstPyTorch(_ net: PixelNetwork, _ golden: GoldenFixture,
                                     file: StaticString = #filePath, line: UInt = #line) throws {
        let names = Set(net.namedParameters.map { $0.0 })
        try net.load(parameters: golden.tensors.filter { names.contains($0.key) })
        let pixels = golden["pixels"]
        let levels = net.config.levels

        net.zeroGrad()
        let pass = net.forward(pixels)
        let nll = Likelihood.negativeLogLikelihood(logits: pass.logits, pixels: pixels, levels: levels)
        let dEncoded = net.backward(pass, logitGradient: Likelihood.logitGradient(logits: pass.logits, pixels: pixels, levels: levels))

        compare(pass.logits, "logits", golden, file: file, line: line)
        assertClose(Likelihood.conditionalLogProbabilities(logits: pass.logits, pixels: pixels, levels: levels),
                    golden["log_prob"], tolerance: 1e-5, "log p", file: file, line: line)
        let expected = golden["nll"]
        XCTAssertEqual(nll.count, expected.count, file: file, line: line)
        for (n, v) in nll.enumerated() {
            XCTAssertEqual(v, Double(expected.data[n]), accuracy: 1e-5 * Double(expected.data[n]), "NLL of image \(n) in nats", file: file, line: line)
        }
        compare(dEncoded, "grad.encoded_input", golden, file: file, line: line)
        for (name, p) in net.namedParameters {
            compare(p.grad, "grad.\(name)", golden, file: file, line: line)
        }
    }

    /// Compares a whole tensor, or the entries stored at `<name>.sample_index`.
    private func compare(_ t: Tensor, _ name: String, _ golden: GoldenFixture,
                         file: StaticString, line: UInt) {
        if let expected = golden.tensors[name] {
            assertClose(t, expected, tolerance: 1e-5, name, file: file, line: line)
            return
        }
        let index = golden["\(name).sample_index"], value = golden["\(name).sample_value"]
        XCTAssertGreaterThan(index.count, 100, name, file: file, line: line)
        let ours = Tensor(shape: [index.count], data: index.data.map { t.data[Int($0)] })
        assertClose(ours, value, tolerance: 1e-5, "\(name) (sampled entries)", file: file, line: line)
    }

    /// PyTorch counts 26,433 parameters for PixelCNN L=7, h=16, 1 colour, binary
    /// (masked-out weights included); `model show` must say the same.
    func testParameterCountMatchesPyTorch() throws {
        let golden = try GoldenFixture("pixelcnn_golden")
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 7, hidden: 16), seed: 0)
        XCTAssertEqual(net.parameterCount, Int(golden["parameter_count.L7_h16"].data[0]))
        XCTAssertEqual(net.parameterCount, 26_433)
    }

    /// Checkpoint names (Sources/PixelRNN/Checkpoint/README.md), in `namedParameters` order.
    func testParameterNames() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4), seed: 0)
        let names = net.namedParameters.map { $0.0 }
        XCTAssertEqual(names.prefix(8), ["input.weight", "input.bias", "blocks.0.a.weight", "blocks.0.a.bias",
                                         "blocks.0.b.weight", "blocks.0.b.bias", "blocks.0.c.weight", "blocks.0.c.bias"])
        XCTAssertEqual(names.suffix(4), ["head.0.weight", "head.0.bias", "head.1.weight", "head.1.bias"])
    }
}

/// The batch mean of −Σ log p(x | logits), computed in Double.
func pcnnMeanNLL(logits: Tensor, pixels: Tensor, levels: Int) -> Double {
    let (b, c, h, w) = (pixels.shape[0], pixels.shape[1], pixels.shape[2], pixels.shape[3])
    var total = 0.0
    for n in 0..<b { for colour in 0..<c { for y in 0..<h { for x in 0..<w {
        let target = Int(pixels[n, colour, y, x])
        if levels == 2 {
            let l = Double(logits[n, colour, y, x])
            total += target == 1 ? log1p(exp(-l)) : log1p(exp(l))       // −log σ(l), −log(1 − σ(l))
        } else {
            let values = (0..<levels).map { Double(logits[n, $0 * c + colour, y, x]) }
            let m = values.max()!
            total -= values[target] - m - log(values.reduce(0) { $0 + exp($1 - m) })
        }
    } } } }
    return total / Double(b)
}

/// Random pixels: 0/1 (levels 2) or 0…255.
func pcnnRandomPixels(_ shape: [Int], levels: Int, seed: UInt64) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(rng.next() % UInt64(levels)) })
}

/// Finite differences for networks with ReLUs. A step that moves some pre-activation across
/// 0 (a ReLU kink) makes a difference quotient mix two slopes, so `evaluate` returns, with
/// the loss, the ReLU pattern (which pre-activations are > 0). The analytic gradient must
/// match the central difference where the pattern at θ − step, θ and θ + step is the same
/// (the loss is smooth along the whole step), else the one-sided difference on a side where
/// the pattern does not change. Samples with kinks on both sides are skipped — at most half
/// of them, and never all of a parameter, so the check cannot quietly degrade.
func pcnnCheckGradientAcrossKinks(count: Int, analytic: (Int) -> Float,
                                  get: (Int) -> Float, set: (Int, Float) -> Void,
                                  evaluate: () -> (loss: Double, pattern: [Bool]), samples: Int = 20, seed: UInt64 = 7,
                                  step: Float = 1e-3, tolerance: Double = 2e-3,
                                  _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    let indices = sampledIndices(count: count, samples: samples, seed: seed)
    var skipped = 0
    for i in indices {
        let original = get(i)
        let centre = evaluate()
        set(i, original + step); let plus = evaluate()
        set(i, original - step); let minus = evaluate()
        set(i, original)
        let smoothAbove = plus.pattern == centre.pattern, smoothBelow = minus.pattern == centre.pattern
        let numeric: Double, kind: String
        switch (smoothBelow, smoothAbove) {
        case (true, true): numeric = (plus.loss - minus.loss) / Double(2 * step); kind = "central"
        case (false, true): numeric = (plus.loss - centre.loss) / Double(step); kind = "forward"
        case (true, false): numeric = (centre.loss - minus.loss) / Double(step); kind = "backward"
        case (false, false): skipped += 1; continue
        }
        let a = Double(analytic(i))
        let error = abs(numeric - a) / max(1, abs(numeric), abs(a))
        XCTAssertLessThanOrEqual(error, tolerance, "\(message) entry \(i): \(kind) difference \(numeric) vs backward \(a)",
                                 file: file, line: line)
    }
    XCTAssertTrue(skipped <= indices.count / 2 && skipped < indices.count,
                  "\(message): \(skipped) of \(indices.count) steps crossed ReLU kinks on both sides", file: file, line: line)
}

/// Which inputs of the network's ReLUs are > 0: the streams, each block's `a` and `b`
/// outputs (> 0 exactly where their ReLUs' outputs are), and head.0's output.
func pcnnReLUPattern(_ pass: NetworkForward) -> [Bool] {
    var maps = pass.streams + [pass.headHidden]
    for block in pass.blockPasses { maps += [block.saved["relu_a"]!, block.saved["relu_b"]!] }
    return maps.flatMap { $0.data.map { $0 > 0 } }
}

/// Every masked-out entry of a parameter has exactly zero gradient.
func pcnnAssertMaskedGradientsAreZero(_ p: Parameter, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    guard let m = p.mask else { return }
    let leaks = (0..<m.count).filter { m.data[$0] == 0 && p.grad.data[$0] != 0 }
    XCTAssertTrue(leaks.isEmpty, "\(name): masked entries \(leaks.prefix(5)) have a gradient", file: file, line: line)
}
