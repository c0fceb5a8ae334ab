/// `s_s`, the state-to-state convolution of the Diagonal LSTM (paper §3.2): a
/// convolution of kernel size 2 down one column of the skewed map, h → 4h, unmasked.
///
/// The state at skewed position (r, k) reads the previous column's hidden states at
/// rows r−1 and r — in the unskewed image, the pixel above and the pixel to the left:
///
///     s_s(h)[n, o, r] = b[o] + Σ_c W[o, c, 0]·h[n, c, r−1] + W[o, c, 1]·h[n, c, r]
///
/// i.e. pad one zero row on top (h[·, ·, −1] = 0) and convolve with kernel 2 without
/// further padding: tap 0 ↔ row r−1, tap 1 ↔ row r. It never reads row r+1 (that
/// would be the pixel below-left: the future).
///
/// Shapes: a column (B, h, H) → (B, 4h, H). Weight (4h, h, 2) and bias (4h), the
/// layout of PyTorch's `Conv1d`.
public final class DiagonalStateToState {
    /// h.
    public let hidden: Int
    /// (4h, h, 2): W[o, c, 0] reads row r−1, W[o, c, 1] reads row r.
    public let weight: Parameter
    /// (4h)
    public let bias: Parameter

    /// `--bug same-padding` (Models README, "Known bugs"): "same" padding of a 2-tap kernel puts
    /// the zero row below, so tap 0 reads row r and tap 1 row r+1 — the pixel below-left.
    /// The plain path only (`DiagonalLSTM.runsPlainPath`).
    var readsRowBelow = false

    /// The row tap 0 reads, relative to r: −1, or 0 with `readsRowBelow`.
    private var firstRow: Int { readsRowBelow ? 0 : -1 }

    /// Initialised like PyTorch's `Conv1d` default (uniform in ±1/√(h·2)), from `seed`.
    public init(hidden: Int, seed: UInt64) {
        self.hidden = hidden
        var rng = SeededGenerator(seed: seed)
        let bound = 1 / Float(hidden * 2).squareRoot()
        weight = Parameter(Tensor(uniformWithin: bound, shape: [4 * hidden, hidden, 2], using: &rng))
        bias = Parameter(Tensor(uniformWithin: bound, shape: [4 * hidden], using: &rng))
    }

    /// Parameters with their names relative to this layer.
    public var namedParameters: [(String, Parameter)] { [("weight", weight), ("bias", bias)] }

    /// s_s(h) for one column h of shape (B, h, H); returns (B, 4h, H).
    public func forward(_ column: Tensor) -> Tensor {
        precondition(column.rank == 3 && column.shape[1] == hidden,
                     "s_s: expected a column (B, \(hidden), H), got \(column.shape)")
        let (batch, rows) = (column.shape[0], column.shape[2])
        let (h, w, b) = (hidden, weight.value.data, bias.value.data)
        var y = Tensor(zeros: [batch, 4 * h, rows])
        for n in 0..<batch {
            for o in 0..<(4 * h) {
                for r in 0..<rows {
                    var s = b[o]
                    for c in 0..<h {
                        // Taps 0 and 1 read rows r−1 and r (row −1 is zero); with the bug, r and r+1.
                        let (r0, r1) = (r + firstRow, r + firstRow + 1)
                        let tap0: Float = r0 >= 0 ? column.data[(n * h + c) * rows + r0] : 0
                        let tap1: Float = r1 < rows ? column.data[(n * h + c) * rows + r1] : 0
                        s += w[(o * h + c) * 2 + 0] * tap0 + w[(o * h + c) * 2 + 1] * tap1
                    }
                    y.data[(n * 4 * h + o) * rows + r] = s
                }
            }
        }
        return y
    }

    /// Accumulates ∂L/∂W and ∂L/∂b and returns ∂L/∂h for the column `column` (B, h, H)
    /// given ∂L/∂s_s(h) of shape (B, 4h, H):
    /// ∂h[n,c,r−1] += W[o,c,0]·dy[n,o,r], ∂h[n,c,r] += W[o,c,1]·dy[n,o,r];
    /// ∂W[o,c,0] += h[n,c,r−1]·dy[n,o,r], ∂W[o,c,1] += h[n,c,r]·dy[n,o,r]; ∂b[o] += dy[n,o,r].
    public func backward(input column: Tensor, outputGradient dy: Tensor) -> Tensor {
        let (batch, rows) = (column.shape[0], column.shape[2])
        let h = hidden
        precondition(dy.shape == [batch, 4 * h, rows], "s_s.backward: gradient \(dy.shape) does not fit column \(column.shape)")
        let w = weight.value.data
        var dColumn = Tensor(zeros: column.shape)
        for n in 0..<batch {
            for o in 0..<(4 * h) {
                for r in 0..<rows {
                    let g = dy.data[(n * 4 * h + o) * rows + r]
                    bias.grad.data[o] += g
                    for c in 0..<h {
                        for t in 0..<2 where (0..<rows).contains(r + firstRow + t) {
                            let read = (n * h + c) * rows + r + firstRow + t
                            dColumn.data[read] += w[(o * h + c) * 2 + t] * g
                            weight.grad.data[(o * h + c) * 2 + t] += column.data[read] * g
                        }
                    }
                }
            }
        }
        return dColumn
    }
}
