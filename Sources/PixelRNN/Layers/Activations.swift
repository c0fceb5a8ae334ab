import Foundation

/// Elementwise nonlinearities and their derivatives, written out: the only place σ and tanh
/// are defined.
///
/// Two forms: the plain one (`sigmoid(_: Float)`, `tanhf`, and the Tensor versions), which
/// every plain path uses, and the vectorised one (`sigmoid(_:into:count:)`,
/// `tanh(_:into:count:)`, branch-free polynomials within a few ulp of the C library), which
/// every fast path uses. The loops run over raw buffers so the compiler can vectorise them;
/// each one reads like its formula.
public enum Activation {
    /// ReLU(x) = max(0, x).
    public static func relu(_ x: Tensor) -> Tensor {
        let data = [Float](unsafeUninitializedCapacity: x.count) { y, initialized in
            x.data.withUnsafeBufferPointer { x in
                for i in 0..<x.count { y[i] = max(x[i], 0) }
            }
            initialized = x.count
        }
        return Tensor(shape: x.shape, data: data)
    }

    /// ∂ReLU: ∂L/∂x = ∂L/∂y where x > 0, else 0 (the subgradient at 0 is taken as 0, as PyTorch does).
    public static func reluBackward(input x: Tensor, outputGradient dy: Tensor) -> Tensor {
        precondition(x.shape == dy.shape, "reluBackward: input \(x.shape) and gradient \(dy.shape) differ")
        let data = [Float](unsafeUninitializedCapacity: x.count) { dx, initialized in
            x.data.withUnsafeBufferPointer { x in
                dy.data.withUnsafeBufferPointer { dy in
                    for i in 0..<x.count {
                        let g = dy[i]            // read unconditionally: the loop vectorises to a select
                        dx[i] = x[i] > 0 ? g : 0
                    }
                }
            }
            initialized = x.count
        }
        return Tensor(shape: x.shape, data: data)
    }

    /// σ(x) = 1 / (1 + e^−x), computed without overflow.
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + expf(-x)) : { let e = expf(x); return e / (1 + e) }()
    }

    /// σ elementwise.
    public static func sigmoid(_ x: Tensor) -> Tensor {
        var y = x
        y.data.withUnsafeMutableBufferPointer { y in
            for i in 0..<y.count { y[i] = sigmoid(y[i]) }
        }
        return y
    }

    /// tanh elementwise.
    public static func tanh(_ x: Tensor) -> Tensor {
        var y = x
        y.data.withUnsafeMutableBufferPointer { y in
            for i in 0..<y.count { y[i] = tanhf(y[i]) }
        }
        return y
    }

    // MARK: - Vectorised σ and tanh (the fast paths)

    /// e^x: x = k·ln 2 + t, |t| ≤ ln2/2, e^t by a polynomial (Cephes expf), 2^k built in the
    /// exponent bits. Within 1 ulp of expf on [−87, 88]; e^−87 below that range and +∞ above
    /// it (so σ and tanh saturate exactly). Branch-free, so loops over it vectorise.
    @inline(__always)
    static func vectorisableExp(_ x0: Float) -> Float {
        var x = x0 < -87 ? -87 : x0
        x = x > 89 ? 89 : x                                 // 2^128 is +∞
        // Adding 1.5·2²³ rounds x·log₂e to an integer k that lands in the low mantissa bits.
        let shifted = x * 1.442695041 + 12_582_912
        let fn = shifted - 12_582_912                        // k as a Float
        let k = Int32(bitPattern: shifted.bitPattern &- 0x4B40_0000)
        var t = x - fn * 0.693359375                        // ln 2 in two parts, for an exact t
        t = t - fn * -2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * t + 1.3981999507e-3
        p = p * t + 8.3334519073e-3
        p = p * t + 4.1665795894e-2
        p = p * t + 1.6666665459e-1
        p = p * t + 5.0000001201e-1
        let et = p * t * t + t + 1
        return et * Float(bitPattern: UInt32(bitPattern: (k &+ 127) &<< 23))
    }

    /// y = σ(x) = 1 / (1 + e^−x) over `count` values, vectorised (the fast paths' σ).
    /// y may be x itself.
    static func sigmoid(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        elementwise(x, into: y, count: count) { 1 / (1 + vectorisableExp(-$0)) }
    }

    /// y = tanh(x) over `count` values, vectorised (the fast paths' tanh; `vectorisableTanh`).
    /// y may be x itself.
    static func tanh(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        elementwise(x, into: y, count: count, vectorisableTanh)
    }

    /// tanh(v): an odd polynomial for |v| < 0.625 (Cephes tanhf), 1 − 2/(e^{2|v|} + 1) with v's
    /// sign elsewhere. Within 2 ulp of tanhf. Branch-free, so loops over it vectorise.
    @inline(__always)
    static func vectorisableTanh(_ v: Float) -> Float {
        let a = Float(bitPattern: v.bitPattern & 0x7FFF_FFFF)
        let z = v * v
        var p: Float = -5.70498872745e-3
        p = p * z + 2.06390887954e-2
        p = p * z - 5.37397155531e-2
        p = p * z + 1.33314422036e-1
        p = p * z - 3.33332819422e-1
        let small = p * z * v + v
        let large = 1 - 2 / (vectorisableExp(2 * a) + 1)
        return a < 0.625 ? small : Float(bitPattern: large.bitPattern | (v.bitPattern & 0x8000_0000))
    }

    /// y[e] = f(x[e]) for e < count, where y is x itself or does not overlap it. In place is a
    /// loop of its own: given two pointers, the vectoriser's overlap check sends y = x to the
    /// scalar loop (measured: the Diagonal LSTM's tanh on its gate rows, in place, ran scalar).
    @inline(__always)
    private static func elementwise(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int,
                                    _ f: (Float) -> Float) {
        if UnsafePointer(y) == x {
            for e in 0..<count { y[e] = f(y[e]) }
        } else {
            for e in 0..<count { y[e] = f(x[e]) }
        }
    }
}
