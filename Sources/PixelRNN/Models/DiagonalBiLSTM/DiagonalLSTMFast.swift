import CBLAS
import Foundation

/// Where each cell of a column-packed skewed map lives (see `SkewedColumns`).
/// Holds no values, so it can be read while the values are being written.
public final class SkewedColumnLayout {
    public let height: Int
    public let width: Int
    public let channels: Int
    public let batch: Int
    /// 1 if every column also stores a zero row above and a zero row below its pixel rows.
    public let pad: Int
    /// Per skewed column k: the first stored row (its first pixel row − pad).
    let firstRow: [Int]
    /// Per skewed column k: the number of stored rows (its pixel rows + 2·pad).
    let rows: [Int]
    /// Per skewed column k: the flat index where the column starts.
    let start: [Int]
    /// The number of floats.
    public let count: Int

    public init(height: Int, width: Int, channels: Int, batch: Int, pad: Int) {
        (self.height, self.width, self.channels, self.batch, self.pad) = (height, width, channels, batch, pad)
        var first: [Int] = [], rows: [Int] = [], start: [Int] = []
        var total = 0
        for k in 0..<(height + width - 1) {
            let pixels = Skew.pixelRows(skewedColumn: k, height: height, width: width)!
            first.append(pixels.lowerBound - pad)
            rows.append(pixels.count + 2 * pad)
            start.append(total)
            total += channels * (pixels.count + 2 * pad) * batch
        }
        (firstRow, self.rows, self.start, count) = (first, rows, start, total)
    }

    /// H + W − 1.
    public var columns: Int { height + width - 1 }

    /// The flat index of (skewed column k, channel c, row r, image 0); images follow.
    /// r may be a pad row.
    @inline(__always)
    public func offset(_ k: Int, _ c: Int, _ r: Int) -> Int {
        start[k] + (c * rows[k] + r - firstRow[k]) * batch
    }

    /// Floats from one channel of column k to the next: the leading dimension of the
    /// column as a (channels × rows·B) matrix.
    @inline(__always)
    public func leading(_ k: Int) -> Int { rows[k] * batch }
}

/// A skewed map (B, C, H, H+W−1) stored column by column, in the order the Diagonal
/// LSTM walks it, and only where it holds pixels ("packed"):
///
///     column k  =  [channel][row r0(k) … r1(k)][image]
///
/// Column k is one contiguous block, and each channel of it — the column's pixel rows
/// times the batch — is one contiguous run, so the state-to-state convolution of a whole
/// column for the whole batch is one matrix product. The cells that are not pixels
/// (zeros by definition) take no memory, which halves it.
///
/// With `pad` = 1 a zero row is also stored above and below the pixel rows of every
/// column: the state of column k reads rows r−1 and r of column k−1, and those reads
/// then never leave the stored block (row −1 and the cells just outside a diagonal are zeros).
public struct SkewedColumns {
    public let layout: SkewedColumnLayout
    /// The values, `layout.count` floats.
    public internal(set) var data: [Float]

    public var height: Int { layout.height }
    public var width: Int { layout.width }
    public var channels: Int { layout.channels }
    public var batch: Int { layout.batch }

    /// Zeros.
    public init(height: Int, width: Int, channels: Int, batch: Int, pad: Int = 0) {
        layout = SkewedColumnLayout(height: height, width: width, channels: channels, batch: batch, pad: pad)
        data = [Float](repeating: 0, count: layout.count)
    }

    /// Packed values as saved (`data.count` must be the layout's count).
    public init(layout: SkewedColumnLayout, data: [Float]) {
        precondition(data.count == layout.count, "SkewedColumns: \(data.count) values for a layout of \(layout.count)")
        self.layout = layout
        self.data = data
    }

    /// skew(x) of an ordinary map x (B, C, H, W), packed; `mirrored`: skew(flip(x)), the map
    /// mirrored left–right first (`DiagonalBiLSTMBlock.flipLeftRight`), without building flip(x).
    public init(skewing x: Tensor, pad: Int = 0, mirrored: Bool = false) {
        precondition(x.rank == 4, "SkewedColumns: expected (B, C, H, W), got \(x.shape)")
        self.init(height: x.shape[2], width: x.shape[3], channels: x.shape[1], batch: x.shape[0], pad: pad)
        pack(from: x, rowLength: width, rowShift: 0, mirrored: mirrored)
    }

    /// The pixel cells of a skewed map y (B, C, H, H+W−1), packed.
    public init(packing y: Tensor, width: Int, pad: Int = 0) {
        precondition(y.rank == 4 && y.shape[3] == y.shape[2] + width - 1,
                     "SkewedColumns: a skewed map of width \(width) must be (B, C, H, H+\(width)−1), got \(y.shape)")
        self.init(height: y.shape[2], width: width, channels: y.shape[1], batch: y.shape[0], pad: pad)
        pack(from: y, rowLength: y.shape[3], rowShift: 1, mirrored: false)
    }

    /// Copies pixel (r, j) of every image and channel from a (B, C, H, rowLength) map whose
    /// row r starts `rowShift · r` cells in (`mirrored`: as pixel (r, W−1−j)). Per (channel,
    /// row): first the B×W block is turned around in a small buffer, then each pixel's B
    /// values go out as one run.
    private mutating func pack(from map: Tensor, rowLength: Int, rowShift: Int, mirrored: Bool) {
        let lay = layout
        let (b, ch, hh, w) = (batch, channels, height, width)
        var block = [Float](repeating: 0, count: w * b)              // [j][n]
        map.data.withUnsafeBufferPointer { src in
        data.withUnsafeMutableBufferPointer { dst in
        block.withUnsafeMutableBufferPointer { tmp in
            for c in 0..<ch {
                for r in 0..<hh {
                    for n in 0..<b {
                        let row = ((n * ch + c) * hh + r) * rowLength + rowShift * r
                        for j in 0..<w { tmp[j * b + n] = src[row + j] }
                    }
                    for j in 0..<w {                                  // pixel (r, j) sits in skewed column r + j
                        let to = lay.offset(r + (mirrored ? w - 1 - j : j), c, r)
                        for n in 0..<b { dst[to + n] = tmp[j * b + n] }
                    }
                }
            }
        }}}
    }

    /// The reverse of `pack`: pixel values into a zeroed (B, C, H, rowLength) map.
    private func unpack(rowLength: Int, rowShift: Int, mirrored: Bool) -> Tensor {
        let lay = layout
        let (b, ch, hh, w) = (batch, channels, height, width)
        var out = Tensor(zeros: [b, ch, hh, rowLength])
        var block = [Float](repeating: 0, count: w * b)
        data.withUnsafeBufferPointer { src in
        out.data.withUnsafeMutableBufferPointer { dst in
        block.withUnsafeMutableBufferPointer { tmp in
            for c in 0..<ch {
                for r in 0..<hh {
                    for j in 0..<w {
                        let from = lay.offset(r + (mirrored ? w - 1 - j : j), c, r)
                        for n in 0..<b { tmp[j * b + n] = src[from + n] }
                    }
                    for n in 0..<b {
                        let row = ((n * ch + c) * hh + r) * rowLength + rowShift * r
                        for j in 0..<w { dst[row + j] = tmp[j * b + n] }
                    }
                }
            }
        }}}
        return out
    }

    /// The skewed map (B, C, H, H+W−1), zeros at the cells that are not pixels.
    public func skewedTensor() -> Tensor { unpack(rowLength: height + width - 1, rowShift: 1, mirrored: false) }

    /// unskew: the ordinary map (B, C, H, W); `mirrored`: flip(unskew), mirrored left–right back
    /// (the reverse of `init(skewing:mirrored: true)`).
    public func unskewedTensor(mirrored: Bool = false) -> Tensor { unpack(rowLength: width, rowShift: 0, mirrored: mirrored) }

    /// The values as a flat tensor, for `BlockForward.saved`.
    var flat: Tensor { Tensor(shape: [data.count], data: data) }
}

extension DiagonalStateToState {
    /// W[:, :, 0] and W[:, :, 1] as two row-major (4h × h) matrices.
    var tapMatrices: (tap0: [Float], tap1: [Float]) {
        let h = hidden
        var w0 = [Float](repeating: 0, count: 4 * h * h), w1 = w0
        for o in 0..<(4 * h) {
            for c in 0..<h {
                w0[o * h + c] = weight.value.data[(o * h + c) * 2 + 0]
                w1[o * h + c] = weight.value.data[(o * h + c) * 2 + 1]
            }
        }
        return (w0, w1)
    }
}

extension Conv2d {
    /// The weight of a 1×1 convolution, mask applied, as a row-major (out × in) matrix.
    var pointwiseMatrix: [Float] {
        precondition(kernelHeight == 1 && kernelWidth == 1, "pointwiseMatrix: a \(kernelHeight)×\(kernelWidth) kernel")
        return weight.effective.data
    }
}

extension DiagonalLSTMWalk {
    /// Packs x (and the conditioning bias, if any) column by column, and lays out zeroed
    /// gate, cell and hidden maps (c and h with their zero rows above and below each column):
    /// step k writes their column k.
    func prepareFast() {
        let h = lstm.hidden
        let mirrored = lstm.mirrored                                                   // pack flip(x) for a mirrored direction
        inputColumns = SkewedColumns(skewing: input, mirrored: mirrored)               // 2h: x, skewed and packed
        biasColumns = inputToStateBias.map { SkewedColumns(skewing: $0, mirrored: mirrored) }   // 4h
        inputWeights = lstm.inputToState.pointwiseMatrix                               // (4h × 2h)
        gateColumns = SkewedColumns(height: height, width: width, channels: 4 * h, batch: batch)
        cellColumns = SkewedColumns(height: height, width: width, channels: h, batch: batch, pad: 1)
        cellTanhColumns = SkewedColumns(height: height, width: width, channels: h, batch: batch)
        hiddenColumns = SkewedColumns(height: height, width: width, channels: h, batch: batch, pad: 1)
        stateWeights = lstm.stateToState.tapMatrices
    }

    /// The fast column step: `stepPlain`'s equations on the pixel rows r0 … r1 of column k
    /// only, i_s included (a 1×1 convolution: on a column of the skewed x it gives the same
    /// column of zˢ). With n = (r1 − r0 + 1)·B cells in the column:
    ///
    ///     P  = K · x_k                         (4h × 2h)·(2h × n)  i_s: column k of zˢ, in the gate map
    ///     P += b_is + b_ss (+ the conditioning bias, if any)
    ///     P += W₀ · h_{k−1}[rows r−1]          (4h × h)·(h × n)    tap 0: the pixel above
    ///     P += W₁ · h_{k−1}[rows r]            (4h × h)·(h × n)    tap 1: the left neighbour
    ///     then per cell: the gates, c_k = σ(f) c_{k−1} + σ(i) tanh(g), tanh(c_k) (kept), h_k = σ(o) tanh(c_k).
    func stepFast(_ k: Int) {
        let rows = Skew.pixelRows(skewedColumn: k, height: height, width: width)!
        let h = lstm.hidden
        let r0 = rows.lowerBound
        let n = rows.count * batch
        let (inputBias, stateBias) = (lstm.inputToState.bias.value.data, lstm.stateToState.bias.value.data)
        let x = inputColumns.layout, g = gateColumns.layout, cl = cellColumns.layout, hd = hiddenColumns.layout
        let tl = cellTanhColumns.layout
        inputColumns.data.withUnsafeBufferPointer { xp in
        inputWeights.withUnsafeBufferPointer { wi in
        gateColumns.data.withUnsafeMutableBufferPointer { gp in
        cellColumns.data.withUnsafeMutableBufferPointer { cp in
        cellTanhColumns.data.withUnsafeMutableBufferPointer { tp in
        hiddenColumns.data.withUnsafeMutableBufferPointer { hp in
        stateWeights.tap0.withUnsafeBufferPointer { w0 in
        stateWeights.tap1.withUnsafeBufferPointer { w1 in
            let gB = gp.baseAddress!, cB = cp.baseAddress!, tB = tp.baseAddress!, hB = hp.baseAddress!
            let p = gB + g.offset(k, 0, r0)                     // P: (4h × n), leading dimension n
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(4 * h), Int32(n), Int32(2 * h),
                        1, wi.baseAddress!, Int32(2 * h), xp.baseAddress! + x.offset(k, 0, r0), Int32(n), 0, p, Int32(n))
            for o in 0..<(4 * h) {
                let row = p + o * n, b = inputBias[o] + stateBias[o]
                for e in 0..<n { row[e] += b }
            }
            if let conditioning = biasColumns {
                conditioning.data.withUnsafeBufferPointer { bp in
                    let z = bp.baseAddress! + conditioning.layout.offset(k, 0, r0)
                    for e in 0..<(4 * h * n) { p[e] += z[e] }
                }
            }
            if k > 0 {
                // Rows of column k−1 that hold no pixel are stored zeros.
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(4 * h), Int32(n), Int32(h),
                            1, w0.baseAddress!, Int32(h), hB + hd.offset(k - 1, 0, r0 - 1), Int32(hd.leading(k - 1)),
                            1, p, Int32(n))
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(4 * h), Int32(n), Int32(h),
                            1, w1.baseAddress!, Int32(h), hB + hd.offset(k - 1, 0, r0), Int32(hd.leading(k - 1)),
                            1, p, Int32(n))
            }
            for j in 0..<h {
                let rows = LSTMGateRows(o: p + j * n, f: p + (h + j) * n, i: p + (2 * h + j) * n, g: p + (3 * h + j) * n)
                // c_{k−1}, same rows (stored zeros off the diagonal); none before the first column.
                let cPrev = k > 0 ? UnsafePointer(cB + cl.offset(k - 1, j, r0)) : nil
                LSTMCell.forward(pre: rows.readOnly, values: rows, previousCell: cPrev, cell: cB + cl.offset(k, j, r0),
                                 cellTanh: tB + tl.offset(k, j, r0), hidden: hB + hd.offset(k, j, r0), count: n)
            }
        }}}}}}}}
    }
}

extension DiagonalLSTM {
    /// The fast backward: `backwardPlain`'s equations on the packed columns, the
    /// state-to-state and input-to-state products of each column as GEMMs (on x as the walk packed it):
    ///
    ///     dh_{k−1}[rows r−1] += W₀ᵀ · dP_k,   dh_{k−1}[rows r] += W₁ᵀ · dP_k       (h × 4h)·(4h × n)
    ///     dW₀ += dP_k · h_{k−1}[rows r−1]ᵀ,    dW₁ += dP_k · h_{k−1}[rows r]ᵀ,      (4h × n)·(n × h)
    ///     dx_k = Kᵀ · dP_k,   dK += dP_k · x_kᵀ                                     i_s: (2h × 4h)·(4h × n), (4h × n)·(n × 2h)
    ///     db_ss += Σ dP_k,   db_is += Σ dP_k
    ///
    /// Returns ∂L/∂x and ∂L/∂z (the pre-activations, = ∂L/∂zˢ), both packed, in the direction's
    /// frame (`unskewedTensor(mirrored:)` turns them back); dOutput is in the image frame.
    func backwardColumns(_ pass: DiagonalLSTMForward, outputGradient dOutput: Tensor) -> (input: SkewedColumns, gates: SkewedColumns) {
        let h = hidden
        let (batch, height, width) = (dOutput.shape[0], dOutput.shape[2], dOutput.shape[3])
        let ws = Skew.skewedWidth(height: height, width: width)
        let (gates, cell, cellTanh, hiddenMap) = (pass.gates, pass.cell, pass.cellTanh, pass.hidden)
        let (gL, cL, tL, hL) = (gates.layout, cell.layout, cellTanh.layout, hiddenMap.layout)
        let x = pass.inputColumns                                               // 2h, as the forward walk packed it
        var dX = SkewedColumns(height: height, width: width, channels: 2 * h, batch: batch)   // ∂L/∂x
        var dH = SkewedColumns(skewing: dOutput, pad: 1, mirrored: mirrored)    // ∂L/∂h: from above, then + from column k+1
        var dP = SkewedColumns(height: height, width: width, channels: 4 * h, batch: batch)   // ∂L/∂[o, f, i, g] pre-activations
        let (xL, dHL, dPL) = (x.layout, dH.layout, dP.layout)
        let plane = height * batch
        // ∂L/∂c_k through c_{k+1}, [j][r][n], in place: column k reads its rows r0 … r1 and
        // leaves ∂L/∂c_{k−1} there. Column k−1 can also read row r0 − 1, which no column from
        // k on has written (their first rows are ≥ r0): zero, as it must be — the state there
        // feeds no pixel of column k.
        var carry = [Float](repeating: 0, count: h * plane)
        var dW0 = [Float](repeating: 0, count: 4 * h * h), dW1 = dW0
        var dK = [Float](repeating: 0, count: 4 * h * 2 * h)
        var db = [Float](repeating: 0, count: 4 * h)
        let (w0, w1) = stateToState.tapMatrices
        let kernel = inputToState.pointwiseMatrix                                 // K: (4h × 2h)
        gates.data.withUnsafeBufferPointer { gp in
        cell.data.withUnsafeBufferPointer { cp in
        cellTanh.data.withUnsafeBufferPointer { tp in
        hiddenMap.data.withUnsafeBufferPointer { hp in
        x.data.withUnsafeBufferPointer { xp in
        dX.data.withUnsafeMutableBufferPointer { dxp in
        dH.data.withUnsafeMutableBufferPointer { dhp in
        dP.data.withUnsafeMutableBufferPointer { dpp in
        carry.withUnsafeMutableBufferPointer { carryP in
            let gB = gp.baseAddress!, cB = cp.baseAddress!, tB = tp.baseAddress!, hB = hp.baseAddress!, xB = xp.baseAddress!
            let dxB = dxp.baseAddress!, dhB = dhp.baseAddress!, dpB = dpp.baseAddress!, dc = carryP.baseAddress!
            for k in stride(from: ws - 1, through: 0, by: -1) {
                let rows = Skew.pixelRows(skewedColumn: k, height: height, width: width)!
                let r0 = rows.lowerBound, n = rows.count * batch
                let s = gB + gL.offset(k, 0, r0)                      // [σ(o), σ(f), σ(i), tanh(g)]: (4h × n)
                let dPk = dpB + dPL.offset(k, 0, r0)                  // (4h × n), leading dimension n
                for j in 0..<h {
                    let values = LSTMGateRows(o: s + j * n, f: s + (h + j) * n, i: s + (2 * h + j) * n, g: s + (3 * h + j) * n)
                    let dPre = LSTMGateRows(o: dPk + j * n, f: dPk + (h + j) * n, i: dPk + (2 * h + j) * n, g: dPk + (3 * h + j) * n)
                    LSTMCell.backward(values: values, cellTanh: tB + tL.offset(k, j, r0), previousCell: k > 0 ? cB + cL.offset(k - 1, j, r0) : nil,
                                      dHidden: dhB + dHL.offset(k, j, r0), dcNext: dc + j * plane + r0 * batch,
                                      dPre: dPre, dcPrev: dc + j * plane + r0 * batch, count: n)
                }
                for o in 0..<(4 * h) {
                    var sum: Float = 0
                    let row = dPk + o * n
                    for e in 0..<n { sum += row[e] }
                    db[o] += sum
                }
                // i_s: dx_k = Kᵀ · dP_k;  dK += dP_k · x_kᵀ
                let xk = xB + xL.offset(k, 0, r0)
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(2 * h), Int32(n), Int32(4 * h),
                            1, kernel, Int32(2 * h), dPk, Int32(n), 0, dxB + xL.offset(k, 0, r0), Int32(n))
                dK.withUnsafeMutableBufferPointer { dKp in          // (4h × 2h): above the A·Bᵀ cut's 1,152 elements at h ≥ 13
                    SmallMatrixProducts.sgemm(transposeA: false, transposeB: true, m: 4 * h, n: 2 * h, k: n,
                                              alpha: 1, a: dPk, lda: n, b: xk, ldb: n, beta: 1, c: dKp.baseAddress!, ldc: 2 * h)
                }
                guard k > 0 else { continue }
                let ldH = Int32(hL.leading(k - 1))
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(h), Int32(n), Int32(4 * h),
                            1, w0, Int32(h), dPk, Int32(n), 1, dhB + dHL.offset(k - 1, 0, r0 - 1), Int32(dHL.leading(k - 1)))
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(h), Int32(n), Int32(4 * h),
                            1, w1, Int32(h), dPk, Int32(n), 1, dhB + dHL.offset(k - 1, 0, r0), Int32(dHL.leading(k - 1)))
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(4 * h), Int32(h), Int32(n),
                            1, dPk, Int32(n), hB + hL.offset(k - 1, 0, r0 - 1), ldH, 1, &dW0, Int32(h))
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(4 * h), Int32(h), Int32(n),
                            1, dPk, Int32(n), hB + hL.offset(k - 1, 0, r0), ldH, 1, &dW1, Int32(h))
            }
        }}}}}}}}}
        let mask = inputToState.weight.mask?.data
        for o in 0..<(4 * h) {
            stateToState.bias.grad.data[o] += db[o]
            inputToState.bias.grad.data[o] += db[o]
            for c in 0..<h {
                stateToState.weight.grad.data[(o * h + c) * 2 + 0] += dW0[o * h + c]
                stateToState.weight.grad.data[(o * h + c) * 2 + 1] += dW1[o * h + c]
            }
            for c in 0..<(2 * h) {                                            // masked entries get no gradient
                inputToState.weight.grad.data[o * 2 * h + c] += mask.map { dK[o * 2 * h + c] * $0[o * 2 * h + c] } ?? dK[o * 2 * h + c]
            }
        }
        return (dX, dP)
    }
}
