import Foundation
import XCTest
@testable import PixelRNN

/// The state-to-state convolution K^ss: a width-3 1-D convolution along the row.
final class RowLSTMStateToStateTests: XCTestCase {
    /// One channel in and out, weights [1, 2, 3], bias 0.5, zero padding 1:
    /// y[j] = 0.5 + 1·x[j−1] + 2·x[j] + 3·x[j+1].
    func testFormulaOnAHandExample() {
        let conv = RowStateToState(inChannels: 1, outChannels: 1, kernelWidth: 3, seed: 0)
        conv.weight.value = Tensor(shape: [1, 1, 3], data: [1, 2, 3])
        conv.bias.value = Tensor(shape: [1], data: [0.5])
        let x = Tensor(shape: [1, 1, 4], data: [1, 0, 0, 2])
        let expected: [Float] = [0.5 + 2 * 1 + 3 * 0, 0.5 + 1 * 1 + 0 + 0, 0.5 + 0 + 0 + 3 * 2, 0.5 + 0 + 2 * 2]
        XCTAssertEqual(conv.forwardPlain(x).data, expected)
        XCTAssertEqual(conv.forwardFast(x).data, expected)
    }

    func testFastPathEqualsPlainPath() {
        let conv = RowStateToState(inChannels: 5, outChannels: 12, kernelWidth: 3, seed: 4)
        let x = randomTensor([3, 5, 7], seed: 1)
        let dy = randomTensor([3, 12, 7], seed: 2)
        assertClose(conv.forwardFast(x), conv.forwardPlain(x), tolerance: 1e-6, "forward")
        assertBackwardPathsAgree(weight: conv.weight, bias: conv.bias, tolerance: 1e-6, "K^ss",
                                 plain: { conv.backwardPlain(input: x, outputGradient: dy) },
                                 fast: { conv.backwardFast(input: x, outputGradient: dy) })
    }

    func testFiniteDifferences() throws {
        for fast in [false, true] {
            withComputePath(fast: fast) {
                let conv = RowStateToState(inChannels: 3, outChannels: 8, kernelWidth: 3, seed: 9)
                var x = randomTensor([2, 3, 5], seed: 10)
                let r = randomTensor([2, 8, 5], seed: 11)
                let dx = conv.backward(input: x, outputGradient: r)
                let loss = { weightedSum(conv.forward(x), r) }
                checkFiniteDifferences(count: x.count, analytic: { dx.data[$0] }, get: { x.data[$0] },
                                       set: { x.data[$0] = $1 }, loss: loss, samples: 30, tolerance: 1e-3, "∂x fast=\(fast)")
                for (name, p) in conv.namedParameters {
                    checkFiniteDifferences(count: p.value.count, analytic: { p.grad.data[$0] }, get: { p.value.data[$0] },
                                           set: { p.value.data[$0] = $1 }, loss: loss, samples: 30, tolerance: 1e-3,
                                           "\(name) fast=\(fast)")
                }
            }
        }
    }
}

/// The Row LSTM block: parameters, the recurrence by hand, gradients, fast = plain.
final class RowLSTMBlockTests: XCTestCase {
    func testParameterNamesAndShapes() {
        let block = RowLSTMBlock(hidden: 3, colors: 1, seed: 1)
        let shapes = block.namedParameters.map { "\($0.0) \($0.1.value.shape)" }
        XCTAssertEqual(shapes, ["i_s.weight [12, 6, 1, 3]", "i_s.bias [12]",
                                "s_s.weight [12, 3, 3]", "s_s.bias [12]",
                                "out.weight [6, 3, 1, 1]", "out.bias [6]"])
        // i_s is mask B along the row: the pixel and its left neighbour, never the right one.
        let m = block.inputToState.weight.mask!
        for o in 0..<12 { for c in 0..<6 { XCTAssertEqual([m[o, c, 0, 0], m[o, c, 0, 1], m[o, c, 0, 2]], [1, 1, 0]) } }
        XCTAssertNil(block.stateToState.weight.mask)
    }

    /// The first two rows of a 1-pixel-wide map computed by hand from the parameters:
    /// gates [o, f, i, g] in that channel order, σ on o, f, i and tanh on g.
    func testRecurrenceByHand() {
        let h = 2
        let block = RowLSTMBlock(hidden: h, colors: 1, seed: 3)
        let x = randomTensor([1, 2 * h, 2, 1], seed: 4)        // two rows, one column
        let pass = block.forward(x)
        let wis = block.inputToState.weight.value, bis = block.inputToState.bias.value
        let wss = block.stateToState.weight.value, bss = block.stateToState.bias.value
        func sigma(_ v: Float) -> Float { 1 / (1 + expf(-v)) }
        var hPrev = [Float](repeating: 0, count: h), cPrev = [Float](repeating: 0, count: h)
        for r in 0..<2 {
            // z[ch] = b_is + Σ_c W_is[ch, c, 0, 1] x[c, r, 0]  (only the centre tap is inside a 1-wide row)
            //       + b_ss + Σ_c W_ss[ch, c, 1] h_{r−1}[c]
            var z = [Float](repeating: 0, count: 4 * h)
            for ch in 0..<(4 * h) {
                var s = bis.data[ch] + bss.data[ch]
                for c in 0..<(2 * h) { s += wis[ch, c, 0, 1] * x[0, c, r, 0] }
                for c in 0..<h { s += wss.data[(ch * h + c) * 3 + 1] * hPrev[c] }
                z[ch] = s
            }
            for k in 0..<h {
                let (o, f, i, g) = (sigma(z[k]), sigma(z[h + k]), sigma(z[2 * h + k]), tanhf(z[3 * h + k]))
                let c = f * cPrev[k] + i * g
                let hk = o * tanhf(c)
                XCTAssertEqual(pass.saved["cell"]![0, k, r, 0], c, accuracy: 1e-6, "c row \(r)")
                XCTAssertEqual(pass.saved["hidden"]![0, k, r, 0], hk, accuracy: 1e-6, "h row \(r)")
                cPrev[k] = c; hPrev[k] = hk
            }
            for ch in 0..<(4 * h) { XCTAssertEqual(pass.saved["gates"]![0, ch, r, 0], z[ch], accuracy: 1e-6) }
        }
        // F(x) = out(h)
        XCTAssertEqual(pass.residual, block.out.forward(pass.saved["hidden"]!))
    }

    func testSavedMapsHaveTheDocumentedShapes() {
        let block = RowLSTMBlock(hidden: 4, colors: 1, seed: 2)
        let pass = block.forward(randomTensor([2, 8, 3, 5], seed: 1))
        XCTAssertEqual(pass.residual.shape, [2, 8, 3, 5])
        XCTAssertEqual(pass.saved["gates"]!.shape, [2, 16, 3, 5])
        XCTAssertEqual(pass.saved["gate_values"]!.shape, [2, 16, 3, 5])
        XCTAssertEqual(pass.saved["cell"]!.shape, [2, 4, 3, 5])
        XCTAssertEqual(pass.saved["cell_tanh"]!.shape, [2, 4, 3, 5])
        XCTAssertEqual(pass.saved["hidden"]!.shape, [2, 4, 3, 5])
    }

    /// Finite differences for every parameter of the block and for its input, on both paths.
    func testFiniteDifferencesEveryParameterAndInput() throws {
        for fast in [false, true] {
            withComputePath(fast: fast) {
                let block = RowLSTMBlock(hidden: 3, colors: 1, seed: 21)
                // Larger weights than the default so the recurrence and the gates matter.
                for (_, p) in block.namedParameters {
                    for i in 0..<p.value.count { p.value.data[i] *= 2.5 * (p.mask?.data[i] ?? 1) }
                }
                var x = randomTensor([2, 6, 4, 5], seed: 22)
                let r = randomTensor([2, 6, 4, 5], seed: 23)
                let dx = block.backward(block.forward(x), outputGradient: r)
                let loss = { weightedSum(block.forward(x).residual, r) }
                checkFiniteDifferences(count: x.count, analytic: { dx.data[$0] }, get: { x.data[$0] },
                                       set: { x.data[$0] = $1 }, loss: loss, samples: 40, step: 5e-3,
                                       tolerance: 3e-3, "∂x fast=\(fast)")
                for (name, p) in block.namedParameters {
                    // Masked-out weights have a zero gradient and never change the output: skip them.
                    let used = (0..<p.value.count).filter { p.mask?.data[$0] ?? 1 != 0 }
                    checkFiniteDifferences(count: used.count, analytic: { p.grad.data[used[$0]] },
                                           get: { p.value.data[used[$0]] }, set: { p.value.data[used[$0]] = $1 },
                                           loss: loss, samples: 30, step: 5e-3, tolerance: 3e-3, "\(name) fast=\(fast)")
                    if let m = p.mask {
                        for i in 0..<m.count where m.data[i] == 0 { XCTAssertEqual(p.grad.data[i], 0, "\(name) masked entry \(i)") }
                    }
                }
            }
        }
    }

    func testFastPathEqualsPlainPath() throws {
        let block = RowLSTMBlock(hidden: 4, colors: 1, seed: 31)
        let x = randomTensor([3, 8, 5, 6], seed: 32)
        let r = randomTensor([3, 8, 5, 6], seed: 33)
        var results: [(BlockForward, Tensor, [Tensor])] = []
        for fast in [false, true] {
            withComputePath(fast: fast) {
                for (_, p) in block.namedParameters { p.zeroGrad() }
                let pass = block.forward(x)
                let dx = block.backward(pass, outputGradient: r)
                results.append((pass, dx, block.namedParameters.map { $0.1.grad }))
            }
        }
        let (plain, fast) = (results[0], results[1])
        assertClose(fast.0.residual, plain.0.residual, tolerance: 1e-5, "residual")
        for key in ["gates", "gate_values", "cell", "cell_tanh", "hidden"] {
            assertClose(fast.0.saved[key]!, plain.0.saved[key]!, tolerance: 1e-5, key)
        }
        assertClose(fast.1, plain.1, tolerance: 1e-5, "∂x")
        for (k, (name, _)) in block.namedParameters.enumerated() {
            assertClose(fast.2[k], plain.2[k], tolerance: 1e-5, "∂\(name)")
        }
    }

    /// Splitting the batch over the cores (each core runs the recurrence for its own images)
    /// gives the same numbers as one thread, up to the order of float sums.
    func testBatchSplitOverCoresEqualsOneThread() throws {
        let block = RowLSTMBlock(hidden: 3, colors: 1, seed: 35)
        let x = randomTensor([5, 6, 4, 7], seed: 36)
        let r = randomTensor([5, 6, 4, 7], seed: 37)
        let saved = RowLSTMThreads.minimumParallelWork
        defer { RowLSTMThreads.minimumParallelWork = saved }
        var results: [(BlockForward, Tensor, [Tensor])] = []
        for threshold in [Int.max, 0] {
            RowLSTMThreads.minimumParallelWork = threshold
            for (_, p) in block.namedParameters { p.zeroGrad() }
            let pass = block.forward(x)
            let dx = block.backward(pass, outputGradient: r)
            results.append((pass, dx, block.namedParameters.map { $0.1.grad }))
        }
        if RowLSTMThreads.parts(batch: 5, work: 1).count < 2 { print("note: one core or OPENBLAS_NUM_THREADS=1, no split tested") }
        assertClose(results[1].0.residual, results[0].0.residual, tolerance: 1e-6, "residual")
        for (key, t) in results[0].0.saved { assertClose(results[1].0.saved[key]!, t, tolerance: 1e-6, key) }
        assertClose(results[1].1, results[0].1, tolerance: 1e-6, "∂x")
        for k in results[0].2.indices { assertClose(results[1].2[k], results[0].2[k], tolerance: 1e-6, "∂ parameter \(k)") }
    }

    func testModelNewRowLSTMBuildsRowLSTMBlocks() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .rowlstm, layers: 2, hidden: 3))
        XCTAssertTrue(net.blocks.allSatisfy { $0 is RowLSTMBlock })
        let names = net.namedParameters.map { $0.0 }
        XCTAssertEqual(names, ["input.weight", "input.bias",
                               "blocks.0.i_s.weight", "blocks.0.i_s.bias", "blocks.0.s_s.weight", "blocks.0.s_s.bias",
                               "blocks.0.out.weight", "blocks.0.out.bias",
                               "blocks.1.i_s.weight", "blocks.1.i_s.bias", "blocks.1.s_s.weight", "blocks.1.s_s.bias",
                               "blocks.1.out.weight", "blocks.1.out.bias",
                               "head.0.weight", "head.0.bias", "head.1.weight", "head.1.bias"])
        // The blocks' weights come from different seeds.
        let (b0, b1) = (net.blocks[0] as! RowLSTMBlock, net.blocks[1] as! RowLSTMBlock)
        XCTAssertNotEqual(b0.stateToState.weight.value, b1.stateToState.weight.value)
    }
}
