import Foundation

/// Elementwise nonlinearities and their derivatives, written out.
public enum Activation {
    /// ReLU(x) = max(0, x).
    public static func relu(_ x: Tensor) -> Tensor {
        var y = x
        for i in 0..<y.count where y.data[i] < 0 { y.data[i] = 0 }
        return y
    }

    /// ∂ReLU: dy where x > 0, else 0.
    public static func reluBackward(input x: Tensor, outputGradient dy: Tensor) -> Tensor {
        var dx = dy
        for i in 0..<dx.count where x.data[i] <= 0 { dx.data[i] = 0 }
        return dx
    }

    /// σ(x) = 1 / (1 + e^−x), computed without overflow.
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + expf(-x)) : { let e = expf(x); return e / (1 + e) }()
    }

    /// σ elementwise.
    public static func sigmoid(_ x: Tensor) -> Tensor {
        var y = x
        for i in 0..<y.count { y.data[i] = sigmoid(y.data[i]) }
        return y
    }

    /// tanh elementwise.
    public static func tanh(_ x: Tensor) -> Tensor {
        var y = x
        for i in 0..<y.count { y.data[i] = tanhf(y.data[i]) }
        return y
    }
}
