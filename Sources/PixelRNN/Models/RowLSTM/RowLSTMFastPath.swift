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
// channel. Backward mirrors it image by image, reading ∂Z_r (4h, W) of image b in place as
// row r of its ∂z map (rows H·W apart): ∂K^ss += ∂Z_r · colsᵀ and
// ∂h_{r−1} += col2im(K^ssᵀ · ∂Z_r), written straight into row r−1 of the ∂h map.
//
// Images are independent, so the batch is split into one contiguous range of images per
// core and each core runs the whole recurrence for its range (`RowLSTMThreads`).

/// The maps a Row LSTM forward pass fills row by row (NCHW, B images): what its backward reads.
public struct RowLSTMMaps: BlockActivations {
    /// z, the gates before their nonlinearities, [o, f, i, g] groups: (B, 4h, H, W).
    public var gates: Tensor
    /// σ(o), σ(f), σ(i), tanh(g): (B, 4h, H, W).
    public var gateValues: Tensor
    /// c: (B, h, H, W).
    public var cell: Tensor
    /// tanh(c), kept for backward: (B, h, H, W).
    public var cellTanh: Tensor
    /// h: (B, h, H, W).
    public var hidden: Tensor

    init(batch: Int, hidden h: Int, height: Int, width: Int, fill: Float = 0) {
        // Five separate buffers (no shared storage to copy on first write).
        gates = Tensor(repeating: fill, shape: [batch, 4 * h, height, width])
        gateValues = Tensor(repeating: fill, shape: [batch, 4 * h, height, width])
        cell = Tensor(repeating: fill, shape: [batch, h, height, width])
        cellTanh = Tensor(repeating: fill, shape: [batch, h, height, width])
        hidden = Tensor(repeating: fill, shape: [batch, h, height, width])
    }

    /// The maps by name (`BlockForward.saved`).
    public var named: [String: Tensor] {
        ["gates": gates, "gate_values": gateValues, "cell": cell, "cell_tanh": cellTanh, "hidden": hidden]
    }
}

/// The addresses a forward row step reads and writes, valid inside `with`.
struct RowLSTMForwardPointers {
    let inputToState: UnsafePointer<Float>          // (B, 4h, H, W)
    let weight: UnsafePointer<Float>                // K^ss (4h, 3h)
    let bias: UnsafePointer<Float>                  // b^ss (4h)
    let gates, gateValues, cell, cellTanh, hidden: UnsafeMutablePointer<Float>

    static func with<R>(_ inputToState: Tensor, _ stateToState: RowStateToState, _ maps: inout RowLSTMMaps,
                        _ body: (RowLSTMForwardPointers) -> R) -> R {
        inputToState.data.withUnsafeBufferPointer { x in
        stateToState.weight.value.data.withUnsafeBufferPointer { w in
        stateToState.bias.value.data.withUnsafeBufferPointer { b in
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
            RowLSTMForwardPointers.with(inputToState, block.stateToState, &maps) { computeRowFast(r, $0) }
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
            RowStateToState.im2col(m.hidden + first * h * area + p * w, channels: h, batch: images.count, width: w,
                             channelStride: area, batchStride: h * area, kernelWidth: 3, into: cols)
            SmallMatrixProducts.sgemm(transposeA: false, transposeB: false, m: 4 * h, n: n, k: 3 * h,
                                      alpha: 1, a: m.weight, lda: 3 * h, b: cols, ldb: n, beta: 0, c: s, ldc: n)
        } else {
            s.update(repeating: 0, count: 4 * h * n)
        }
        for b in images {
            let column = (b - first) * w                          // image b's columns in S
            // z = (K^is ⊛ x)[r] + (K^ss ⊛ h_{r−1} + b^ss);  σ on o, f, i and tanh on g, each row as it is formed.
            for ch in 0..<(4 * h) {
                let at = (b * 4 * h + ch) * area + r * w
                let (z, x, sRow, bias) = (m.gates + at, m.inputToState + at, s + ch * n + column, m.bias[ch])
                for j in 0..<w { z[j] = x[j] + (sRow[j] + bias) }
                if ch < 3 * h { Activation.sigmoid(z, into: m.gateValues + at, count: w) }
                else { Activation.tanh(z, into: m.gateValues + at, count: w) }
            }
            // The cell of each state k: c = σ(f) ⊙ c_prev + σ(i) ⊙ tanh(g);  h = σ(o) ⊙ tanh(c).
            for k in 0..<h {
                let gate = { (q: Int) in UnsafePointer(m.gateValues + (b * 4 * h + q * h + k) * area + r * w) }
                let at = (b * h + k) * area + r * w
                let cp = previous.map { UnsafePointer(m.cell + (b * h + k) * area + $0 * w) }
                LSTMCell.update(values: LSTMGateRows(o: gate(0), f: gate(1), i: gate(2), g: gate(3)), previousCell: cp,
                                cell: m.cell + at, cellTanh: m.cellTanh + at, hidden: m.hidden + at, count: w)
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
        RowLSTMForwardPointers.with(inputToState, stateToState, &maps) { m in
            RowLSTMThreads.run(parts.count) { k in
                let recurrence = RowLSTMRecurrence(block: self, images: parts[k], height: height, width: width)
                for r in order { recurrence.computeRowFast(r, m) }
            }
        }
    }

    /// The fused backward down to ∂L/∂z: the same equations as `gateGradientPlain`, in place in
    /// the maps, with the state-to-state gradients as GEMMs; each core runs every row for its
    /// range of images.
    func gateGradientFast(_ pass: BlockForward, outputGradient dResidual: Tensor) -> Tensor {
        let maps = pass.activations(as: RowLSTMMaps.self)
        let (gateValues, cell, cellTanh, hiddenMap) = (maps.gateValues, maps.cell, maps.cellTanh, maps.hidden)
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
        stateToState.weight.value.data.withUnsafeBufferPointer { weight in
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
            for e in 0..<weightCount { stateToState.weight.grad.data[e] += dWeights[k * weightCount + e] }
            for e in 0..<biasCount { stateToState.bias.grad.data[e] += dBiases[k * biasCount + e] }
        }
        return dGates
    }

    /// Back-propagation through time for a range of images, bottom row first.
    private func backpropagateThroughRows(images: Range<Int>, order: [Int], height: Int, width w: Int,
                                          _ m: RowLSTMBackwardPointers,
                                          dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>) {
        let (h, n, area, first) = (hidden, images.count * w, height * w, images.lowerBound)
        let cols = UnsafeMutablePointer<Float>.allocate(capacity: 3 * h * n)        // cols(h_{r−1})   (3h, n·W)
        let dcols = UnsafeMutablePointer<Float>.allocate(capacity: 3 * h * n)
        let dcNext = UnsafeMutablePointer<Float>.allocate(capacity: h * n)          // ∂c_r via c_{r+1}   (n, h, W)
        dcNext.initialize(repeating: 0, count: h * n)
        defer { for p in [cols, dcols, dcNext] { p.deallocate() } }

        for t in stride(from: height - 1, through: 0, by: -1) {
            let r = order[t]
            let previous: Int? = t > 0 ? order[t - 1] : nil
            // ∂Z_r of image b, (4h, W) with rows `area` apart, is row r of its ∂z map.
            let dz = { (b: Int) in m.dGates + b * 4 * h * area + r * w }
            for b in images {
                for k in 0..<h {
                    let gateAt = { (q: Int) in (b * 4 * h + q * h + k) * area + r * w }
                    let at = (b * h + k) * area + r * w
                    let cp = previous.map { UnsafePointer(m.cell + (b * h + k) * area + $0 * w) }
                    let dcn = dcNext + ((b - first) * h + k) * w
                    let values = LSTMGateRows(o: m.gateValues + gateAt(0), f: m.gateValues + gateAt(1),
                                              i: m.gateValues + gateAt(2), g: m.gateValues + gateAt(3))
                    let dPre = LSTMGateRows(o: m.dGates + gateAt(0), f: m.dGates + gateAt(1),
                                            i: m.dGates + gateAt(2), g: m.dGates + gateAt(3))
                    LSTMCell.backward(values: values, cellTanh: m.cellTanh + at, previousCell: cp,
                                      dHidden: m.dHidden + at, dcNext: dcn, dPre: dPre, dcPrev: dcn, count: w)
                }
            }
            // z_r = … + K^ss ⊛ h_{r−1} + b^ss:  ∂b^ss += Σ ∂z_r,  ∂K^ss += ∂Z_r · colsᵀ,
            // ∂h_{r−1} += col2im(K^ssᵀ · ∂Z_r), image by image.  Above the first row h = 0: nothing more.
            for b in images {
                for ch in 0..<(4 * h) {
                    let row = dz(b) + ch * area
                    var sum: Float = 0
                    for e in 0..<w { sum += row[e] }
                    dBias[ch] += sum
                }
            }
            guard let p = previous else { continue }
            RowStateToState.im2col(m.hidden + first * h * area + p * w, channels: h, batch: images.count, width: w,
                             channelStride: area, batchStride: h * area, kernelWidth: 3, into: cols)
            for b in images {
                let column = (b - first) * w
                SmallMatrixProducts.sgemm(transposeA: false, transposeB: true, m: 4 * h, n: 3 * h, k: w,
                                          alpha: 1, a: dz(b), lda: area, b: cols + column, ldb: n,
                                          beta: 1, c: dWeight, ldc: 3 * h)
                SmallMatrixProducts.sgemm(transposeA: true, transposeB: false, m: 3 * h, n: w, k: 4 * h,
                                          alpha: 1, a: m.weight, lda: 3 * h, b: dz(b), ldb: area,
                                          beta: 0, c: dcols + column, ldc: n)
            }
            RowStateToState.col2im(dcols, channels: h, batch: images.count, width: w,
                             channelStride: area, batchStride: h * area, kernelWidth: 3,
                             into: m.dHidden + first * h * area + p * w)
        }
    }
}

/// The addresses the backward row steps read and write, valid inside `gateGradientFast`.
struct RowLSTMBackwardPointers {
    let gateValues, cell, cellTanh, hidden: UnsafePointer<Float>
    let dHidden, dGates: UnsafeMutablePointer<Float>
    let weight: UnsafePointer<Float>
}

/// How the fast recurrence uses the cores: the batch is split into contiguous ranges of
/// images, one per thread (`Cores.onePerThread`: as many as OpenBLAS may use threads, so
/// `OPENBLAS_NUM_THREADS=1` makes the Row LSTM single-threaded), each running the whole
/// recurrence for its range. Results do not depend on the split beyond the order in which
/// floating-point sums are taken.
enum RowLSTMThreads {
    /// Below this many multiply-adds the recurrence runs on one thread.
    nonisolated(unsafe) static var minimumParallelWork = 1 << 20

    /// The ranges of images, one per thread.
    static func parts(batch: Int, work: Int) -> [Range<Int>] {
        Cores.onePerThread(batch: batch, work: work, minimumWork: minimumParallelWork)
    }

    /// Runs `body(k)` for k in 0..<count, concurrently when count > 1.
    static func run(_ count: Int, _ body: (Int) -> Void) { Cores.run(count, body) }
}
