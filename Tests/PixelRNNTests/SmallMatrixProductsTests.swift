import XCTest
@testable import PixelRNN

/// `SmallMatrixProducts.sgemm` cuts a product into pieces: every cut (by rows, by columns,
/// uneven, one row or column a piece) gives the product the formula gives, for every
/// transposition, with β = 0 and β = 1 and leading dimensions wider than the matrices.
final class SmallMatrixProductsTests: XCTestCase {
    func testEveryCutGivesTheProduct() {
        var rng = SeededGenerator(seed: 12)
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(rng.nextIndex(below: 2001)) / 1000 - 1 } }
        for (m, n, k) in [(16, 7, 5), (3, 20, 4), (9, 9, 1), (1, 5, 6), (24, 2, 3)] {
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
}
