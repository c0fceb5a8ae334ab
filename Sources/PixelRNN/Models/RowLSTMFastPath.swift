import CBLAS
import Foundation

// The Row LSTM's recurrence, shared by `RowLSTMBlock.forward` and `RowLSTMTrace`, and the
// fused fast path of forward and backward.
//
// The fast path computes the same equations as the plain path in RowLSTMBlock.swift, in
// place in the NCHW maps, and makes the state-to-state convolution of a whole row of a
// range of n images one GEMM:
//
//     S_r (4h, n·W) = K^ss (4h, 3h) · cols(h_{r−1}) (3h, n·W)
//
// where cols(h_{r−1}) (im2col, read straight from row r−1 of the hidden map) holds, for
// every position (image b, column j), the three neighbours j−1, j, j+1 of every state
// channel. Backward mirrors it: ∂K^ss += ∂Z_r · colsᵀ and ∂h_{r−1} += col2im(K^ssᵀ · ∂Z_r),
// written straight into row r−1 of the ∂h map.
//
// Images are independent, so the batch is split into one contiguous range of images per
// core and each core runs the whole recurrence for its range (`RowLSTMThreads`).

/// The maps a Row LSTM forward pass fills row by row (NCHW, B images).
struct RowLSTMMaps {
    /// z, the gates before their nonlinearities, [o, f, i, g] groups: (B, 4h, H, W).
    var gates: Tensor
    /// σ(o), σ(f), σ(i), tanh(g): (B, 4h, H, W).
    var gateValues: Tensor
    /// c: (B, h, H, W).
    var cell: Tensor
    /// tanh(c), kept for backward: (B, h, H, W).
    var cellTanh: Tensor
    /// h: (B, h, H, W).
    var hidden: Tensor

    init(batch: Int, hidden h: Int, height: Int, width: Int, fill: Float = 0) {
        // Five separate buffers (no shared storage to copy on first write).
        gates = Tensor(repeating: fill, shape: [batch, 4 * h, height, width])
        gateValues = Tensor(repeating: fill, shape: [batch, 4 * h, height, width])
        cell = Tensor(repeating: fill, shape: [batch, h, height, width])
        cellTanh = Tensor(repeating: fill, shape: [batch, h, height, width])
        hidden = Tensor(repeating: fill, shape: [batch, h, height, width])
    }

    /// The maps under the names `BlockForward.saved` uses.
    var named: [String: Tensor] {
        ["gates": gates, "gate_values": gateValues, "cell": cell, "cell_tanh": cellTanh, "hidden": hidden]
    }
}

/// The addresses a forward row step reads and writes, valid inside `with`.
struct RowLSTMForwardPointers {
    let inputToState: UnsafePointer<Float>          // (B, 4h, H, W)
    let weight: UnsafePointer<Float>                // K^ss (4h, 3h)
    let bias: UnsafePointer<Float>                  // b^ss (4h)
    let gates, gateValues, cell, cellTanh, hidden: UnsafeMutablePointer<Float>

    static func with<R>(_ inputToState: Tensor, _ s_s: RowConv1d, _ maps: inout RowLSTMMaps,
                        _ body: (RowLSTMForwardPointers) -> R) -> R {
        inputToState.data.withUnsafeBufferPointer { x in
        s_s.weight.value.data.withUnsafeBufferPointer { w in
        s_s.bias.value.data.withUnsafeBufferPointer { b in
        maps.gates.data.withUnsafeMutableBufferPointer { z in
        maps.gateValues.data.withUnsafeMutableBufferPointer { a in
        maps.cell.data.withUnsafeMutableBufferPointer { c in
        maps.cellTanh.data.withUnsafeMutableBufferPointer { t in
        maps.hidden.data.withUnsafeMutableBufferPointer { h in
            body(RowLSTMForwardPointers(inputToState: x.baseAddress!, weight: w.baseAddress!, bias: b.baseAddress!,
                                        gates: z.baseAddress!, gateValues: a.baseAddress!, cell: c.baseAddress!,
                                        cellTanh: t.baseAddress!, hidden: h.baseAddress!))
        }
        }
        }
        }
        }
        }
        }
        }
    }
}

/// Runs the recurrence of one block over a range of images of a batch, one row per
/// `computeRow` call, carrying h and c from row to row (zeros before the first row). The
/// plain or fast path is fixed at creation. `forward` and `RowLSTMTrace` both use this,
/// so a trace agrees exactly with the forward pass of the same image.
final class RowLSTMRecurrence {
    let block: RowLSTMBlock
    /// The images this worker computes.
    let images: Range<Int>
    let height: Int
    let width: Int
    let fast: Bool

    // Plain path: the previous row's h and c, (B, h, W).
    private var hPrev: Tensor
    private var cPrev: Tensor
    // Fast path: the row computed last (its h and c are read from the maps), and scratch.
    private var lastRow: Int?
    private let stateToState: UnsafeMutablePointer<Float>       // S_r   (4h, n·W)
    private let cols: UnsafeMutablePointer<Float>               // cols(h_{r−1})   (3h, n·W)

    init(block: RowLSTMBlock, images: Range<Int>, height: Int, width: Int) {
        self.block = block
        self.images = images
        self.height = height
        self.width = width
        fast = block.usesFastPath
        let h = block.hidden
        hPrev = Tensor(zeros: [fast ? 0 : images.count, h, width])     // h_{−1} = 0
        cPrev = Tensor(zeros: [fast ? 0 : images.count, h, width])     // c_{−1} = 0
        let n = fast ? images.count * width : 0
        stateToState = .allocate(capacity: 4 * h * n)
        cols = .allocate(capacity: 3 * h * n)
    }

    deinit {
        stateToState.deallocate()
        cols.deallocate()
    }

    /// Computes row r of every image from (K^is ⊛ x) (B, 4h, H, W) and the previous row, and
    /// writes it into `maps`. (The plain path needs `images` to be the whole batch.)
    func computeRow(_ r: Int, inputToState: Tensor, maps: inout RowLSTMMaps) {
        if fast {
            RowLSTMForwardPointers.with(inputToState, block.s_s, &maps) { computeRowFast(r, $0) }
            return
        }
        precondition(images == 0..<inputToState.shape[0], "RowLSTMRecurrence: the plain path runs the whole batch")
        let row = block.step(inputToStateRow: inputToState.mapRow(r), previousHidden: hPrev, previousCell: cPrev)
        maps.gates.setMapRow(r, row.gates)
        maps.gateValues.setMapRow(r, row.gateValues)
        maps.cell.setMapRow(r, row.cell)
        maps.cellTanh.setMapRow(r, row.cellTanh)
        maps.hidden.setMapRow(r, row.hidden)
        hPrev = row.hidden
        cPrev = row.cell
    }

    /// The fast row step for this worker's images.
    func computeRowFast(_ r: Int, _ m: RowLSTMForwardPointers) {
        let (h, w, n, area) = (block.hidden, width, images.count * width, height * width)
        let (s, cols, first) = (stateToState, cols, images.lowerBound)
        let previous = lastRow
        // S = K^ss · cols(h_{r−1})   (4h, n·W); zero above the first row.
        if let p = previous {
            RowConv1d.im2col(m.hidden + first * h * area + p * w, channels: h, batch: images.count, width: w,
                             channelStride: area, batchStride: h * area, kernelWidth: 3, into: cols)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(4 * h), Int32(n), Int32(3 * h),
                        1, m.weight, Int32(3 * h), cols, Int32(n), 0, s, Int32(n))
        } else {
            s.update(repeating: 0, count: 4 * h * n)
        }
        for b in images {
            let column = (b - first) * w                          // image b's columns in S
            // z = (K^is ⊛ x)[r] + (K^ss ⊛ h_{r−1} + b^ss);  σ on o, f, i and tanh on g.
            for ch in 0..<(4 * h) {
                let at = (b * 4 * h + ch) * area + r * w
                let (z, x, sRow, bias) = (m.gates + at, m.inputToState + at, s + ch * n + column, m.bias[ch])
                for j in 0..<w { z[j] = x[j] + (sRow[j] + bias) }
                if ch < 3 * h { RowLSTMKernels.sigmoid(z, into: m.gateValues + at, count: w) }
                else { RowLSTMKernels.tanh(z, into: m.gateValues + at, count: w) }
            }
            // c = f ⊙ c_prev + i ⊙ g;  h = o ⊙ tanh(c).
            for k in 0..<h {
                let gate = { (q: Int) in UnsafePointer(m.gateValues + (b * 4 * h + q * h + k) * area + r * w) }
                let (o, f, i, g) = (gate(0), gate(1), gate(2), gate(3))
                let at = (b * h + k) * area + r * w
                let (c, tc, hr) = (m.cell + at, m.cellTanh + at, m.hidden + at)
                if let p = previous {
                    let cp = m.cell + (b * h + k) * area + p * w
                    for j in 0..<w { c[j] = f[j] * cp[j] + i[j] * g[j] }
                } else {
                    for j in 0..<w { c[j] = i[j] * g[j] }             // c_{−1} = 0
                }
                RowLSTMKernels.tanh(c, into: tc, count: w)
                for j in 0..<w { hr[j] = o[j] * tc[j] }
            }
        }
        lastRow = r
    }
}

extension RowLSTMBlock {
    /// The fast recurrence of `forward`: each core runs every row for its range of images.
    func forwardRecurrenceFast(inputToState: Tensor, maps: inout RowLSTMMaps) {
        let (batch, height, width) = (inputToState.shape[0], inputToState.shape[2], inputToState.shape[3])
        let parts = RowLSTMThreads.parts(batch: batch, work: 12 * hidden * hidden * batch * height * width)
        let order = recurrenceOrder(height: height)
        RowLSTMForwardPointers.with(inputToState, s_s, &maps) { m in
            RowLSTMThreads.run(parts.count) { k in
                let recurrence = RowLSTMRecurrence(block: self, images: parts[k], height: height, width: width)
                for r in order { recurrence.computeRowFast(r, m) }
            }
        }
    }

    /// The fused backward: the same equations as `backwardPlain`, in place in the maps, with
    /// the state-to-state gradients as GEMMs; each core runs every row for its range of images.
    func backwardFast(_ pass: BlockForward, outputGradient dResidual: Tensor) -> Tensor {
        let gateValues = pass.saved["gate_values"]!, cell = pass.saved["cell"]!
        let cellTanh = pass.saved["cell_tanh"]!, hiddenMap = pass.saved["hidden"]!
        let (batch, height, w) = (cell.shape[0], cell.shape[2], cell.shape[3])
        let h = hidden

        // F = out(h): ∂L/∂h from the output convolution, every row at once. Row r−1 of this
        // map then gains the recurrent part K^ssᵀ ⋆ ∂z_r before row r−1 is processed.
        var dHidden = out.backward(input: hiddenMap, outputGradient: dResidual)     // (B, h, H, W)
        var dGates = Tensor(zeros: gateValues.shape)                                 // ∂z   (B, 4h, H, W)

        let parts = RowLSTMThreads.parts(batch: batch, work: 24 * h * h * batch * height * w)
        // Each part's ∂K^ss (4h, 3h) and ∂b^ss (4h), added to the parameters' gradients in part order.
        let (weightCount, biasCount) = (12 * h * h, 4 * h)
        let dWeights = UnsafeMutablePointer<Float>.allocate(capacity: parts.count * weightCount)
        let dBiases = UnsafeMutablePointer<Float>.allocate(capacity: parts.count * biasCount)
        dWeights.initialize(repeating: 0, count: parts.count * weightCount)
        dBiases.initialize(repeating: 0, count: parts.count * biasCount)
        defer { dWeights.deallocate(); dBiases.deallocate() }
        let order = recurrenceOrder(height: height)

        gateValues.data.withUnsafeBufferPointer { gateValues in
        cell.data.withUnsafeBufferPointer { cell in
        cellTanh.data.withUnsafeBufferPointer { cellTanh in
        hiddenMap.data.withUnsafeBufferPointer { hiddenMap in
        dHidden.data.withUnsafeMutableBufferPointer { dHidden in
        dGates.data.withUnsafeMutableBufferPointer { dGates in
        s_s.weight.value.data.withUnsafeBufferPointer { weight in
            let maps = RowLSTMBackwardPointers(gateValues: gateValues.baseAddress!, cell: cell.baseAddress!,
                                               cellTanh: cellTanh.baseAddress!, hidden: hiddenMap.baseAddress!,
                                               dHidden: dHidden.baseAddress!, dGates: dGates.baseAddress!,
                                               weight: weight.baseAddress!)
            // Each part writes only its own images' rows and its own ∂K^ss, ∂b^ss.
            RowLSTMThreads.run(parts.count) { k in
                backpropagateThroughRows(images: parts[k], order: order, height: height, width: w, maps,
                                         dWeight: dWeights + k * weightCount, dBias: dBiases + k * biasCount)
            }
        }
        }
        }
        }
        }
        }
        }
        for k in parts.indices {
            for e in 0..<weightCount { s_s.weight.grad.data[e] += dWeights[k * weightCount + e] }
            for e in 0..<biasCount { s_s.bias.grad.data[e] += dBiases[k * biasCount + e] }
        }

        // The input-to-state path, every row at once: ∂L/∂x = K^isᵀ ⋆ ∂z.
        return i_s.backward(input: pass.input, outputGradient: dGates)      // (B, 2h, H, W)
    }

    /// Back-propagation through time for a range of images, bottom row first.
    private func backpropagateThroughRows(images: Range<Int>, order: [Int], height: Int, width w: Int,
                                          _ m: RowLSTMBackwardPointers,
                                          dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>) {
        let (h, n, area, first) = (hidden, images.count * w, height * w, images.lowerBound)
        let dz = UnsafeMutablePointer<Float>.allocate(capacity: 4 * h * n)          // ∂Z_r   (4h, n·W)
        let cols = UnsafeMutablePointer<Float>.allocate(capacity: 3 * h * n)        // cols(h_{r−1})
        let dcols = UnsafeMutablePointer<Float>.allocate(capacity: 3 * h * n)
        let dcNext = UnsafeMutablePointer<Float>.allocate(capacity: h * n)          // ∂c_r via c_{r+1}   (n, h, W)
        let zeros = UnsafeMutablePointer<Float>.allocate(capacity: w)               // c_{−1}
        dcNext.initialize(repeating: 0, count: h * n)
        zeros.initialize(repeating: 0, count: w)
        defer { for p in [dz, cols, dcols, dcNext, zeros] { p.deallocate() } }

        for t in stride(from: height - 1, through: 0, by: -1) {
            let r = order[t]
            let previous: Int? = t > 0 ? order[t - 1] : nil
            for b in images {
                for k in 0..<h {
                    let gateAt = { (q: Int) in (b * 4 * h + q * h + k) * area + r * w }
                    let (oAt, fAt, iAt, gAt) = (gateAt(0), gateAt(1), gateAt(2), gateAt(3))
                    let at = (b * h + k) * area + r * w
                    let cp = previous.map { UnsafePointer(m.cell + (b * h + k) * area + $0 * w) } ?? UnsafePointer(zeros)
                    let dcn = dcNext + ((b - first) * h + k) * w
                    let dzRow = { (q: Int) in dz + (q * h + k) * n + (b - first) * w }
                    let (dzO, dzF, dzI, dzG) = (dzRow(0), dzRow(1), dzRow(2), dzRow(3))
                    let (a, tanhC, dHidden, dGates) = (m.gateValues, m.cellTanh, m.dHidden, m.dGates)
                    // Four columns at a time, then the rest one by one: the same formula.
                    var j = 0
                    while j + 4 <= w {
                        typealias V = SIMD4<Float>
                        let (o, f, i, g): (V, V, V, V) = (.load(a + oAt, j), .load(a + fAt, j), .load(a + iAt, j), .load(a + gAt, j))
                        let tc: V = .load(tanhC + at, j), c0: V = .load(cp, j)
                        let dh: V = .load(dHidden + at, j), dcNext: V = .load(dcn, j)
                        let d = RowLSTMKernels.cellBackward(o: o, f: f, i: i, g: g, tanhC: tc, cPrev: c0, dh: dh, dcNext: dcNext)
                        d.dO.store(dzO, j); d.dF.store(dzF, j); d.dI.store(dzI, j); d.dG.store(dzG, j)
                        d.dO.store(dGates + oAt, j); d.dF.store(dGates + fAt, j)
                        d.dI.store(dGates + iAt, j); d.dG.store(dGates + gAt, j)
                        d.dcPrev.store(dcn, j)
                        j += 4
                    }
                    while j < w {
                        let d = RowLSTMKernels.cellBackward(
                            o: a[oAt + j], f: a[fAt + j], i: a[iAt + j], g: a[gAt + j],
                            tanhC: tanhC[at + j], cPrev: cp[j], dh: dHidden[at + j], dcNext: dcn[j])
                        (dzO[j], dzF[j], dzI[j], dzG[j]) = (d.dO, d.dF, d.dI, d.dG)
                        (dGates[oAt + j], dGates[fAt + j], dGates[iAt + j], dGates[gAt + j]) = (d.dO, d.dF, d.dI, d.dG)
                        dcn[j] = d.dcPrev
                        j += 1
                    }
                }
            }
            // z_r = … + K^ss ⊛ h_{r−1} + b^ss:  ∂b^ss += Σ ∂z_r,  ∂K^ss += ∂Z_r · colsᵀ,
            // ∂h_{r−1} += col2im(K^ssᵀ · ∂Z_r).  Above the first row h = 0: nothing more.
            for ch in 0..<(4 * h) {
                let row = dz + ch * n
                var sum: Float = 0
                for e in 0..<n { sum += row[e] }
                dBias[ch] += sum
            }
            guard let p = previous else { continue }
            RowConv1d.im2col(m.hidden + first * h * area + p * w, channels: h, batch: images.count, width: w,
                             channelStride: area, batchStride: h * area, kernelWidth: 3, into: cols)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(4 * h), Int32(3 * h), Int32(n),
                        1, dz, Int32(n), cols, Int32(n), 1, dWeight, Int32(3 * h))
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(3 * h), Int32(n), Int32(4 * h),
                        1, m.weight, Int32(3 * h), dz, Int32(n), 0, dcols, Int32(n))
            RowConv1d.col2im(dcols, channels: h, batch: images.count, width: w,
                             channelStride: area, batchStride: h * area, kernelWidth: 3,
                             into: m.dHidden + first * h * area + p * w)
        }
    }
}

/// The addresses the backward row steps read and write, valid inside `backwardFast`.
struct RowLSTMBackwardPointers {
    let gateValues, cell, cellTanh, hidden: UnsafePointer<Float>
    let dHidden, dGates: UnsafeMutablePointer<Float>
    let weight: UnsafePointer<Float>
}

/// How the fast recurrence uses the cores: the batch is split into contiguous ranges of
/// images, one per thread, and OpenBLAS runs single-threaded meanwhile (two threads each
/// asking OpenBLAS's shared pool for more threads would wait on each other). The number of
/// ranges is OpenBLAS's own thread count, so `OPENBLAS_NUM_THREADS=1` makes the Row LSTM
/// single-threaded, and a caller that already runs on several threads with OpenBLAS
/// single-threaded is not split again. Results do not depend on the split beyond the order
/// in which floating-point sums are taken.
enum RowLSTMThreads {
    /// Below this many multiply-adds the recurrence runs on one thread.
    nonisolated(unsafe) static var minimumParallelWork = 1 << 20
    private static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The ranges of images, one per thread.
    static func parts(batch: Int, work: Int) -> [Range<Int>] {
        let threads = min(batch, cores, Int(openblas_get_num_threads()))
        let count = work >= minimumParallelWork ? max(1, threads) : 1
        return (0..<count).map { k in (k * batch / count)..<((k + 1) * batch / count) }
    }

    /// Runs `body(k)` for k in 0..<count, concurrently when count > 1 (Dispatch decides
    /// how many threads; at most `count`).
    static func run(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1 else { body(0); return }
        let blasThreads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(blasThreads) }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}

/// Float or four Floats at once (SIMD4): the arithmetic the cell's backward formula needs.
protocol RowLSTMLane {
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static var one: Self { get }
}

extension Float: RowLSTMLane {
    static var one: Float { 1 }
}

extension SIMD4: RowLSTMLane where Scalar == Float {
    static var one: SIMD4<Float> { SIMD4(repeating: 1) }

    /// The four values at p[j], p[j+1], p[j+2], p[j+3].
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ j: Int) -> SIMD4<Float> {
        UnsafeRawPointer(p + j).loadUnaligned(as: SIMD4<Float>.self)
    }

    /// Writes the four values to p[j], …, p[j+3].
    @inline(__always)
    func store(_ p: UnsafeMutablePointer<Float>, _ j: Int) {
        UnsafeMutableRawPointer(p + j).storeBytes(of: self, as: SIMD4<Float>.self)
    }
}

/// σ and tanh for the fast path, written so that loops over them vectorise, and the cell's
/// backward formula.
enum RowLSTMKernels {
    /// Back through one LSTM cell, given its gate values (after σ / tanh), tanh(c), c_prev, and
    /// ∂L/∂h and the ∂L/∂c that row r+1 sends back (through its f ⊙ c):
    ///
    ///     h = o ⊙ tanh(c):            ∂o = ∂h ⊙ tanh(c),   ∂c = ∂h ⊙ o ⊙ (1 − tanh²c) + ∂c_next
    ///     c = f ⊙ c_prev + i ⊙ g:     ∂f = ∂c ⊙ c_prev,    ∂i = ∂c ⊙ g,   ∂g = ∂c ⊙ i,   ∂c_prev = ∂c ⊙ f
    ///     then through σ' = σ(1 − σ) and tanh' = 1 − tanh²  →  ∂z for o, f, i, g.
    @inline(__always)
    static func cellBackward<V: RowLSTMLane>(o: V, f: V, i: V, g: V, tanhC tc: V, cPrev: V, dh: V, dcNext: V)
        -> (dO: V, dF: V, dI: V, dG: V, dcPrev: V) {
        let dc = dh * o * (V.one - tc * tc) + dcNext
        return (dO: dh * tc * o * (V.one - o),
                dF: dc * cPrev * f * (V.one - f),
                dI: dc * g * i * (V.one - i),
                dG: dc * i * (V.one - g * g),
                dcPrev: dc * f)
    }

    /// e^x: x = k·ln 2 + t, |t| ≤ ln2/2, e^t by a polynomial (Cephes expf), 2^k built in the
    /// exponent bits. Within 1 ulp of expf on [−87, 88]; e^−87 below that range and +∞ above
    /// it (so σ and tanh saturate exactly). Branch-free, so loops over it vectorise.
    @inline(__always)
    static func exp(_ x0: Float) -> Float {
        var x = x0 < -87 ? -87 : x0
        x = x > 89 ? 89 : x                                 // 2^128 is +∞
        // Adding 1.5·2²³ rounds x·log₂e to an integer k that lands in the low mantissa bits.
        let shifted = x * 1.442695041 + 12_582_912
        let fn = shifted - 12_582_912                        // k as a Float
        let k = Int32(bitPattern: shifted.bitPattern &- 0x4B40_0000)
        var t = x - fn * 0.693359375                        // ln 2 in two parts, for an exact t
        t = t - fn * -2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * t + 1.3981999507e-3
        p = p * t + 8.3334519073e-3
        p = p * t + 4.1665795894e-2
        p = p * t + 1.6666665459e-1
        p = p * t + 5.0000001201e-1
        let et = p * t * t + t + 1
        return et * Float(bitPattern: UInt32(bitPattern: (k &+ 127) &<< 23))
    }

    /// y = σ(x) = 1 / (1 + e^−x) over `count` values.
    static func sigmoid(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        for e in 0..<count { y[e] = 1 / (1 + exp(-x[e])) }
    }

    /// y = tanh(x) over `count` values: an odd polynomial for |x| < 0.625 (Cephes tanhf),
    /// 1 − 2/(e^{2|x|} + 1) with x's sign elsewhere. Within 2 ulp of tanhf.
    static func tanh(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        for e in 0..<count {
            let v = x[e]
            let a = Float(bitPattern: v.bitPattern & 0x7FFF_FFFF)
            let z = v * v
            var p: Float = -5.70498872745e-3
            p = p * z + 2.06390887954e-2
            p = p * z - 5.37397155531e-2
            p = p * z + 1.33314422036e-1
            p = p * z - 3.33332819422e-1
            let small = p * z * v + v
            let large = 1 - 2 / (exp(2 * a) + 1)
            y[e] = a < 0.625 ? small : Float(bitPattern: large.bitPattern | (v.bitPattern & 0x8000_0000))
        }
    }
}
