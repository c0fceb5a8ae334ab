import CBLAS
import Foundation

/// This machine's single-precision matrix-multiply peak, measured: the best rate of
/// large square `sgemm` products, C = A·B with n = 1,024 (2n³ floating-point operations
/// each), with OpenBLAS on every core — the ceiling any training step here can approach.
///
/// It runs about `seconds` in all (a few hundred milliseconds) and reports the fastest
/// of its timed rounds, so a moment of other work on the machine lowers it less than a
/// mean would. What it measures is the BLAS kernel in use (see `BLASRuntime`) on this
/// processor and its load now.
public enum MatrixMultiplyPeak {
    /// The measured peak and how it was measured.
    public struct Result: Equatable, Sendable {
        /// Floating-point operations per second (a multiply-add counts 2).
        public var flopsPerSecond: Double
        /// The matrices' order n.
        public var order: Int
        /// Threads OpenBLAS used.
        public var threads: Int
        /// Products timed.
        public var products: Int
    }

    /// Measures for about `seconds`, with `threads` OpenBLAS threads (default: every core).
    public static func measure(seconds: Double = 0.3, order n: Int = 1024,
                               threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> Result {
        precondition(n >= 1 && n <= 4096 && seconds > 0)
        var generator = SeededGenerator(seed: 1)
        let a = (0..<(n * n)).map { _ in generator.nextUniform(-0.5, 0.5) }
        let b = (0..<(n * n)).map { _ in generator.nextUniform(-0.5, 0.5) }
        var c = [Float](repeating: 0, count: n * n)
        let before = openblas_get_num_threads()
        openblas_set_num_threads(Int32(max(1, threads)))
        defer { openblas_set_num_threads(before) }
        let n32 = Int32(n)
        func product() {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n32, n32, n32, 1, a, n32, b, n32, 0, &c, n32)
        }
        product()                                                  // warm-up: threads, caches, pages
        var best = Double.infinity
        var products = 0
        let start = DispatchTime.now().uptimeNanoseconds
        repeat {
            let t0 = DispatchTime.now().uptimeNanoseconds
            product()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            products += 1
        } while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < seconds && products < 1000
        return Result(flopsPerSecond: 2 * Double(n) * Double(n) * Double(n) / best, order: n,
                      threads: Int(openblas_get_num_threads()), products: products)
    }
}
