import CBLAS
import Foundation

/// A skewed map stored column by column, in the order the Diagonal LSTM walks it:
/// `[k][channel][row][image]`. Column k is one contiguous (C, H, B) block, and inside
/// it the pixel rows of the column (a contiguous run of rows) times the batch are a
/// contiguous run of each channel — so the state-to-state convolution of the whole
/// column, for the whole batch, is one matrix product.
///
/// With `padTop` = 1 a zero row −1 is stored above row 0: tap 0 of s_s (row r−1) then
/// reads it like any other row.
struct SkewedColumns {
    /// Where each cell lives; holds no data, so it can be used while `data` is being written.
    struct Layout {
        let height: Int
        let width: Int
        let channels: Int
        let batch: Int
        let padTop: Int

        /// H + W − 1.
        var columns: Int { height + width - 1 }
        /// Rows stored per channel (H, or H + 1 with the zero row on top).
        var rowsStored: Int { height + padTop }
        /// Floats between one channel and the next (the leading dimension of a column's matrix).
        var channelStride: Int { rowsStored * batch }
        /// Floats between one column and the next.
        var columnStride: Int { channels * rowsStored * batch }
        /// The number of floats.
        var count: Int { columns * columnStride }

        /// The flat index of (column k, channel c, row r, image 0); r may be −1 when padTop = 1.
        @inline(__always)
        func offset(_ k: Int, _ c: Int, _ r: Int) -> Int {
            ((k * channels + c) * rowsStored + r + padTop) * batch
        }
    }

    let layout: Layout
    var data: [Float]

    var height: Int { layout.height }
    var width: Int { layout.width }
    var channels: Int { layout.channels }
    var batch: Int { layout.batch }
    var columns: Int { layout.columns }
    var channelStride: Int { layout.channelStride }
    var columnStride: Int { layout.columnStride }
    @inline(__always)
    func offset(_ k: Int, _ c: Int, _ r: Int) -> Int { layout.offset(k, c, r) }

    init(zerosHeight height: Int, width: Int, channels: Int, batch: Int, padTop: Int = 0) {
        layout = Layout(height: height, width: width, channels: channels, batch: batch, padTop: padTop)
        data = [Float](repeating: 0, count: layout.count)
    }

    /// skew(x) of an unskewed map x (B, C, H, W), column by column.
    init(skewing x: Tensor, padTop: Int = 0) {
        let (b, ch, hh, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        self.init(zerosHeight: hh, width: w, channels: ch, batch: b, padTop: padTop)
        let lay = layout, colStride = layout.columnStride
        x.data.withUnsafeBufferPointer { src in
            data.withUnsafeMutableBufferPointer { dst in
                for c in 0..<ch {
                    for r in 0..<hh {
                        let base = lay.offset(r, c, r)                  // pixel (r, 0) sits in skewed column r
                        for n in 0..<b {
                            let from = ((n * ch + c) * hh + r) * w
                            for j in 0..<w { dst[base + j * colStride + n] = src[from + j] }
                        }
                    }
                }
            }
        }
    }

    /// The columns of a skewed map y (B, C, H, Ws); only pixel cells are read.
    init(columnsOf y: Tensor, width w: Int, padTop: Int = 0) {
        let (b, ch, hh, ws) = (y.shape[0], y.shape[1], y.shape[2], y.shape[3])
        precondition(ws == hh + w - 1, "SkewedColumns: a skewed map of \(hh) rows and width \(w) is \(hh + w - 1) wide, got \(ws)")
        self.init(zerosHeight: hh, width: w, channels: ch, batch: b, padTop: padTop)
        let lay = layout, colStride = layout.columnStride
        y.data.withUnsafeBufferPointer { src in
            data.withUnsafeMutableBufferPointer { dst in
                for c in 0..<ch {
                    for r in 0..<hh {
                        let base = lay.offset(r, c, r)
                        for n in 0..<b {
                            let from = ((n * ch + c) * hh + r) * ws + r
                            for j in 0..<w { dst[base + j * colStride + n] = src[from + j] }
                        }
                    }
                }
            }
        }
    }

    /// The pixel cells as a skewed map (B, C, H, Ws), zeros elsewhere.
    func skewedTensor() -> Tensor {
        let ws = columns
        var y = Tensor(zeros: [batch, channels, height, ws])
        let colStride = columnStride
        data.withUnsafeBufferPointer { src in
            y.data.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    for r in 0..<height {
                        let base = offset(r, c, r)
                        for n in 0..<batch {
                            let to = ((n * channels + c) * height + r) * ws + r
                            for j in 0..<width { dst[to + j] = src[base + j * colStride + n] }
                        }
                    }
                }
            }
        }
        return y
    }

    /// unskew: the pixel cells as an ordinary map (B, C, H, W).
    func unskewedTensor() -> Tensor {
        var x = Tensor(zeros: [batch, channels, height, width])
        let colStride = columnStride
        data.withUnsafeBufferPointer { src in
            x.data.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    for r in 0..<height {
                        let base = offset(r, c, r)
                        for n in 0..<batch {
                            let to = ((n * channels + c) * height + r) * width
                            for j in 0..<width { dst[to + j] = src[base + j * colStride + n] }
                        }
                    }
                }
            }
        }
        return x
    }
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

extension DiagonalLSTMWalk {
    /// Lays out zˢ and zeroed gate, cell and hidden maps column by column.
    func prepareFast() {
        let h = lstm.hidden
        zColumns = SkewedColumns(skewing: inputToState)                                             // (Ws, 4h, H, B)
        gateColumns = SkewedColumns(zerosHeight: height, width: width, channels: 4 * h, batch: batch)
        cellColumns = SkewedColumns(zerosHeight: height, width: width, channels: h, batch: batch)
        hiddenColumns = SkewedColumns(zerosHeight: height, width: width, channels: h, batch: batch, padTop: 1)
        stateWeights = lstm.stateToState.tapMatrices
    }

    /// The fast column step: the same equations as `stepPlain`, only on the pixel rows
    /// r0...r1 of column k. For the column, n = (r1 − r0 + 1)·B cells:
    ///
    ///     P = zˢ_k + b                         (4h × n)
    ///     P += W₀ · h_{k−1}[rows r−1]          (4h × h)·(h × n)    tap 0: the pixel above
    ///     P += W₁ · h_{k−1}[rows r]            (4h × h)·(h × n)    tap 1: the left neighbour
    ///     then the gates and c_k, h_k cell by cell.
    func stepFast(_ k: Int) {
        guard let rows = Skew.pixelRows(skewedColumn: k, height: height, width: width) else { return }
        let h = lstm.hidden
        let r0 = rows.lowerBound
        let n = rows.count * batch
        let bias = lstm.stateToState.bias.value.data
        let z = zColumns.layout, g = gateColumns.layout, cl = cellColumns.layout, hd = hiddenColumns.layout
        zColumns.data.withUnsafeBufferPointer { zp in
        gateColumns.data.withUnsafeMutableBufferPointer { gp in
        cellColumns.data.withUnsafeMutableBufferPointer { cp in
        hiddenColumns.data.withUnsafeMutableBufferPointer { hp in
        stateWeights.tap0.withUnsafeBufferPointer { w0 in
        stateWeights.tap1.withUnsafeBufferPointer { w1 in
            let zBase = zp.baseAddress!, gBase = gp.baseAddress!, cBase = cp.baseAddress!, hBase = hp.baseAddress!
            // P = zˢ_k + b, written straight into the gate block of column k.
            for o in 0..<(4 * h) {
                let src = zBase + z.offset(k, o, r0), dst = gBase + g.offset(k, o, r0), b = bias[o]
                for e in 0..<n { dst[e] = src[e] + b }
            }
            if k > 0 {
                // P += W₀ · h_{k−1}(r−1) + W₁ · h_{k−1}(r); rows that are not pixels of column k−1 hold zeros.
                let p = gBase + g.offset(k, 0, r0)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(4 * h), Int32(n), Int32(h),
                            1, w0.baseAddress!, Int32(h), hBase + hd.offset(k - 1, 0, r0 - 1), Int32(hd.channelStride),
                            1, p, Int32(g.channelStride))
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(4 * h), Int32(n), Int32(h),
                            1, w1.baseAddress!, Int32(h), hBase + hd.offset(k - 1, 0, r0), Int32(hd.channelStride),
                            1, p, Int32(g.channelStride))
            }
            for j in 0..<h {
                let po = gBase + g.offset(k, j, r0), pf = gBase + g.offset(k, h + j, r0)
                let pi = gBase + g.offset(k, 2 * h + j, r0), pg = gBase + g.offset(k, 3 * h + j, r0)
                let cNow = cBase + cl.offset(k, j, r0), hNow = hBase + hd.offset(k, j, r0)
                let cPrev: UnsafeMutablePointer<Float>? = k > 0 ? cBase + cl.offset(k - 1, j, r0) : nil
                for e in 0..<n {
                    let so = Activation.sigmoid(po[e]), sf = Activation.sigmoid(pf[e])
                    let si = Activation.sigmoid(pi[e]), tg = tanhf(pg[e])
                    let c = sf * (cPrev?[e] ?? 0) + si * tg      // c_k = σ(f) ⊙ c_{k−1} + σ(i) ⊙ tanh(g)
                    po[e] = so; pf[e] = sf; pi[e] = si; pg[e] = tg
                    cNow[e] = c
                    hNow[e] = so * tanhf(c)                      // h_k = σ(o) ⊙ tanh(c_k)
                }
            }
        }}}}}}
    }
}

extension DiagonalLSTM {
    /// The fast backward: `backwardPlain`'s equations on the column-by-column layout,
    /// the state-to-state products of each column as GEMMs:
    ///
    ///     dh_{k−1}[rows r−1] += W₀ᵀ · dP_k,   dh_{k−1}[rows r] += W₁ᵀ · dP_k
    ///     dW₀ += dP_k · h_{k−1}[rows r−1]ᵀ,    dW₁ += dP_k · h_{k−1}[rows r]ᵀ,    db += Σ dP_k
    public func backwardFast(_ pass: DiagonalLSTMForward, outputGradient dOutput: Tensor) -> Tensor {
        let h = hidden
        let (batch, height, width) = (dOutput.shape[0], dOutput.shape[2], dOutput.shape[3])
        let ws = Skew.skewedWidth(height: height, width: width)
        let g = SkewedColumns(columnsOf: pass.gates, width: width)                // (Ws, 4h, H, B)
        let cl = SkewedColumns(columnsOf: pass.cell, width: width)                // (Ws, h, H, B)
        let hd = SkewedColumns(columnsOf: pass.hidden, width: width, padTop: 1)   // (Ws, h, 1+H, B)
        var dH = SkewedColumns(skewing: dOutput, padTop: 1)                       // ∂L/∂h, from above for now
        var dP = SkewedColumns(zerosHeight: height, width: width, channels: 4 * h, batch: batch)  // ∂L/∂[o,f,i,g] pre-activations
        let dHL = dH.layout, dPL = dP.layout
        let plane = height * batch
        var carry = [Float](repeating: 0, count: h * plane)                       // ∂L/∂c_k through c_{k+1}, [j][r][n]
        var nextCarry = carry
        var dW0 = [Float](repeating: 0, count: 4 * h * h), dW1 = dW0
        var db = [Float](repeating: 0, count: 4 * h)
        let (w0, w1) = stateToState.tapMatrices
        let (gL, clL, hdL) = (g.layout, cl.layout, hd.layout)
        g.data.withUnsafeBufferPointer { gp in
        cl.data.withUnsafeBufferPointer { cp in
        hd.data.withUnsafeBufferPointer { hp in
        dH.data.withUnsafeMutableBufferPointer { dhp in
        dP.data.withUnsafeMutableBufferPointer { dpp in
            let gB = gp.baseAddress!, cB = cp.baseAddress!, hB = hp.baseAddress!
            let dhB = dhp.baseAddress!, dpB = dpp.baseAddress!
            for k in stride(from: ws - 1, through: 0, by: -1) {
                guard let rows = Skew.pixelRows(skewedColumn: k, height: height, width: width) else { continue }
                let r0 = rows.lowerBound, n = rows.count * batch
                for e in 0..<nextCarry.count { nextCarry[e] = 0 }     // non-pixel cells of column k pass nothing back
                for j in 0..<h {
                    let so = gB + gL.offset(k, j, r0), sf = gB + gL.offset(k, h + j, r0)
                    let si = gB + gL.offset(k, 2 * h + j, r0), tg = gB + gL.offset(k, 3 * h + j, r0)
                    let c = cB + clL.offset(k, j, r0)
                    let cPrev: UnsafePointer<Float>? = k > 0 ? cB + clL.offset(k - 1, j, r0) : nil
                    let dh = dhB + dHL.offset(k, j, r0)
                    let dO = dpB + dPL.offset(k, j, r0), dF = dpB + dPL.offset(k, h + j, r0)
                    let dI = dpB + dPL.offset(k, 2 * h + j, r0), dG = dpB + dPL.offset(k, 3 * h + j, r0)
                    let carryBase = j * plane + r0 * batch
                    for e in 0..<n {
                        let tc = tanhf(c[e])
                        let dc = carry[carryBase + e] + dh[e] * so[e] * (1 - tc * tc)
                        dO[e] = dh[e] * tc * so[e] * (1 - so[e])                     // do
                        dF[e] = dc * (cPrev?[e] ?? 0) * sf[e] * (1 - sf[e])          // df
                        dI[e] = dc * tg[e] * si[e] * (1 - si[e])                     // di
                        dG[e] = dc * si[e] * (1 - tg[e] * tg[e])                     // dg
                        nextCarry[carryBase + e] = dc * sf[e]                        // dc_{k−1}
                    }
                }
                swap(&carry, &nextCarry)
                let dPk = dpB + dPL.offset(k, 0, r0)                                  // (4h × n), leading dimension H·B
                for o in 0..<(4 * h) {
                    var s: Float = 0
                    let row = dPk + o * dPL.channelStride
                    for e in 0..<n { s += row[e] }
                    db[o] += s
                }
                guard k > 0 else { continue }
                let ldP = Int32(dPL.channelStride), ldH = Int32(hdL.channelStride)
                // dh_{k−1}(r−1) += W₀ᵀ · dP_k ;  dh_{k−1}(r) += W₁ᵀ · dP_k            (h × 4h)·(4h × n)
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(h), Int32(n), Int32(4 * h),
                            1, w0, Int32(h), dPk, ldP, 1, dhB + dHL.offset(k - 1, 0, r0 - 1), ldH)
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(h), Int32(n), Int32(4 * h),
                            1, w1, Int32(h), dPk, ldP, 1, dhB + dHL.offset(k - 1, 0, r0), ldH)
                // dW₀ += dP_k · h_{k−1}(r−1)ᵀ ;  dW₁ += dP_k · h_{k−1}(r)ᵀ              (4h × n)·(n × h)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(4 * h), Int32(h), Int32(n),
                            1, dPk, ldP, hB + hdL.offset(k - 1, 0, r0 - 1), ldH, 1, &dW0, Int32(h))
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(4 * h), Int32(h), Int32(n),
                            1, dPk, ldP, hB + hdL.offset(k - 1, 0, r0), ldH, 1, &dW1, Int32(h))
            }
        }}}}}
        for o in 0..<(4 * h) {
            stateToState.bias.grad.data[o] += db[o]
            for c in 0..<h {
                stateToState.weight.grad.data[(o * h + c) * 2 + 0] += dW0[o * h + c]
                stateToState.weight.grad.data[(o * h + c) * 2 + 1] += dW1[o * h + c]
            }
        }
        let dz = dP.unskewedTensor()                                          // (B, 4h, H, W)
        return inputToState.backward(input: pass.input, outputGradient: dz)   // (B, 2h, H, W)
    }
}
