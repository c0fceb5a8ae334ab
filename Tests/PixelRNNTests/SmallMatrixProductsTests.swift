import XCTest
@testable import PixelRNN

/// `SmallMatrixProducts.sgemm` cuts a product into pieces: every cut (by rows, by columns,
/// uneven, one row or column a piece) gives the product the formula gives, for every
/// transposition, with β = 0 and β = 1 and leading dimensions wider than the matrices.
final class SmallMatrixProductsTests: XCTestCase {
    func testEveryCutGivesTheProduct() {
        var rng = SeededGenerator(seed: 12)
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(rng.nextIndex(below: 2001)) / 1000 - 1 } }
        for (m, n, k) in [(16, 7, 5), (3, 20, 4), (9, 9, 1), (1, 5, 6), (24, 2, 3), (40, 36, 120)] {   // the last: A·Bᵀ cut by its size of C too
            for (transposeA, transposeB) in [(false, false), (false, true), (true, false), (true, true)] {
                let (lda, ldb, ldc) = ((transposeA ? m : k) + 2, (transposeB ? k : n) + 1, n + 3)
                let a = random((transposeA ? k : m) * lda), b = random((transposeB ? n : k) * ldb)
                let c0 = random(m * ldc)
                for beta: Float in [0, 1] {
                    // C[i, j] = 1.5 Σ_l op(A)[i, l] op(B)[l, j] + β C[i, j], in Double
                    var expected = c0
                    for i in 0..<m {
                        for j in 0..<n {
                            var s = 0.0
                            for l in 0..<k {
                                let x = transposeA ? a[l * lda + i] : a[i * lda + l]
                                let y = transposeB ? b[j * ldb + l] : b[l * ldb + j]
                                s += Double(x) * Double(y)
                            }
                            expected[i * ldc + j] = Float(1.5 * s + Double(beta) * Double(c0[i * ldc + j]))
                        }
                    }
                    // limits from "whole" down to one multiply-add a piece (cuts of every kind)
                    for limit in [m * n * k, m * n * k / 2, m * n * k / 3 + 1, k, 1] {
                        var c = c0
                        a.withUnsafeBufferPointer { ap in
                            b.withUnsafeBufferPointer { bp in
                                c.withUnsafeMutableBufferPointer { cp in
                                    SmallMatrixProducts.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                                              alpha: 1.5, a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb,
                                                              beta: beta, c: cp.baseAddress!, ldc: ldc, limit: max(limit, 1))
                                }
                            }
                        }
                        let what = "\(m)×\(n)×\(k) \(transposeA ? "T" : "N")\(transposeB ? "T" : "N") β \(beta) limit \(limit)"
                        for i in 0..<m {
                            for j in 0..<ldc {
                                let (got, want) = (c[i * ldc + j], j < n ? expected[i * ldc + j] : c0[i * ldc + j])
                                XCTAssertEqual(got, want, accuracy: 1e-4, "\(what) at (\(i), \(j))")
                            }
                        }
                    }
                }
            }
        }
    }

    /// The cuts the measured limits ask for: M·N·K at most 10⁶ a piece, and an A·Bᵀ of
    /// K ≥ 112 at most 1,152 elements of C a piece (shallower ones stay whole).
    func testTheCutsFollowTheMeasuredLimits() {
        func cut(_ t: (Bool, Bool), _ m: Int, _ n: Int, _ k: Int) -> (Bool, Int) {
            let c = SmallMatrixProducts.cut(transposeA: t.0, transposeB: t.1, m: m, n: n, k: k)
            return (c.byRows, c.pieces)
        }
        let (nn, nt, tn) = ((false, false), (false, true), (true, false))
        XCTAssertTrue(cut(nn, 16, 784, 80) == (true, 2), "a PixelCNN 3×3 forward product, just above 10⁶")
        XCTAssertTrue(cut(nn, 16, 784, 79) == (true, 1))
        XCTAssertTrue(cut(nt, 16, 80, 784) == (true, 2), "its weight gradient")
        XCTAssertTrue(cut(nt, 64, 48, 224) == (true, 3), "a Row LSTM state-to-state weight gradient: 22 × 48 ≤ 1,152")
        XCTAssertTrue(cut(nt, 64, 48, 111) == (true, 1), "shallower than 112: whole")
        XCTAssertTrue(cut(nn, 64, 48, 224) == (true, 1), "only A·Bᵀ has the step")
        XCTAssertTrue(cut(tn, 64, 48, 224) == (true, 1))
        XCTAssertTrue(cut(nt, 8, 160, 196) == (false, 2), "rows below 8: by columns, 8 × 80")
    }
}
