/// A transposed 2-D convolution (a "deconvolution", paper §3.6: the upsampling network of the
/// multi-scale PixelRNN), unmasked, exactly as PyTorch's `ConvTranspose2d` with stride s,
/// padding p, no output padding, dilation 1, one group:
///
///     y[n, o, i, j] = b[o] + Σ_c Σ_u Σ_v  x[n, c, a, b′] · W[c, o, u, v]
///                     over the (a, b′, u, v) with  i = a·s − p + u,  j = b′·s − p + v
///
/// Shapes: input (B, in, H, W) → output (B, out, H′, W′) with H′ = (H − 1)·s − 2p + kh and
/// W′ = (W − 1)·s − 2p + kw; weight (in, out, kh, kw) — PyTorch's layout for a transposed
/// convolution, in and out swapped against `Conv2d` — and bias (out).
///
/// Each input pixel (a, b′) *scatters* its kernel, scaled by its value, onto the output,
/// the top-left tap landing at (a·s − p, b′·s − p); taps that land outside are dropped. For
/// s = 2, kh = 4, p = 1 (14 → 28), along one axis (input a, output i = 2a − 1 + u):
///
///     input a:        0           1           2        …
///     output i:  ·  0  1  2                                   a = 0 → i = −1 … 2 (−1 dropped)
///                      1  2  3  4                             a = 1 → i =  1 … 4
///                            3  4  5  6                       a = 2 → i =  3 … 6
///
/// so every output row is reached by exactly two kernel rows (u = i + p − a·s). It is the
/// backward (the transpose) of a stride-s convolution with the same kernel, which is why its
/// own backward is that convolution:
///
///     ∂L/∂x[n, c, a, b′] = Σ_o Σ_u Σ_v  W[c, o, u, v] · ∂L/∂y[n, o, a·s − p + u, b′·s − p + v]
///     ∂L/∂W[c, o, u, v] = Σ_n Σ_a Σ_b′  x[n, c, a, b′] · ∂L/∂y[n, o, a·s − p + u, b′·s − p + v]
///     ∂L/∂b[o]          = Σ_n Σ_i Σ_j  ∂L/∂y[n, o, i, j]
///
/// (terms whose output position falls outside are left out, as in forward).
public final class TransposedConv2d {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    /// s, the same along both axes.
    public let stride: Int
    /// p, the same along both axes.
    public let padding: Int
    /// (in, out, kh, kw), as PyTorch's `ConvTranspose2d.weight`.
    public let weight: Parameter
    /// (out)
    public let bias: Parameter

    /// A layer initialised like PyTorch's default for `ConvTranspose2d` (uniform in ±1/√fan_in,
    /// fan_in = out·kh·kw, PyTorch's reading of the (in, out, kh, kw) weight), from an explicit seed.
    public init(inChannels: Int, outChannels: Int, kernelHeight: Int, kernelWidth: Int,
                stride: Int, padding: Int, seed: UInt64) {
        precondition(inChannels >= 1 && outChannels >= 1 && kernelHeight >= 1 && kernelWidth >= 1 && stride >= 1 && padding >= 0,
                     "TransposedConv2d: sizes must be positive")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.padding = padding
        var rng = SeededGenerator(seed: seed)
        let bound = 1 / Float(outChannels * kernelHeight * kernelWidth).squareRoot()
        weight = Parameter(Tensor(uniformWithin: bound, shape: [inChannels, outChannels, kernelHeight, kernelWidth], using: &rng))
        bias = Parameter(Tensor(uniformWithin: bound, shape: [outChannels], using: &rng))
    }

    /// Parameters with their names relative to this layer.
    public var namedParameters: [(String, Parameter)] { [("weight", weight), ("bias", bias)] }

    /// H′ = (H − 1)·s − 2p + kh for an input of height H (likewise the width with kw).
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height - 1) * stride - 2 * padding + kernelHeight, (width - 1) * stride - 2 * padding + kernelWidth)
    }

    /// The scatter written out.   (B, in, H, W) → (B, out, H′, W′)
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == inChannels,
                     "TransposedConv2d: expected (B, \(inChannels), H, W), got \(x.shape)")
        let (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])
        let (outHeight, outWidth) = outputSize(height: height, width: width)
        precondition(outHeight >= 1 && outWidth >= 1, "TransposedConv2d: \(x.shape) gives an empty output")
        var y = Tensor(zeros: [batch, outChannels, outHeight, outWidth])
        let (kh, kw, s, p) = (kernelHeight, kernelWidth, stride, padding)
        x.data.withUnsafeBufferPointer { x in
        weight.value.data.withUnsafeBufferPointer { w in
        bias.value.data.withUnsafeBufferPointer { b in
        y.data.withUnsafeMutableBufferPointer { y in
            for n in 0..<batch {
                for o in 0..<outChannels {
                    let plane = (n * outChannels + o) * outHeight * outWidth           // y[n, o]: (H′, W′)
                    for k in 0..<(outHeight * outWidth) { y[plane + k] = b[o] }
                    for c in 0..<inChannels {
                        let kernel = (c * outChannels + o) * kh * kw                    // W[c, o]: (kh, kw)
                        for a in 0..<height {
                            for bb in 0..<width {
                                let v = x[((n * inChannels + c) * height + a) * width + bb]
                                if v == 0 { continue }
                                for u in 0..<kh {
                                    let i = a * s - p + u                               // output row
                                    if i < 0 || i >= outHeight { continue }
                                    for t in 0..<kw {
                                        let j = bb * s - p + t                          // output column
                                        if j < 0 || j >= outWidth { continue }
                                        y[plane + i * outWidth + j] += v * w[kernel + u * kw + t]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        }
        }
        }
        return y
    }

    /// Accumulates ∂L/∂W and ∂L/∂b, and returns ∂L/∂x (the gather: a stride-s convolution of
    /// ∂L/∂y). `x` is the input of the forward pass, `dy` is ∂L/∂y with y's shape.
    public func backward(input x: Tensor, outputGradient dy: Tensor) -> Tensor {
        let (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])
        let (outHeight, outWidth) = outputSize(height: height, width: width)
        precondition(x.rank == 4 && x.shape[1] == inChannels && dy.shape == [batch, outChannels, outHeight, outWidth],
                     "TransposedConv2d.backward: gradient shape \(dy.shape) does not fit input \(x.shape)")
        var dx = Tensor(zeros: x.shape)
        var dw = Tensor(zeros: weight.value.shape)
        let (kh, kw, s, p) = (kernelHeight, kernelWidth, stride, padding)
        x.data.withUnsafeBufferPointer { x in
        dy.data.withUnsafeBufferPointer { dy in
        weight.value.data.withUnsafeBufferPointer { w in
        dx.data.withUnsafeMutableBufferPointer { dx in
        dw.data.withUnsafeMutableBufferPointer { dw in
            for n in 0..<batch {
                for o in 0..<outChannels {
                    let plane = (n * outChannels + o) * outHeight * outWidth           // dy[n, o]
                    var db = 0.0
                    for k in 0..<(outHeight * outWidth) { db += Double(dy[plane + k]) }
                    bias.grad.data[o] += Float(db)
                    for c in 0..<inChannels {
                        let kernel = (c * outChannels + o) * kh * kw
                        for a in 0..<height {
                            for bb in 0..<width {
                                let at = ((n * inChannels + c) * height + a) * width + bb
                                let v = x[at]
                                var g: Float = 0
                                for u in 0..<kh {
                                    let i = a * s - p + u
                                    if i < 0 || i >= outHeight { continue }
                                    for t in 0..<kw {
                                        let j = bb * s - p + t
                                        if j < 0 || j >= outWidth { continue }
                                        let d = dy[plane + i * outWidth + j]
                                        g += w[kernel + u * kw + t] * d            // ∂L/∂x[n, c, a, b′]
                                        dw[kernel + u * kw + t] += v * d           // ∂L/∂W[c, o, u, v]
                                    }
                                }
                                dx[at] += g
                            }
                        }
                    }
                }
            }
        }
        }
        }
        }
        }
        weight.grad += dw
        return dx
    }
}
