import CBLAS
import Foundation

// The Row LSTM's recurrence, shared by `RowLSTMBlock.forward` and `RowLSTMTrace`, and the
// fused fast path of forward and backward.
//
// The fast path computes the same equations as the plain path in RowLSTMBlock.swift, in
// place in the NCHW maps, and makes the state-to-state convolution of a whole row of the
// batch one GEMM:
//
//     S_r (4h, B·W) = K^ss (4h, 3h) · cols(h_{r−1}) (3h, B·W)
//
// where cols(h_{r−1}) (im2col, read straight from row r−1 of the hidden map) holds, for
// every position (image b, column j), the three neighbours j−1, j, j+1 of every state
// channel. Backward mirrors it: ∂K^ss += ∂Z_r · colsᵀ and ∂h_{r−1} += col2im(K^ssᵀ · ∂Z_r),
// written straight into row r−1 of the ∂h map.

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

    /// Runs `body` with the base address of every map.
    mutating func withPointers<R>(_ body: (_ gates: UnsafeMutablePointer<Float>, _ gateValues: UnsafeMutablePointer<Float>,
                                           _ cell: UnsafeMutablePointer<Float>, _ cellTanh: UnsafeMutablePointer<Float>,
                                           _ hidden: UnsafeMutablePointer<Float>) -> R) -> R {
        gates.data.withUnsafeMutableBufferPointer { z in
            gateValues.data.withUnsafeMutableBufferPointer { a in
                cell.data.withUnsafeMutableBufferPointer { c in
                    cellTanh.data.withUnsafeMutableBufferPointer { t in
                        hidden.data.withUnsafeMutableBufferPointer { h in
                            body(z.baseAddress!, a.baseAddress!, c.baseAddress!, t.baseAddress!, h.baseAddress!)
                        }
                    }
                }
            }
        }
    }
}

/// Runs the recurrence of one block over a batch, one row per `computeRow` call, carrying
/// h and c from row to row (zeros before the first row). The plain or fast path is fixed
/// at creation; `forward` and `RowLSTMTrace` both use this, so they agree exactly.
final class RowLSTMRecurrence {
    let block: RowLSTMBlock
    let batch: Int
    let width: Int
    let fast: Bool

    // Plain path: the previous row's h and c, (B, h, W).
    private var hPrev: Tensor
    private var cPrev: Tensor
    // Fast path: the row computed last (its h and c are read from the maps), and scratch.
    private var lastRow: Int?
    private let stateToState: UnsafeMutablePointer<Float>?       // S_r   (4h, B·W)
    private let cols: UnsafeMutablePointer<Float>?               // cols(h_{r−1})   (3h, B·W)

    init(block: RowLSTMBlock, batch: Int, width: Int) {
        self.block = block
        self.batch = batch
        self.width = width
        fast = block.usesFastPath
        hPrev = Tensor(zeros: [batch, block.hidden, width])      // h_{−1} = 0
        cPrev = Tensor(zeros: [batch, block.hidden, width])      // c_{−1} = 0
        let n = batch * width, h = block.hidden
        stateToState = fast ? .allocate(capacity: 4 * h * n) : nil
        cols = fast ? .allocate(capacity: 3 * h * n) : nil
    }

    deinit {
        stateToState?.deallocate()
        cols?.deallocate()
    }

    /// Computes row r from (K^is ⊛ x) (B, 4h, H, W) and the previous row, and writes it into `maps`.
    func computeRow(_ r: Int, inputToState: Tensor, maps: inout RowLSTMMaps) {
        if let stateToState, let cols {
            computeRowFast(r, inputToState: inputToState, maps: &maps, stateToState, cols)
            lastRow = r
            return
        }
        let row = block.step(inputToStateRow: inputToState.mapRow(r), previousHidden: hPrev, previousCell: cPrev)
        maps.gates.setMapRow(r, row.gates)
        maps.gateValues.setMapRow(r, row.gateValues)
        maps.cell.setMapRow(r, row.cell)
        maps.cellTanh.setMapRow(r, row.cellTanh)
        maps.hidden.setMapRow(r, row.hidden)
        hPrev = row.hidden
        cPrev = row.cell
    }

    private func computeRowFast(_ r: Int, inputToState: Tensor, maps: inout RowLSTMMaps,
                                _ s: UnsafeMutablePointer<Float>, _ cols: UnsafeMutablePointer<Float>) {
        let (h, w, n) = (block.hidden, width, batch * width)
        let area = inputToState.shape[2] * w                      // H·W: one channel of one image
        let previous = lastRow
        inputToState.data.withUnsafeBufferPointer { inputToState in
        block.s_s.bias.value.data.withUnsafeBufferPointer { bias in
        block.s_s.weight.value.data.withUnsafeBufferPointer { weight in
        maps.withPointers { gates, gateValues, cell, cellTanh, hidden in
            // S = K^ss · cols(h_{r−1})   (4h, B·W); zero above the first row.
            if let p = previous {
                RowConv1d.im2col(hidden + p * w, channels: h, batch: batch, width: w,
                                 channelStride: area, batchStride: h * area, kernelWidth: 3, into: cols)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(4 * h), Int32(n), Int32(3 * h),
                            1, weight.baseAddress, Int32(3 * h), cols, Int32(n), 0, s, Int32(n))
            } else {
                s.update(repeating: 0, count: 4 * h * n)
            }
            for b in 0..<batch {
                // z = (K^is ⊛ x)[r] + (K^ss ⊛ h_{r−1} + b^ss);  σ on o, f, i and tanh on g.
                for ch in 0..<(4 * h) {
                    let at = (b * 4 * h + ch) * area + r * w
                    let (z, x, sRow, bc) = (gates + at, inputToState.baseAddress! + at, s + ch * n + b * w, bias[ch])
                    for j in 0..<w { z[j] = x[j] + (sRow[j] + bc) }
                    if ch < 3 * h { RowLSTMKernels.sigmoid(z, into: gateValues + at, count: w) }
                    else { RowLSTMKernels.tanh(z, into: gateValues + at, count: w) }
                }
                // c = f ⊙ c_prev + i ⊙ g;  h = o ⊙ tanh(c).
                for k in 0..<h {
                    let gate = { (q: Int) in UnsafePointer(gateValues + (b * 4 * h + q * h + k) * area + r * w) }
                    let (o, f, i, g) = (gate(0), gate(1), gate(2), gate(3))
                    let at = (b * h + k) * area + r * w
                    let (c, tc, hr) = (cell + at, cellTanh + at, hidden + at)
                    if let p = previous {
                        let cp = cell + (b * h + k) * area + p * w
                        for j in 0..<w { c[j] = f[j] * cp[j] + i[j] * g[j] }
                    } else {
                        for j in 0..<w { c[j] = i[j] * g[j] }             // c_{−1} = 0
                    }
                    RowLSTMKernels.tanh(c, into: tc, count: w)
                    for j in 0..<w { hr[j] = o[j] * tc[j] }
                }
            }
        }
        }
        }
        }
    }
}

extension RowLSTMBlock {
    /// The fused backward: the same equations as `backwardPlain`, in place in the maps, with
    /// the state-to-state gradients as GEMMs.
    func backwardFast(_ pass: BlockForward, outputGradient dResidual: Tensor) -> Tensor {
        let gateValues = pass.saved["gate_values"]!, cell = pass.saved["cell"]!
        let cellTanh = pass.saved["cell_tanh"]!, hiddenMap = pass.saved["hidden"]!
        let (batch, height, w) = (cell.shape[0], cell.shape[2], cell.shape[3])
        let (h, n, area) = (hidden, batch * w, height * w)

        // F = out(h): ∂L/∂h from the output convolution, every row at once. Row r−1 of this
        // map then gains the recurrent part K^ssᵀ ⋆ ∂z_r before row r−1 is processed.
        var dHidden = out.backward(input: hiddenMap, outputGradient: dResidual)     // (B, h, H, W)
        var dGates = Tensor(zeros: gateValues.shape)                                 // ∂z   (B, 4h, H, W)

        let dz = UnsafeMutablePointer<Float>.allocate(capacity: 4 * h * n)          // ∂Z_r   (4h, B·W)
        let cols = UnsafeMutablePointer<Float>.allocate(capacity: 3 * h * n)        // cols(h_{r−1})
        let dcols = UnsafeMutablePointer<Float>.allocate(capacity: 3 * h * n)
        let dcNext = UnsafeMutablePointer<Float>.allocate(capacity: h * n)          // ∂c_r via c_{r+1}   (B, h, W)
        let zeros = UnsafeMutablePointer<Float>.allocate(capacity: w)               // c_{−1}
        dcNext.initialize(repeating: 0, count: h * n)
        zeros.initialize(repeating: 0, count: w)
        defer { for p in [dz, cols, dcols, dcNext, zeros] { p.deallocate() } }

        let order = recurrenceOrder(height: height)
        gateValues.data.withUnsafeBufferPointer { gateValues in
        cell.data.withUnsafeBufferPointer { cell in
        cellTanh.data.withUnsafeBufferPointer { cellTanh in
        hiddenMap.data.withUnsafeBufferPointer { hiddenMap in
        dHidden.data.withUnsafeMutableBufferPointer { dHidden in
        dGates.data.withUnsafeMutableBufferPointer { dGates in
        s_s.weight.value.data.withUnsafeBufferPointer { weight in
        s_s.weight.grad.data.withUnsafeMutableBufferPointer { dWeight in
        s_s.bias.grad.data.withUnsafeMutableBufferPointer { dBias in
            for t in stride(from: height - 1, through: 0, by: -1) {
                let r = order[t]
                let previous: Int? = t > 0 ? order[t - 1] : nil
                for b in 0..<batch {
                    for k in 0..<h {
                        let gateAt = { (q: Int) in (b * 4 * h + q * h + k) * area + r * w }
                        let (oAt, fAt, iAt, gAt) = (gateAt(0), gateAt(1), gateAt(2), gateAt(3))
                        let at = (b * h + k) * area + r * w
                        let cp = previous.map { cell.baseAddress! + (b * h + k) * area + $0 * w } ?? UnsafePointer(zeros)
                        let dcn = dcNext + (b * h + k) * w
                        let dzRow = { (q: Int) in dz + (q * h + k) * n + b * w }
                        let (dzO, dzF, dzI, dzG) = (dzRow(0), dzRow(1), dzRow(2), dzRow(3))
                        for j in 0..<w {
                            let (o, f, i, g) = (gateValues[oAt + j], gateValues[fAt + j], gateValues[iAt + j], gateValues[gAt + j])
                            let tc = cellTanh[at + j], dh = dHidden[at + j]
                            // h = o ⊙ tanh(c):  ∂o = ∂h ⊙ tanh(c),  ∂c = ∂h ⊙ o ⊙ (1 − tanh²c) + ∂c from row r+1
                            let dc = dh * o * (1 - tc * tc) + dcn[j]
                            // c = f ⊙ c_prev + i ⊙ g, then σ' = σ(1 − σ), tanh' = 1 − tanh²
                            dzO[j] = dh * tc * o * (1 - o)
                            dzF[j] = dc * cp[j] * f * (1 - f)
                            dzI[j] = dc * g * i * (1 - i)
                            dzG[j] = dc * i * (1 - g * g)
                            dcn[j] = dc * f                                   // ∂c_{r−1} = ∂c ⊙ f
                            dGates[oAt + j] = dzO[j]; dGates[fAt + j] = dzF[j]
                            dGates[iAt + j] = dzI[j]; dGates[gAt + j] = dzG[j]
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
                RowConv1d.im2col(hiddenMap.baseAddress! + p * w, channels: h, batch: batch, width: w,
                                 channelStride: area, batchStride: h * area, kernelWidth: 3, into: cols)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(4 * h), Int32(3 * h), Int32(n),
                            1, dz, Int32(n), cols, Int32(n), 1, dWeight.baseAddress, Int32(3 * h))
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(3 * h), Int32(n), Int32(4 * h),
                            1, weight.baseAddress, Int32(3 * h), dz, Int32(n), 0, dcols, Int32(n))
                RowConv1d.col2im(dcols, channels: h, batch: batch, width: w,
                                 channelStride: area, batchStride: h * area, kernelWidth: 3,
                                 into: dHidden.baseAddress! + p * w)
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

        // The input-to-state path, every row at once: ∂L/∂x = K^isᵀ ⋆ ∂z.
        return i_s.backward(input: pass.input, outputGradient: dGates)      // (B, 2h, H, W)
    }
}

/// Small kernels of the fast path: σ and tanh written so that loops over them vectorise.
enum RowLSTMKernels {
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
