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
/// size. Every element of C is the same sum over K whatever the cut, so the cuts agree with
/// each other to the bit; a single packed product (the whole, above the limit) may add the
/// K terms in another order.
enum SmallMatrixProducts {
    /// OpenBLAS's small-matrix limit on M·N·K.
    static let limit = 1_000_000

    /// `cblas_sgemm(CblasRowMajor, …)` in pieces of at most `limit` multiply-adds (a
    /// different limit only in tests, to cut small matrices).
    static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                      alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, limit: Int = limit) {
        let rowsPerPiece = max(1, limit / max(1, n * k)), columnsPerPiece = max(1, limit / max(1, m * k))
        let byRows = rowsPerPiece >= 8 || m >= n
        let pieces = max(1, byRows ? (m + rowsPerPiece - 1) / rowsPerPiece : (n + columnsPerPiece - 1) / columnsPerPiece)
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
