import Foundation

/// The Diagonal BiLSTM block, one position at a time (paper §3.2; Models/DiagonalBiLSTM/README.md).
///
/// In the image frame, the state of each direction at pixel (r, c) reads (the 2-tap
/// state-to-state convolution on the skewed map, unskewed):
///
///     fwd:  tap 0 ← h_f(r−1, c)  (above)    tap 1 ← h_f(r, c−1), and c_f(r, c−1)  (left)
///     bwd:  tap 0 ← h_b(r−1, c)  (above)    tap 1 ← h_b(r, c+1), and c_b(r, c+1)  (RIGHT:
///           bwd walks the left–right flipped image, and its "left" is our right)
///
/// with zero state wherever that neighbour is not a pixel, and
///
///     F(x)(r, c) = out( h_f(r, c) + h_b(r−1, c) )          bwd shifted down one row; row 0: + 0
///
/// fwd reads only earlier positions: it is computed at (r, c) when (r, c) is reached.
/// bwd reads its right neighbour, which comes LATER in raster order — but F at row r
/// reads bwd only in row r−1, and bwd row r−1 reads block inputs of rows ≤ r−1 only.
/// So when (r, 0) is reached every input of row r−1 is final, and bwd row r−1 is
/// computed then, once, right to left. The last row of bwd is never needed.
///
/// Each position is computed with the same sums in the same order as the plain path
/// (`DiagonalLSTMWalk.stepPlain`, `DiagonalStateToState.forward`, `Conv2d.forwardPlain`),
/// so with every fast path off the result equals `forward`'s bit for bit; with
/// `ComputePath.current == .fast` (read when the state is made) σ and tanh are the fast
/// path's, and the result agrees to Float rounding.
extension DiagonalBiLSTMBlock: IncrementalBlock {
    /// Not for the test-only variant without the shift: that one sees the future.
    public var hasIncrementalForm: Bool { isPaperBlock }

    public func makeIncrementalState(batch: Int, height: Int, width: Int) -> IncrementalBlockState {
        DiagonalBiLSTMIncrementalState(block: self, batch: batch, height: height, width: width)
    }
}

/// F(x) at one position; the hidden and cell states of both directions kept for every pixel.
final class DiagonalBiLSTMIncrementalState: ConditionedIncrementalState {
    private let fwd: DiagonalLSTMCellStep
    private let bwd: DiagonalLSTMCellStep
    private let out: PositionConv
    private let (batch, height, width, hidden): (Int, Int, Int, Int)
    /// h and c of each direction at every pixel, position-major (H·W, h, B), image frame.
    private let hf: FloatBuffer, cf: FloatBuffer, hb: FloatBuffer, cb: FloatBuffer
    /// i_s_bwd(x) of the row being read, (W, 4h, B): bwd's input once the row is final.
    private let zbRow: FloatBuffer
    /// h·B zeros: the state of a neighbour that is not a pixel.
    private let zeros: FloatBuffer
    /// Scratch for one position: fwd's i_s (4h·B), the pre-activations (4h·B), h_f + shifted h_b (h·B).
    private let zf: FloatBuffer, pre: FloatBuffer, sum: FloatBuffer
    /// The multi-scale conditioning bias (8h per position): fwd's 4h, then bwd's 4h (image frame).
    private var conditioning: PositionMajorMap?
    /// Rows of bwd computed so far (rows 0 ..< bwdRows).
    private var bwdRows = 0

    init(block: DiagonalBiLSTMBlock, batch: Int, height: Int, width: Int) {
        let fast = ComputePath.isFast
        fwd = DiagonalLSTMCellStep(block.fwd, fastMath: fast)
        bwd = DiagonalLSTMCellStep(block.bwd, fastMath: fast)
        out = PositionConv(block.out)
        (self.batch, self.height, self.width, hidden) = (batch, height, width, block.hidden)
        let map = height * width * block.hidden * batch
        (hf, cf, hb, cb) = (FloatBuffer(count: map), FloatBuffer(count: map), FloatBuffer(count: map), FloatBuffer(count: map))
        zbRow = FloatBuffer(count: width * 4 * block.hidden * batch)
        (zeros, sum) = (FloatBuffer(count: block.hidden * batch), FloatBuffer(count: block.hidden * batch))
        (zf, pre) = (FloatBuffer(count: 4 * block.hidden * batch), FloatBuffer(count: 4 * block.hidden * batch))
    }

    func step(row r: Int, column c: Int, input x: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        if r > 0 && bwdRows < r {                       // first visit of row r: bwd row r−1 is due
            precondition(bwdRows == r - 1, "Diagonal BiLSTM incremental: rows must come in raster order")
            computeBackwardRow(r - 1)
            bwdRows = r
        }
        let hb1 = hidden * batch
        let here = (r * width + c) * hb1
        let (z0, hf, cf, sum) = (UnsafePointer(zeros.pointer), hf.pointer, cf.pointer, sum.pointer)
        // fwd at (r, c): z = i_s(x), then the LSTM step from the pixel above and the left one.
        fwd.inputToState.apply(input: x, batch: batch, out: zf.pointer)
        conditioning?.add(at: r * width + c, to: zf.pointer, count: 4 * hb1)              // + b_fwd (multi-scale)
        let above = r > 0 ? UnsafePointer(hf + here - width * hb1) : z0
        let left = c > 0 ? UnsafePointer(hf + here - hb1) : z0
        let leftCell = c > 0 ? UnsafePointer(cf + here - hb1) : z0
        fwd.state(z: zf.pointer, above: above, previous: left, previousCell: leftCell, batch: batch,
                  pre: pre.pointer, cell: cf + here, hidden: hf + here)
        // bwd's input at (r, c), kept until the row is final.
        bwd.inputToState.apply(input: x, batch: batch, out: zbRow.pointer + c * 4 * hb1)
        conditioning?.add(at: r * width + c, to: zbRow.pointer + c * 4 * hb1, count: 4 * hb1, offset: 4 * hb1)   // + b_bwd
        // h_f(r, c) + shift_down(h_b)(r, c) = h_f(r, c) + h_b(r−1, c)  (zeros in row 0)
        let shifted = r > 0 ? UnsafePointer(hb.pointer + here - width * hb1) : z0
        for i in 0..<hb1 { sum[i] = hf[here + i] + shifted[i] }
        out.apply(input: sum, batch: batch, out: output)                        // F(x) = out(…), 1×1
    }

    func condition(on bias: Tensor) { conditioning = PositionMajorMap(bias) }

    /// bwd's row r in the image frame, right to left: each pixel from the one above
    /// (row r−1, already done) and its right neighbour (just done).
    private func computeBackwardRow(_ r: Int) {
        let hb1 = hidden * batch
        let (z0, hb, cb) = (UnsafePointer(zeros.pointer), hb.pointer, cb.pointer)
        for c in stride(from: width - 1, through: 0, by: -1) {
            let here = (r * width + c) * hb1
            let above = r > 0 ? UnsafePointer(hb + here - width * hb1) : z0
            let right = c < width - 1 ? UnsafePointer(hb + here + hb1) : z0
            let rightCell = c < width - 1 ? UnsafePointer(cb + here + hb1) : z0
            bwd.state(z: zbRow.pointer + c * 4 * hb1, above: above, previous: right, previousCell: rightCell,
                      batch: batch, pre: pre.pointer, cell: cb + here, hidden: hb + here)
        }
    }
}

/// One direction of the Diagonal LSTM at one pixel, for the whole batch: the equations of
/// `DiagonalLSTMWalk.stepPlain` for one cell of the skewed map. Values are [channel][image].
///
///     [o, f, i, g] = (b + Σ_c W[·, c, 0]·h_above[c] + W[·, c, 1]·h_previous[c]) + i_s(x)     (paper eq. 3–4)
///     c = σ(f) ⊙ c_previous + σ(i) ⊙ tanh(g)
///     h = σ(o) ⊙ tanh(c)
///
/// "previous" is the cell the walk visited just before (the previous skewed column, same
/// row): the left neighbour for fwd, the right one for bwd.
struct DiagonalLSTMCellStep {
    /// i_s, 1×1 mask B, 2h → 4h.
    let inputToState: PositionConv
    let hidden: Int
    /// s_s: W[o, c, 0] (reads the pixel above) and W[o, c, 1] (reads the previous cell), (4h, h) each.
    private let tapAbove: [Float]
    private let tapPrevious: [Float]
    private let bias: [Float]
    /// The LSTM cell: its vectorised form (the fast path's) or the plain one.
    private let fastMath: Bool

    init(_ lstm: DiagonalLSTM, fastMath: Bool) {
        inputToState = PositionConv(lstm.inputToState)
        hidden = lstm.hidden
        (tapAbove, tapPrevious) = lstm.stateToState.tapMatrices
        bias = lstm.stateToState.bias.value.data
        self.fastMath = fastMath
    }

    /// Writes c and h (h·B each) of one pixel; `pre` is 4h·B scratch.
    func state(z: UnsafePointer<Float>, above: UnsafePointer<Float>, previous: UnsafePointer<Float>,
               previousCell: UnsafePointer<Float>, batch: Int, pre: UnsafeMutablePointer<Float>,
               cell: UnsafeMutablePointer<Float>, hidden hOut: UnsafeMutablePointer<Float>) {
        let h = hidden
        tapAbove.withUnsafeBufferPointer { w0 in
        tapPrevious.withUnsafeBufferPointer { w1 in
            // s_s(h_{k−1}) + zˢ, the sum `DiagonalStateToState.forward` forms, then + z.
            for o in 0..<(4 * h) {
                let p = pre + o * batch
                p.update(repeating: bias[o], count: batch)
                for ch in 0..<h {
                    let (a, b) = (w0[o * h + ch], w1[o * h + ch])
                    let (up, prev) = (above + ch * batch, previous + ch * batch)
                    for n in 0..<batch { p[n] += a * up[n] + b * prev[n] }
                }
                let zo = z + o * batch
                for n in 0..<batch { p[n] = p[n] + zo[n] }
            }
        }}
        for j in 0..<h {
            let rows = LSTMGateRows(o: pre + j * batch, f: pre + (h + j) * batch, i: pre + (2 * h + j) * batch,
                                    g: pre + (3 * h + j) * batch)
            let (cPrev, cNow, hNow) = (previousCell + j * batch, cell + j * batch, hOut + j * batch)
            // c = σ(f) ⊙ c_prev + σ(i) ⊙ tanh(g);  h = σ(o) ⊙ tanh(c)
            if fastMath {
                LSTMCell.forward(pre: rows.readOnly, values: rows, previousCell: cPrev, cell: cNow, cellTanh: nil,
                                 hidden: hNow, count: batch)
            } else {
                for n in 0..<batch {
                    let state = LSTMCell.forward(o: rows.o[n], f: rows.f[n], i: rows.i[n], g: rows.g[n], previousCell: cPrev[n])
                    (cNow[n], hNow[n]) = (state.cell, state.hidden)
                }
            }
        }
    }
}
