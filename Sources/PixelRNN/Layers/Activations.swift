import Foundation

/// Elementwise nonlinearities and their derivatives, written out.
///
/// The loops run over raw buffers so the compiler can vectorise them; each one reads
/// like its formula.
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
}
