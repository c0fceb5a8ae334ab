import CBLAS
import XCTest
@testable import PixelRNN

/// The pieces of the Diagonal BiLSTM, forward against backward (finite differences)
/// and the fast path against the plain one.
final class DiagonalBiLSTMTests: XCTestCase {

    // MARK: s_s, the 2-tap state-to-state convolution

    /// Tap 0 reads row r−1, tap 1 reads row r; nothing reads row r+1.
    func testStateToStateReadsRowsAboveAndSameNeverBelow() {
        let s = DiagonalStateToState(hidden: 2, seed: 1)
        let base = s.forward(Tensor(zeros: [1, 2, 5]))
        for q in 0..<5 {
            var column = Tensor(zeros: [1, 2, 5])
            column.data[1 * 5 + q] = 1                       // channel 1, row q
            let y = s.forward(column)
            for o in 0..<8 {
                for r in 0..<5 {
                    let delta = y.data[o * 5 + r] - base.data[o * 5 + r]
                    let w = s.weight.value.data
                    let expected: Float = r == q ? w[(o * 2 + 1) * 2 + 1] : (r == q + 1 ? w[(o * 2 + 1) * 2 + 0] : 0)
                    XCTAssertEqual(delta, expected, accuracy: 1e-6, "output row \(r) for a state at row \(q)")
                }
            }
        }
    }

    func testStateToStateGradients() {
        let s = DiagonalStateToState(hidden: 3, seed: 2)
        var column = randomTensor([2, 3, 5], seed: 3)
        let r = randomTensor([2, 12, 5], seed: 4)
        let loss = { weightedSum(s.forward(column), r) }
        let dColumn = s.backward(input: column, outputGradient: r)
        for (name, p) in s.namedParameters {
            checkFiniteDifferences(count: p.value.count, analytic: { p.grad.data[$0] }, get: { p.value.data[$0] },
                                   set: { p.value.data[$0] = $1 }, loss: loss, samples: 40, "s_s.\(name)")
        }
        checkFiniteDifferences(count: column.count, analytic: { dColumn.data[$0] }, get: { column.data[$0] },
                               set: { column.data[$0] = $1 }, loss: loss, samples: 40, "s_s input")
    }

    // MARK: one direction

    private func checkDirectionGradients(fast: Bool) {
        let lstm = DiagonalLSTM(hidden: 3, colors: 1, seed: 11)           // H ≠ W on purpose
        checkGradients(fast: fast, lstm.namedParameters, input: randomTensor([2, 6, 4, 5], seed: 12),
                       probe: randomTensor([2, 3, 4, 5], seed: 13), samples: (30, 40), inputName: "input",
                       forward: { lstm.forward($0).output }, backward: { lstm.backward(lstm.forward($0), outputGradient: $1) })
    }

    /// Finite differences of ⟨forward(x), probe⟩ against `backward` for a sample of every
    /// parameter (`samples.parameters` each) and of the input.
    private func checkGradients(fast: Bool, _ parameters: [(String, Parameter)], input: Tensor, probe r: Tensor,
                                samples: (parameters: Int, input: Int), inputName: String,
                                forward: (Tensor) -> Tensor, backward: (Tensor, Tensor) -> Tensor) {
        ComputePath.with(fast ? .fast : .plain) {
            checkGradients(fast ? "fast" : "plain", parameters, input: input, probe: r, samples: samples, inputName: inputName,
                           forward: forward, backward: backward)
        }
    }

    private func checkGradients(_ label: String, _ parameters: [(String, Parameter)], input: Tensor, probe r: Tensor,
                                samples: (parameters: Int, input: Int), inputName: String,
                                forward: (Tensor) -> Tensor, backward: (Tensor, Tensor) -> Tensor) {
        var x = input
        let loss = { weightedSum(forward(x), r) }
        for (_, p) in parameters { p.zeroGrad() }
        let dx = backward(x, r)
        for (name, p) in parameters {
            checkFiniteDifferences(count: p.value.count, analytic: { p.grad.data[$0] }, get: { p.value.data[$0] },
                                   set: { p.value.data[$0] = $1 }, loss: loss, samples: samples.parameters, "\(label) \(name)")
        }
        checkFiniteDifferences(count: x.count, analytic: { dx.data[$0] }, get: { x.data[$0] },
                               set: { x.data[$0] = $1 }, loss: loss, samples: samples.input, "\(label) \(inputName)")
    }

    func testOneDirectionGradientsPlain() { checkDirectionGradients(fast: false) }
    func testOneDirectionGradientsFast() { checkDirectionGradients(fast: true) }

    /// Cells of the skewed map that are not pixels hold zero state and show zero gates.
    func testNonPixelCellsHoldZeroState() {
        for fast in [false, true] {
            let pass = withComputePath(fast: fast) {
                DiagonalLSTM(hidden: 2, colors: 1, seed: 3).forward(randomTensor([2, 4, 3, 5], seed: 4))
            }
            let (gates, cell, hidden) = (pass.gates.skewedTensor(), pass.cell.skewedTensor(), pass.hidden.skewedTensor())
            XCTAssertEqual(gates.shape, [2, 8, 3, 7])
            XCTAssertEqual(hidden.shape, [2, 2, 3, 7])
            XCTAssertEqual(pass.output, Skew.unskew(hidden, width: 5))
            // The stored zero rows above and below each column stay zero.
            for map in [pass.cell, pass.hidden] {
                for k in 0..<7 {
                    let rows = Skew.pixelRows(skewedColumn: k, height: 3, width: 5)!
                    for c in 0..<2 { for n in 0..<2 {
                        XCTAssertEqual(map.data[map.layout.offset(k, c, rows.lowerBound - 1) + n], 0)
                        XCTAssertEqual(map.data[map.layout.offset(k, c, rows.upperBound + 1) + n], 0)
                    }}
                }
            }
            for (name, map) in [("gates", gates), ("cell", cell), ("hidden", hidden)] {
                for n in 0..<2 { for c in 0..<map.shape[1] { for r in 0..<3 { for k in 0..<7 {
                    if Skew.isPixel(row: r, skewedColumn: k, width: 5) {
                        if name != "cell" { XCTAssertNotEqual(map[n, c, r, k], 0, "\(name) at pixel cell (\(r), \(k))") }
                    } else {
                        XCTAssertEqual(map[n, c, r, k], 0, "\(name) at non-pixel cell (\(r), \(k))")
                    }
                }}}}
            }
        }
    }

    /// The LSTM equations at one cell, by hand, from the saved maps.
    func testCellEquationsByHand() {
        withComputePath(fast: false) {
            let h = 2
            let lstm = DiagonalLSTM(hidden: h, colors: 1, seed: 21)
            let x = randomTensor([1, 4, 3, 3], seed: 22)
            let forward = lstm.forward(x)
            let pass = (cell: forward.cell.skewedTensor(), hidden: forward.hidden.skewedTensor(), gates: forward.gates.skewedTensor())
            let z = Skew.skew(lstm.inputToState.forward(x))
            let w = lstm.stateToState.weight.value, b = lstm.stateToState.bias.value
            let (r, k) = (1, 2)                                  // pixel (1, 1): reads (0, 1) above and (1, 0) left
            for j in 0..<h {
                func pre(_ o: Int) -> Float {
                    var s = z[0, o, r, k] + b.data[o]
                    for c in 0..<h {
                        s += w.data[(o * h + c) * 2 + 0] * pass.hidden[0, c, r - 1, k - 1]
                        s += w.data[(o * h + c) * 2 + 1] * pass.hidden[0, c, r, k - 1]
                    }
                    return s
                }
                let sig = { (v: Float) in 1 / (1 + expf(-v)) }
                let (o, f, i, g) = (sig(pre(j)), sig(pre(h + j)), sig(pre(2 * h + j)), tanhf(pre(3 * h + j)))
                let c = f * pass.cell[0, j, r, k - 1] + i * g
                XCTAssertEqual(pass.cell[0, j, r, k], c, accuracy: 1e-6)
                XCTAssertEqual(pass.hidden[0, j, r, k], o * tanhf(c), accuracy: 1e-6)
                XCTAssertEqual(pass.gates[0, 3 * h + j, r, k], g, accuracy: 1e-6)  // tanh, not σ, on g
            }
        }
    }

    func testFastPathEqualsPlainPath() {
        // (H, W, mirrored, h, batch); h = 16, batch 16, 8 × 8: the ∂K product (4h × 2h
        // = 2,048 elements, K = rows × batch up to 128) is cut in two by SmallMatrixProducts
        for (hh, ww, mirrored, h, batch) in [(4, 5, false, 4, 3), (6, 3, false, 4, 3), (1, 4, false, 4, 3), (5, 1, false, 4, 3), (7, 7, false, 4, 3),
                                             (4, 5, true, 4, 3), (6, 3, true, 4, 3), (8, 8, false, 16, 16), (8, 8, true, 16, 16)] {
            let lstm = DiagonalLSTM(hidden: h, colors: 1, seed: 31, mirrored: mirrored)
            let x = randomTensor([batch, 2 * h, hh, ww], seed: 32)
            let r = randomTensor([batch, h, hh, ww], seed: 33)
            var grads: [[Float]] = []
            var passes: [DiagonalLSTMForward] = []
            var dxs: [Tensor] = []
            for fast in [false, true] {
                withComputePath(fast: fast) {
                    for (_, p) in lstm.namedParameters { p.zeroGrad() }
                    let pass = lstm.forward(x)
                    dxs.append(lstm.backward(pass, outputGradient: r))
                    passes.append(pass)
                    grads.append(lstm.namedParameters.flatMap { $0.1.grad.data })
                }
            }
            let (p0, p1) = (passes[0], passes[1])
            for (a, b, name) in [(p0.gates.skewedTensor(), p1.gates.skewedTensor(), "gates"), (p0.cell.skewedTensor(), p1.cell.skewedTensor(), "cell"),
                                 (p0.cellTanh.skewedTensor(), p1.cellTanh.skewedTensor(), "tanh(cell)"),
                                 (p0.hidden.skewedTensor(), p1.hidden.skewedTensor(), "hidden"), (p0.output, p1.output, "output")] {
                XCTAssertLessThan(a.maxAbsDifference(b), 1e-5, "\(name) \(hh)×\(ww)\(mirrored ? " mirrored" : "")")
            }
            XCTAssertLessThan(dxs[0].maxAbsDifference(dxs[1]), 1e-5, "dx \(hh)×\(ww)\(mirrored ? " mirrored" : "")")
            for p in passes {       // the kept tanh(c) is the one h was made of: h = σ(o) ⊙ tanh(c), exactly
                let (o, tc, hs) = (p.gates.skewedTensor(), p.cellTanh.skewedTensor(), p.hidden.skewedTensor())
                for n in 0..<batch { for j in 0..<h { for r in 0..<hh { for k in 0..<(hh + ww - 1) {
                    XCTAssertEqual(hs[n, j, r, k], o[n, j, r, k] * tc[n, j, r, k])
                }}}}
            }
            let worst = zip(grads[0], grads[1]).map { abs($0 - $1) / (1 + abs($0)) }.max() ?? 0
            XCTAssertLessThan(worst, 1e-5, "parameter gradients \(hh)×\(ww)\(mirrored ? " mirrored" : "")")
        }
    }

    // MARK: the block

    func testFlipAndShift() {
        let x = randomTensor([2, 3, 4, 5], seed: 41)
        let f = DiagonalBiLSTMBlock.flipLeftRight(x)
        XCTAssertEqual(DiagonalBiLSTMBlock.flipLeftRight(f), x)
        XCTAssertEqual(f[1, 2, 3, 0], x[1, 2, 3, 4])
        let s = DiagonalBiLSTMBlock.shiftDown(x)
        for n in 0..<2 { for c in 0..<3 { for j in 0..<5 {
            XCTAssertEqual(s[n, c, 0, j], 0)
            for r in 1..<4 { XCTAssertEqual(s[n, c, r, j], x[n, c, r - 1, j]) }
        }}}
        let g = randomTensor([2, 3, 4, 5], seed: 42)
        XCTAssertEqual(weightedSum(s, g), weightedSum(x, DiagonalBiLSTMBlock.shiftDownBackward(g)), accuracy: 1e-9)
        XCTAssertEqual(weightedSum(f, g), weightedSum(x, DiagonalBiLSTMBlock.flipLeftRight(g)), accuracy: 1e-9)
    }

    /// The moves on thin maps: one row (shifted out whole, up or down), one column (flip changes nothing).
    func testFlipAndShiftOfThinMaps() {
        let row = randomTensor([2, 3, 1, 5], seed: 43)
        XCTAssertEqual(DiagonalBiLSTMBlock.shiftDown(row), Tensor(zeros: row.shape))
        XCTAssertEqual(DiagonalBiLSTMBlock.shiftDownBackward(row), Tensor(zeros: row.shape))
        XCTAssertEqual(DiagonalBiLSTMBlock.flipLeftRight(row)[1, 2, 0, 4], row[1, 2, 0, 0])
        let column = randomTensor([2, 3, 4, 1], seed: 44)
        XCTAssertEqual(DiagonalBiLSTMBlock.flipLeftRight(column), column)
        XCTAssertEqual(DiagonalBiLSTMBlock.shiftDown(column)[1, 2, 3, 0], column[1, 2, 2, 0])
        XCTAssertEqual(DiagonalBiLSTMBlock.shiftDownBackward(column)[1, 2, 2, 0], column[1, 2, 3, 0])
        XCTAssertEqual(DiagonalBiLSTMBlock.shiftDownBackward(column)[1, 2, 3, 0], 0)
    }

    func testParameterNamesAndShapes() {
        let block = DiagonalBiLSTMBlock(hidden: 3, colors: 1, seed: 1)
        XCTAssertEqual(block.namedParameters.map { $0.0 }, [
            "fwd.i_s.weight", "fwd.i_s.bias", "fwd.s_s.weight", "fwd.s_s.bias",
            "bwd.i_s.weight", "bwd.i_s.bias", "bwd.s_s.weight", "bwd.s_s.bias",
            "out.weight", "out.bias"])
        XCTAssertEqual(block.namedParameters.map { $0.1.value.shape }, [
            [12, 6, 1, 1], [12], [12, 3, 2], [12], [12, 6, 1, 1], [12], [12, 3, 2], [12], [6, 3, 1, 1], [6]])
        let net = try! PixelNetwork(config: .init(kind: .diagbilstm, layers: 2, hidden: 3))
        XCTAssertTrue(net.namedParameters.map { $0.0 }.contains("blocks.1.bwd.s_s.weight"))
    }

    /// bwd runs on flip(x) (flip, then skew), and what it adds is flip(h_bwd) one row down.
    func testBlockComposition() {
        for fast in [false, true] {
            withComputePath(fast: fast) {
                let block = DiagonalBiLSTMBlock(hidden: 2, colors: 1, seed: 51)
                let x = randomTensor([2, 4, 4, 5], seed: 52)
                let pass = block.forward(x)
                let hf = block.fwd.forward(x)
                let hb = unmirrored(block.bwd).forward(DiagonalBiLSTMBlock.flipLeftRight(x))
                let maps = block.skewedMaps(pass)
                XCTAssertEqual(maps["fwd.hidden"], hf.hidden.skewedTensor())
                XCTAssertEqual(maps["bwd.hidden"], hb.hidden.skewedTensor())
                XCTAssertEqual(maps["bwd.gates"], hb.gates.skewedTensor())
                XCTAssertEqual(pass.saved["fwd.output"], hf.output)
                XCTAssertEqual(pass.saved["bwd.output"], DiagonalBiLSTMBlock.flipLeftRight(hb.output))
                let shifted = DiagonalBiLSTMBlock.shiftDown(DiagonalBiLSTMBlock.flipLeftRight(hb.output))
                XCTAssertEqual(pass.saved["bwd.shifted"], shifted)
                XCTAssertEqual(pass.residual, block.out.forward(hf.output + shifted))
                for n in 0..<2 { for c in 0..<2 { for j in 0..<5 { XCTAssertEqual(shifted[n, c, 0, j], 0) } } }
            }
        }
    }

    /// A direction like `mirrored`, with its parameters' values, that walks from the left.
    private func unmirrored(_ mirrored: DiagonalLSTM) -> DiagonalLSTM {
        let twin = DiagonalLSTM(hidden: mirrored.hidden, colors: 1, seed: 0)
        for ((_, from), (_, to)) in zip(mirrored.namedParameters, twin.namedParameters) { to.value = from.value }
        return twin
    }

    /// A mirrored direction is the direction run on flip(x), flipped back: its output, ∂x, ∂z
    /// and parameter gradients, exactly, on either path (the fast one packs and unpacks
    /// mirrored, the plain one flips).
    func testMirroredDirectionIsTheDirectionOnTheFlippedImage() {
        for fast in [false, true] {
            withComputePath(fast: fast) {
                let mirrored = DiagonalLSTM(hidden: 3, colors: 1, seed: 35, mirrored: true)
                let twin = unmirrored(mirrored)
                let x = randomTensor([2, 6, 4, 5], seed: 36), r = randomTensor([2, 3, 4, 5], seed: 37)
                let flip = DiagonalBiLSTMBlock.flipLeftRight
                let pass = mirrored.forward(x), twinPass = twin.forward(flip(x))
                XCTAssertEqual(pass.output, flip(twinPass.output))
                XCTAssertEqual(pass.hidden.data, twinPass.hidden.data)
                let d = mirrored.backwardWithGateGradient(pass, outputGradient: r)
                let twinD = twin.backwardWithGateGradient(twinPass, outputGradient: flip(r))
                XCTAssertEqual(d.input, flip(twinD.input))
                XCTAssertEqual(d.gates, flip(twinD.gates))
                XCTAssertEqual(mirrored.namedParameters.map { $0.1.grad }, twin.namedParameters.map { $0.1.grad })
                XCTAssertEqual(mirrored.backward(pass, outputGradient: r), d.input)
            }
        }
    }

    /// fwd and bwd on two threads compute what they compute one after the other, and the
    /// OpenBLAS thread setting is restored.
    func testConcurrentDirectionsEqualSerial() {
        let block = DiagonalBiLSTMBlock(hidden: 4, colors: 1, seed: 91)
        let x = randomTensor([3, 8, 6, 7], seed: 92)
        let dy = randomTensor([3, 8, 6, 7], seed: 93)
        let saved = DiagonalBiLSTMBlock.concurrentDirections
        defer { DiagonalBiLSTMBlock.concurrentDirections = saved }
        var results: [(Tensor, Tensor, [Float])] = []
        for concurrent in [false, true] {
            DiagonalBiLSTMBlock.concurrentDirections = concurrent
            let threads = openblas_get_num_threads()
            for (_, p) in block.namedParameters { p.zeroGrad() }
            let pass = block.forward(x)
            let dx = block.backward(pass, outputGradient: dy)
            XCTAssertEqual(openblas_get_num_threads(), threads)
            results.append((pass.residual, dx, block.namedParameters.flatMap { $0.1.grad.data }))
        }
        XCTAssertLessThan(results[0].0.maxAbsDifference(results[1].0), 1e-6)
        XCTAssertLessThan(results[0].1.maxAbsDifference(results[1].1), 1e-6)
        XCTAssertLessThan(zip(results[0].2, results[1].2).map { abs($0 - $1) }.max()!, 1e-5)
    }

    private func checkBlockGradients(fast: Bool) {
        let block = DiagonalBiLSTMBlock(hidden: 3, colors: 1, seed: 61)
        checkGradients(fast: fast, block.namedParameters, input: randomTensor([2, 6, 5, 4], seed: 62),
                       probe: randomTensor([2, 6, 5, 4], seed: 63), samples: (25, 60), inputName: "block input",
                       forward: { block.forward($0).residual }, backward: { block.backward(block.forward($0), outputGradient: $1) })
    }

    func testBlockGradientsPlain() { checkBlockGradients(fast: false) }
    func testBlockGradientsFast() { checkBlockGradients(fast: true) }

    /// The whole network: ∂(mean NLL)/∂θ for every parameter, by finite differences.
    ///
    /// The network has ReLUs (on the stream and in the head), so the loss has kinks; a
    /// parameter whose ±step crosses one has a central difference that is neither one-sided
    /// derivative. Such an entry counts as a kink — and passes — only if the two one-sided
    /// differences disagree and the backward value equals one of them; kinks must stay rare.
    /// (The PyTorch golden test checks every gradient exactly, without this caveat.)
    func testNetworkGradients() throws {
        let net = try PixelNetwork(config: .init(kind: .diagbilstm, layers: 2, hidden: 3), seed: 71)
        var rng = SeededGenerator(seed: 72)
        let pixels = Tensor(shape: [2, 1, 6, 5], data: (0..<60).map { _ in rng.nextUniform() < 0.4 ? 1 : 0 })
        let loss = { () -> Double in
            let nll = Likelihood.negativeLogLikelihood(logits: net.forward(pixels).logits, pixels: pixels, levels: 2)
            return nll.reduce(0, +) / Double(nll.count)
        }
        net.zeroGrad()
        net.lossAndGradient(pixels)
        let step: Float = 1e-3, tolerance = 1e-2
        var checked = 0, kinks = 0
        func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(1, abs(a), abs(b)) }
        for (name, p) in net.namedParameters {
            var pick = SeededGenerator(seed: 73)
            let indices = p.value.count <= 12 ? Array(0..<p.value.count) : (0..<12).map { _ in Int(pick.next() % UInt64(p.value.count)) }
            for i in indices {
                let original = p.value.data[i]
                let centre = loss()
                p.value.data[i] = original + step; let plus = loss()
                p.value.data[i] = original - step; let minus = loss()
                p.value.data[i] = original
                let analytic = Double(p.grad.data[i])
                let central = (plus - minus) / Double(2 * step)
                let right = (plus - centre) / Double(step), left = (centre - minus) / Double(step)
                checked += 1
                if relativeError(central, analytic) <= tolerance { continue }
                let isKink = relativeError(right, left) > tolerance
                    && min(relativeError(right, analytic), relativeError(left, analytic)) <= tolerance / 2
                if isKink { kinks += 1; continue }
                XCTFail("\(name)[\(i)]: backward \(analytic), central difference \(central) (right \(right), left \(left))")
            }
        }
        XCTAssertLessThanOrEqual(kinks * 10, checked, "\(kinks) of \(checked) entries sit on a ReLU kink")
    }
}
