import CBLAS

/// C = α·op(A)·op(B) + β·C, row-major single precision, through `cblas_sgemm` — cut into
/// as few pieces as keep each at most `limit` multiply-adds (M·N·K), which OpenBLAS then
/// multiplies on its small-matrix path. (A piece cannot be smaller than one row or column
/// of C: where one row and one column are both above the limit, as with K alone above it,
/// the pieces are single rows, still above it.)
///
/// Why: OpenBLAS 0.3.21's AVX-512 kernels (SkylakeX, Cooperlake, SapphireRapids) multiply a
/// product of M·N·K ≤ 10⁶ straight from its operands; a larger one is first packed into
/// blocks, which costs more than it saves on the thin matrices of these models (one side
/// 16–80). A PixelCNN's 3×3 layer at h = 16 on a 28×28 image is just above the line
/// (16 × 784 × 80 = 1,003,520). Measured with one thread on an AMD EPYC (Cooperlake kernel),
/// in GFLOP/s, one product → two halves of C's rows:
///
///     y  = Ŵ X̂       (16 × 784, K = 80)     136 → 220
///     ∂X̂ = Ŵᵀ ∂y     (80 × 784, K = 16)     124 → 215
///     ∂Ŵ = ∂y X̂ᵀ     (16 × 80,  K = 784)     93 → 184
///
/// (the single-thread peak, 1024³: 208). Kernels without that path (Haswell, Zen) multiply
/// each piece as they would the whole; the pieces only cost a call each.
///
/// Cuts: C's rows when each piece keeps 8 rows or more, else its columns, in pieces of even
/// size; an A·Bᵀ with K ≥ `transposedBDepth` also into pieces of at most
/// `transposedBElements` elements of C where a piece of one row or column allows it.
/// Under kernels without the small-matrix path these cuts cost one call a piece. Every element of C is the same sum over K whatever the cut, so the cuts agree with
/// each other to the bit; a single packed product (the whole, above the limit) may add the
/// K terms in another order.
enum SmallMatrixProducts {
    /// OpenBLAS's small-matrix limit on M·N·K.
    static let limit = 1_000_000

    /// A·Bᵀ (row-major; OpenBLAS's column-major "TN") takes the small-matrix path only while
    /// C has at most this many elements: above it OpenBLAS packs, however small M·N·K. One
    /// thread, AMD EPYC (Cooperlake kernel), K = 196, GFLOP/s: M × N = 16 × 72 199, 32 × 36
    /// 204, 24 × 48 195 (1,152 elements) against 40 × 32 142, 64 × 20 119, 8 × 160 60 (1,280).
    /// A Row LSTM's state-to-state weight gradient (64 × 48, K = 224): 162 whole, 196 in the
    /// three pieces of rows this cut makes. The other transpositions showed no such step.
    static let transposedBElements = 1_152

    /// The depth K from which cutting an A·Bᵀ to `transposedBElements` pays: on shallower
    /// products the pieces' calls cost more (64 × 48, GFLOP/s whole → in four pieces of rows:
    /// K = 28 152 → 85, 56 160 → 110, 112 162 → 172, 224 162 → 206, 448 164 → 220).
    static let transposedBDepth = 112

    /// How `sgemm` cuts an M × N × K product: by C's rows or by its columns, into `pieces`
    /// pieces of even size (1: whole).
    static func cut(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, limit: Int = limit) -> (byRows: Bool, pieces: Int) {
        // A·Bᵀ deep enough: also at most `transposedBElements` elements of C a piece
        let cap = transposeB && !transposeA && k >= transposedBDepth ? transposedBElements : Int.max
        let rowsPerPiece = max(1, min(limit / max(1, n * k), cap / max(1, n)))
        let columnsPerPiece = max(1, min(limit / max(1, m * k), cap / max(1, m)))
        let byRows = rowsPerPiece >= 8 || m >= n
        return (byRows, max(1, byRows ? (m + rowsPerPiece - 1) / rowsPerPiece : (n + columnsPerPiece - 1) / columnsPerPiece))
    }

    /// `cblas_sgemm(CblasRowMajor, …)` in pieces of at most `limit` multiply-adds (a
    /// different limit only in tests, to cut small matrices).
    static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                      alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, limit: Int = limit) {
        let (byRows, pieces) = cut(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, limit: limit)
        let (opA, opB) = (transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans)
        for p in 0..<pieces {
            if byRows {             // rows r0..<r1 of C: rows of op(A)
                let (r0, r1) = (m * p / pieces, m * (p + 1) / pieces)
                cblas_sgemm(CblasRowMajor, opA, opB, Int32(r1 - r0), Int32(n), Int32(k),
                            alpha, transposeA ? a + r0 : a + r0 * lda, Int32(lda), b, Int32(ldb),
                            beta, c + r0 * ldc, Int32(ldc))
            } else {                // columns c0..<c1 of C: columns of op(B)
                let (c0, c1) = (n * p / pieces, n * (p + 1) / pieces)
                cblas_sgemm(CblasRowMajor, opA, opB, Int32(m), Int32(c1 - c0), Int32(k),
                            alpha, a, Int32(lda), transposeB ? b + c0 * ldb : b + c0, Int32(ldb),
                            beta, c + c0, Int32(ldc))
            }
        }
    }
}
