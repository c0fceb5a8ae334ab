import Foundation

/// The Row LSTM block, one position at a time (paper §3.1; Models/RowLSTM/README.md).
///
/// At pixel (r, c) the block reads
///
///     i_s(x)[r, c]     1×3 mask B: x(r, c−1) and x(r, c)          — this row, up to here
///     s_s(h_{r−1})[c]  width 3:    h(r−1, c−1), h(r−1, c), h(r−1, c+1)   — the row above, all final
///     c(r−1, c)                    the cell above
///
/// so every value at (r, c) is computed once, when (r, c) is reached:
///
///     [o, f, i, g] = i_s(x)[r, c] + s_s(h_{r−1})[c]           (paper eq. 3; row −1 is zeros)
///     c = σ(f) ⊙ c_{r−1} + σ(i) ⊙ tanh(g)
///     h = σ(o) ⊙ tanh(c)
///     F(x)(r, c) = out(h(r, c))                                 1×1, mask B
///
/// Each position is computed with the same sums in the same order as the plain path
/// (`RowLSTMBlock.step`, `RowStateToState.forwardPlain`, `Conv2d.forwardPlain`), so with every
/// fast path off the result equals `forward`'s bit for bit; with `ComputePath.current == .fast`
/// (read when the state is made) σ and tanh are the fast path's kernels, and the result
/// agrees to Float rounding.
extension RowLSTMBlock: IncrementalBlock {
    /// Not for the test-only variants with a known bug (one of them reads the row below).
    public var hasIncrementalForm: Bool { knownBug == nil }

    public func makeIncrementalState(batch: Int, height: Int, width: Int) -> IncrementalBlockState {
        RowLSTMIncrementalState(block: self, batch: batch, height: height, width: width)
    }
}

/// F(x) at one position; the block's input of the current row and h, c at every pixel kept.
final class RowLSTMIncrementalState: ConditionedIncrementalState {
    private let inputToState: PositionConv
    private let out: PositionConv
    /// s_s: W[o, c, v] (4h, h, 3) and b[o], as `RowStateToState` keeps them.
    private let stateWeight: [Float]
    private let stateBias: [Float]
    private let (batch, height, width, hidden): (Int, Int, Int, Int)
    /// The LSTM cell: its vectorised form (the fast path's) or the plain one.
    private let fastMath: Bool
    /// The block's input x in the current row, position-major (W, 2h, B): what i_s (1×3) reads.
    private let xRow: FloatBuffer
    /// h and c at every pixel, position-major (H·W, h, B).
    private let hMap: FloatBuffer, cMap: FloatBuffer
    /// h·B zeros: the state of row −1 and of the cells left and right of a row.
    private let zeros: FloatBuffer
    /// Scratch for one position: i_s(x), then the gates (4h·B); s_s(h_{r−1}) (4h·B); σ/tanh of the gates (4h·B, fast path).
    private let z: FloatBuffer, s: FloatBuffer, a: FloatBuffer
    /// The multi-scale conditioning bias (4h per position), added to i_s(x).
    private var conditioning: PositionMajorMap?

    init(block: RowLSTMBlock, batch: Int, height: Int, width: Int) {
        inputToState = PositionConv(block.inputToState)
        out = PositionConv(block.out)
        stateWeight = block.stateToState.weight.value.data
        stateBias = block.stateToState.bias.value.data
        (self.batch, self.height, self.width, hidden) = (batch, height, width, block.hidden)
        fastMath = block.usesFastPath
        let h = block.hidden
        xRow = FloatBuffer(count: width * 2 * h * batch)
        (hMap, cMap) = (FloatBuffer(count: height * width * h * batch), FloatBuffer(count: height * width * h * batch))
        zeros = FloatBuffer(count: h * batch)
        (z, s, a) = (FloatBuffer(count: 4 * h * batch), FloatBuffer(count: 4 * h * batch), FloatBuffer(count: 4 * h * batch))
    }

    func step(row r: Int, column c: Int, input x: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let h = hidden
        let hb = h * batch
        let here = (r * width + c) * hb
        let (z, s, a, zero, hm, cm) = (z.pointer, s.pointer, a.pointer, UnsafePointer(zeros.pointer), hMap.pointer, cMap.pointer)
        // i_s(x)[r, c]: 1×3 mask B over this row's inputs (x(r, c) is stored first).
        (xRow.pointer + c * 2 * hb).update(from: x, count: 2 * hb)
        inputToState.apply(map: xRow.pointer, height: 1, width: width, row: 0, column: c, batch: batch, out: z)
        conditioning?.add(at: r * width + c, to: z, count: 4 * hb)             // + b (multi-scale), as forward's i_s + b
        // s_s(h_{r−1})[c]: width 3 over the row above (zeros above row 0 and outside the row).
        stateToState(above: r > 0 ? UnsafePointer(hm + (r - 1) * width * hb) : nil, column: c, zero: zero, out: s)
        for e in 0..<(4 * hb) { z[e] = z[e] + s[e] }                         // [o, f, i, g] = i_s + s_s
        // c = σ(f) ⊙ c_{r−1} + σ(i) ⊙ tanh(g);  h = σ(o) ⊙ tanh(c)   (channel blocks of h, [channel][image]).
        let cAbove = r > 0 ? UnsafePointer(cm + here - width * hb) : zero
        let (cNow, hNow) = (cm + here, hm + here)
        if fastMath {
            LSTMCell.forward(pre: LSTMGateRows(o: UnsafePointer(z), f: z + hb, i: z + 2 * hb, g: z + 3 * hb),
                             values: LSTMGateRows(o: a, f: a + hb, i: a + 2 * hb, g: a + 3 * hb),
                             previousCell: cAbove, cell: cNow, cellTanh: nil, hidden: hNow, count: hb)
        } else {
            for e in 0..<hb {
                let cell = LSTMCell.forward(o: z[e], f: z[hb + e], i: z[2 * hb + e], g: z[3 * hb + e], previousCell: cAbove[e])
                (cNow[e], hNow[e]) = (cell.cell, cell.hidden)
            }
        }
        out.apply(input: hNow, batch: batch, out: output)                       // F(x) = out(h), 1×1
    }

    func condition(on bias: Tensor) { conditioning = PositionMajorMap(bias) }

    /// s_s at column c of a row, for the whole batch: out[o·B + n] = b[o] + Σ_ch Σ_v W[o, ch, v]·h(r−1, c+v−1, ch, n),
    /// the terms in `RowStateToState.forwardPlain`'s order. `above` is row r−1 (position-major (W, h, B)), nil for row −1 (zeros).
    private func stateToState(above: UnsafePointer<Float>?, column c: Int, zero: UnsafePointer<Float>,
                              out: UnsafeMutablePointer<Float>) {
        let (h, k) = (hidden, 3)
        let hb = h * batch
        stateWeight.withUnsafeBufferPointer { w in
            for o in 0..<(4 * h) {
                let p = out + o * batch
                p.update(repeating: stateBias[o], count: batch)
                for ch in 0..<h {
                    for v in 0..<k {
                        let j = c + v - 1
                        if j < 0 || j >= width { continue }                      // padding: no term
                        let src = above.map { $0 + j * hb + ch * batch } ?? zero + ch * batch
                        let wv = w[(o * h + ch) * k + v]
                        for n in 0..<batch { p[n] += wv * src[n] }
                    }
                }
            }
        }
    }
}
