import XCTest
@testable import PixelRNN

// Helpers shared by the PixelCNN-half tests (Conv2d, Mask, Activation, Likelihood,
// PixelCNN, Causality), prefixed `pcnn` so they cannot clash with other test files.

/// A masked convolution whose masked-out weight entries hold random non-zero values
/// (as a PyTorch checkpoint may store them): the layer must ignore them.
func pcnnConv(in cin: Int, out cout: Int, kernel: (Int, Int), mask: MaskType?, colors: Int, seed: UInt64) -> Conv2d {
    let conv = Conv2d(inChannels: cin, outChannels: cout, kernelHeight: kernel.0, kernelWidth: kernel.1,
                      mask: mask, colors: colors, seed: seed)
    conv.weight.value = randomTensor(conv.weight.value.shape, seed: seed &+ 99, scale: 0.5)
    conv.bias.value = randomTensor([cout], seed: seed &+ 98, scale: 0.5)
    return conv
}

/// The masked convolution: both paths against each other, against finite differences
/// and against PyTorch.
final class Conv2dTests: XCTestCase {

    // MARK: fast path == plain path

    /// Random shapes: every kernel the models use (1×1, 1×3, 3×3, 7×7) and a few more,
    /// no mask / A / B, 1 and 3 colours, batch 1–3, odd and tiny image sizes (1×1 included).
    func testFastPathEqualsPlainPathOnRandomShapes() {
        var rng = SeededGenerator(seed: 2016)
        let kernels = [(1, 1), (1, 3), (3, 3), (7, 7), (5, 5), (3, 1), (1, 5)]
        for trial in 0..<60 {
            let kernel = kernels[trial % kernels.count]
            let mask: MaskType? = [nil, .A, .B][Int(rng.next() % 3)]
            let colors = rng.next() % 2 == 0 ? 1 : 3
            let cin = 1 + Int(rng.next() % 7), cout = 1 + Int(rng.next() % 7)
            let batch = 1 + Int(rng.next() % 3)
            let height = 1 + Int(rng.next() % 9), width = 1 + Int(rng.next() % 9)
            let what = "trial \(trial): \(kernel.0)×\(kernel.1) mask \(mask?.rawValue ?? "none"), \(colors) colours, \(cin)→\(cout), x \([batch, cin, height, width])"

            let conv = pcnnConv(in: cin, out: cout, kernel: kernel, mask: mask, colors: colors, seed: 500 + UInt64(trial))
            let x = randomTensor([batch, cin, height, width], seed: 700 + UInt64(trial))
            let dy = randomTensor([batch, cout, height, width], seed: 900 + UInt64(trial))

            assertClose(conv.forwardFast(x), conv.forwardPlain(x), tolerance: 1e-5, "forward, \(what)")
            assertClose(conv.forwardFast(x, thenReLU: true), Activation.relu(conv.forwardPlain(x)), tolerance: 1e-5,
                        "forward then ReLU, \(what)")

            assertBackwardPathsAgree(weight: conv.weight, bias: conv.bias, tolerance: 1e-5, what,
                                     plain: { conv.backwardPlain(input: x, outputGradient: dy) },
                                     fast: { conv.backwardFast(input: x, outputGradient: dy) })

            // Weights only (a first layer's backward in a training step): the same ∂W and ∂b.
            conv.weight.zeroGrad(); conv.bias.zeroGrad()
            _ = conv.backwardPlain(input: x, outputGradient: dy)
            let (dw, db) = (conv.weight.grad, conv.bias.grad)
            for path in [ComputePath.plain, .fast] {
                conv.weight.zeroGrad(); conv.bias.zeroGrad()
                ComputePath.with(path) { conv.backwardWeights(input: x, outputGradient: dy) }
                assertClose(conv.weight.grad, dw, tolerance: 1e-5, "weights only, ∂W, \(path), \(what)")
                assertClose(conv.bias.grad, db, tolerance: 1e-5, "weights only, ∂b, \(path), \(what)")
            }

            // Through the ReLU in front of the layer (its input r = ReLU(x)): both paths give
            // ∂L/∂r ⊙ [r > 0] and the same weight and bias gradients as the plain backward.
            let r = Activation.relu(x)
            for path in [ComputePath.plain, .fast] {
                assertBackwardPathsAgree(weight: conv.weight, bias: conv.bias, tolerance: 1e-5, "through ReLU, \(path), \(what)",
                                         plain: { Activation.reluBackward(input: r, outputGradient: conv.backwardPlain(input: r, outputGradient: dy)) },
                                         fast: { ComputePath.with(path) { conv.backwardThroughReLU(input: r, outputGradient: dy) } })
            }
            let d = conv.backwardThroughReLU(input: r, outputGradient: dy)
            XCTAssertTrue(zip(d.data, r.data).allSatisfy { $1 > 0 || $0 == 0 }, "zero where the ReLU was off, \(what)")
        }
    }

    /// The fast path keeps Ŵ between calls (`usedWeightMatrix`): after the weight changes —
    /// in place, as Adam changes it, or assigned whole — it computes with the new weight.
    func testFastPathFollowsChangedWeights() {
        let conv = pcnnConv(in: 3, out: 4, kernel: (3, 3), mask: .B, colors: 1, seed: 31)
        let x = randomTensor([2, 3, 5, 6], seed: 32)
        _ = conv.forwardFast(x)
        let before = conv.weight.version
        for i in 0..<conv.weight.value.count { conv.weight.value.data[i] *= -1.5 }
        XCTAssertNotEqual(conv.weight.version, before, "a change in place is seen")
        assertClose(conv.forwardFast(x), conv.forwardPlain(x), tolerance: 1e-5, "after a change in place")
        conv.weight.value = randomTensor(conv.weight.value.shape, seed: 33)
        assertClose(conv.forwardFast(x), conv.forwardPlain(x), tolerance: 1e-5, "after an assignment")
        let dy = randomTensor([2, 4, 5, 6], seed: 34)
        assertBackwardPathsAgree(weight: conv.weight, bias: conv.bias, tolerance: 1e-5, "backward after the changes",
                                 plain: { conv.backwardPlain(input: x, outputGradient: dy) },
                                 fast: { conv.backwardFast(input: x, outputGradient: dy) })
    }

    /// The same with every layer's images shared out to the cores (their gradients added at
    /// the end), however small the work.
    func testFastPathEqualsPlainPathWhenTheBatchIsSplitOverThreads() {
        let saved = FastPathThreads.minimumParallelWork
        FastPathThreads.minimumParallelWork = 0
        defer { FastPathThreads.minimumParallelWork = saved }
        XCTAssertEqual(FastPathThreads.parts(batch: 5, work: 1).flatMap { Array($0) }, [0, 1, 2, 3, 4])
        testFastPathEqualsPlainPathOnRandomShapes()
        testFastPathEqualsPlainPathOnModelLayers()
    }

    /// The models' own layer shapes at a realistic size: input 7×7 A, b 3×3 B, 1×1 a/c/head.
    func testFastPathEqualsPlainPathOnModelLayers() {
        let layers: [(Int, Int, (Int, Int), MaskType, Int)] = [
            (1, 32, (7, 7), .A, 1), (32, 16, (1, 1), .B, 1), (16, 16, (3, 3), .B, 1), (16, 32, (1, 1), .B, 1),
            (3, 12, (7, 7), .A, 3), (12, 6, (1, 1), .B, 3), (6, 6, (3, 3), .B, 3), (32, 768, (1, 1), .B, 3),
            (12, 24, (1, 3), .B, 3),
        ]
        for (k, (cin, cout, kernel, mask, colors)) in layers.enumerated() {
            let conv = pcnnConv(in: cin, out: cout, kernel: kernel, mask: mask, colors: colors, seed: 40 + UInt64(k))
            let x = randomTensor([2, cin, 9, 11], seed: 60 + UInt64(k))
            let dy = randomTensor([2, cout, 9, 11], seed: 80 + UInt64(k))
            let what = "\(cin)→\(cout) \(kernel) mask \(mask) \(colors) colours"
            assertClose(conv.forwardFast(x), conv.forwardPlain(x), tolerance: 1e-5, "forward \(what)")
            assertBackwardPathsAgree(weight: conv.weight, bias: conv.bias, tolerance: 1e-5, what,
                                     plain: { conv.backwardPlain(input: x, outputGradient: dy) },
                                     fast: { conv.backwardFast(input: x, outputGradient: dy) })
        }
    }

    /// The fast path skips the taps a mask removes for every output channel.
    func testFastPathSkipsMaskedOutTaps() {
        let inputLayer = Conv2d(inChannels: 1, outChannels: 4, kernelHeight: 7, kernelWidth: 7, mask: .A, colors: 1, seed: 1)
        XCTAssertEqual(inputLayer.usedTaps.count, 24)            // 3 rows of 7 + 3 left of the centre
        let b = Conv2d(inChannels: 2, outChannels: 2, kernelHeight: 3, kernelWidth: 3, mask: .B, colors: 1, seed: 1)
        XCTAssertEqual(b.usedTaps.count, 2 * 5)                  // 3 above + left + centre, per input channel
        // 3 colours, mask A: at the centre, input colour B is seen by no output colour.
        let rgb = Conv2d(inChannels: 3, outChannels: 3, kernelHeight: 3, kernelWidth: 3, mask: .A, colors: 3, seed: 1)
        XCTAssertEqual(rgb.usedTaps.count, 3 * 4 + 2)
        let plain = Conv2d(inChannels: 2, outChannels: 3, kernelHeight: 3, kernelWidth: 3, mask: nil, colors: 1, seed: 1)
        XCTAssertEqual(plain.usedTaps.count, 18)
        XCTAssertTrue(Conv2d(inChannels: 4, outChannels: 2, kernelHeight: 1, kernelWidth: 1, mask: .B, colors: 1, seed: 1).kernelIsPointwise)
        // 1×1 mask A, 3 colours: no output sees input colour B, so X̂ₙ leaves those channels out.
        let pointwiseA = Conv2d(inChannels: 6, outChannels: 6, kernelHeight: 1, kernelWidth: 1, mask: .A, colors: 3, seed: 1)
        XCTAssertEqual(pointwiseA.usedTaps, [0, 1, 3, 4])
        XCTAssertFalse(pointwiseA.kernelIsPointwise)
    }

    // MARK: finite differences

    /// ∂/∂x, ∂/∂W, ∂/∂b of Σ y ⊙ r against central differences, on both paths, for
    /// mask A and B with 1 and 3 colours; masked weight entries get exactly zero gradient.
    func testGradientsMatchFiniteDifferences() {
        let cases: [(MaskType?, Int, Int, Int, (Int, Int))] = [
            (.A, 1, 2, 3, (7, 7)), (.B, 1, 3, 2, (3, 3)), (.A, 3, 3, 6, (7, 7)), (.B, 3, 6, 3, (3, 3)),
            (.B, 3, 6, 6, (1, 1)), (.B, 1, 4, 5, (1, 3)), (nil, 1, 2, 2, (3, 3)),
        ]
        for (k, (mask, colors, cin, cout, kernel)) in cases.enumerated() {
            for fast in [false, true] {
                let what = "\(kernel) mask \(mask?.rawValue ?? "none") \(colors) colours \(fast ? "fast" : "plain")"
                let conv = pcnnConv(in: cin, out: cout, kernel: kernel, mask: mask, colors: colors, seed: 10 + UInt64(k))
                var x = randomTensor([2, cin, 5, 6], seed: 20 + UInt64(k))
                let r = randomTensor([2, cout, 5, 6], seed: 30 + UInt64(k))
                let forward = { fast ? conv.forwardFast(x) : conv.forwardPlain(x) }
                conv.weight.zeroGrad(); conv.bias.zeroGrad()
                let dx = fast ? conv.backwardFast(input: x, outputGradient: r) : conv.backwardPlain(input: x, outputGradient: r)
                let loss = { weightedSum(forward(), r) }

                checkFiniteDifferences(count: x.count, analytic: { dx.data[$0] },
                                       get: { x.data[$0] }, set: { x.data[$0] = $1 }, loss: loss,
                                       samples: 40, tolerance: 1e-3, "dx \(what)")
                checkFiniteDifferences(count: conv.weight.value.count, analytic: { conv.weight.grad.data[$0] },
                                       get: { conv.weight.value.data[$0] }, set: { conv.weight.value.data[$0] = $1 },
                                       loss: loss, samples: 60, tolerance: 1e-3, "dW \(what)")
                checkFiniteDifferences(count: cout, analytic: { conv.bias.grad.data[$0] },
                                       get: { conv.bias.value.data[$0] }, set: { conv.bias.value.data[$0] = $1 },
                                       loss: loss, tolerance: 1e-3, "db \(what)")
                if let m = conv.weight.mask {
                    for i in 0..<m.count where m.data[i] == 0 {
                        XCTAssertEqual(conv.weight.grad.data[i], 0, "masked entry \(i) got a gradient, \(what)")
                    }
                }
            }
        }
    }

    // MARK: PyTorch

    /// Forward and backward of masked 3×3 / 7×7 convolutions, mask A and B, 1 and 3
    /// colours, against PyTorch (Fixtures/make_pixelcnn_golden.py). The fixture's weights
    /// are unmasked: our layer must apply the mask itself.
    func testMatchesPyTorch() throws {
        let golden = try GoldenFixture("conv_golden")
        let cases = Set(golden.tensors.keys.map { String($0.split(separator: ".")[0]) })
        XCTAssertEqual(cases.count, 8)
        for name in cases.sorted() {
            // name: k<size>_<mask>_c<colours>
            let parts = name.split(separator: "_")
            let size = Int(parts[0].dropFirst())!, mask = MaskType(rawValue: String(parts[1]))!, colors = Int(parts[2].dropFirst())!
            let w = golden["\(name).weight"]
            for fast in [false, true] {
                let conv = Conv2d(inChannels: w.shape[1], outChannels: w.shape[0], kernelHeight: size, kernelWidth: size,
                                  mask: mask, colors: colors, seed: 0)
                conv.weight.value = w
                conv.bias.value = golden["\(name).bias"]
                let x = golden["\(name).x"], dy = golden["\(name).dy"]
                let y = fast ? conv.forwardFast(x) : conv.forwardPlain(x)
                let dx = fast ? conv.backwardFast(input: x, outputGradient: dy) : conv.backwardPlain(input: x, outputGradient: dy)
                let what = "\(name) \(fast ? "fast" : "plain")"
                assertClose(y, golden["\(name).y"], tolerance: 1e-5, "y \(what)")
                assertClose(dx, golden["\(name).dx"], tolerance: 1e-5, "dx \(what)")
                assertClose(conv.weight.grad, golden["\(name).dW"], tolerance: 1e-5, "dW \(what)")
                assertClose(conv.bias.grad, golden["\(name).db"], tolerance: 1e-5, "db \(what)")
            }
        }
    }
}
