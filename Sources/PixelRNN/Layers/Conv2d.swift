import Foundation
/// A 2-D convolution with stride 1, "same" zero padding (kh/2, kw/2) and a bias,
/// optionally masked (paper §3.4): `y = (W ⊙ M) ∗ x + b`.
///
/// Shapes: input (B, in, H, W) → output (B, out, H, W); weight (out, in, kh, kw)
/// exactly as PyTorch's `Conv2d`, bias (out). Kernels have odd sizes.
///
/// Two paths compute the same numbers: `forwardPlain`/`backwardPlain`, seven nested
/// loops that read like the formula, and the fast path (im2col + GEMM) used when
/// `ComputePath.current` is `.fast`. Tests hold them equal.
public final class Conv2d {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    /// The mask type, or nil for an unmasked convolution.
    public let maskType: MaskType?
    /// (out, in, kh, kw), masked entries are kept at zero.
    public let weight: Parameter
    /// (out)
    public let bias: Parameter
    /// The kernel taps the fast path uses: flat indices `(c·kh + u)·kw + v` into one output
    /// channel's (in, kh, kw) kernel, in increasing order, leaving out every tap the mask
    /// removes for *all* output channels (the rows below the centre, the right half of the
    /// centre row, and at the centre the colours no output may see). Fixed by the mask.
    let usedTaps: [Int]
    /// Where Ŵ's entries come from: entry o·K + r of the fast path's (out × K) matrix is the
    /// weight's flat entry `usedWeightIndices[o·K + r]` = o·(in·kh·kw) + usedTaps[r].
    let usedWeightIndices: [Int]
    /// Ŵ as last gathered, with the weight's `version` then: a training step's passes of one
    /// image each use it again until the optimizer changes the weight.
    var usedWeightCache: (version: Int, matrix: [Float])?
    let usedWeightLock = NSLock()

    /// A convolution initialised like PyTorch's default (uniform in ±1/√fan_in),
    /// from an explicit seed. `colors` decides the colour groups of a mask.
    public init(inChannels: Int, outChannels: Int, kernelHeight: Int, kernelWidth: Int,
                mask: MaskType?, colors: Int, seed: UInt64) {
        precondition(kernelHeight % 2 == 1 && kernelWidth % 2 == 1, "Conv2d: kernel sizes must be odd")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.maskType = mask
        var rng = SeededGenerator(seed: seed)
        let bound = 1 / Float(inChannels * kernelHeight * kernelWidth).squareRoot()
        let shape = [outChannels, inChannels, kernelHeight, kernelWidth]
        let w = Tensor(uniformWithin: bound, shape: shape, using: &rng)
        let b = Tensor(uniformWithin: bound, shape: [outChannels], using: &rng)
        let m = mask.map { convolutionMask($0, outChannels: outChannels, inChannels: inChannels,
                                           kernelHeight: kernelHeight, kernelWidth: kernelWidth, colors: colors) }
        self.weight = Parameter(m.map { w * $0 } ?? w, mask: m)
        self.bias = Parameter(b)
        let tapsPerOutput = inChannels * kernelHeight * kernelWidth
        self.usedTaps = (0..<tapsPerOutput).filter { tap in
            guard let m else { return true }
            return (0..<outChannels).contains { o in m.data[o * tapsPerOutput + tap] != 0 }
        }
        self.usedWeightIndices = (0..<outChannels).flatMap { [usedTaps] o in usedTaps.map { o * tapsPerOutput + $0 } }
    }

    /// Parameters with their names relative to this layer.
    public var namedParameters: [(String, Parameter)] { [("weight", weight), ("bias", bias)] }

    /// y = (W ⊙ M) ∗ x + b.   (B, in, H, W) → (B, out, H, W)
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == inChannels,
                     "Conv2d: expected (B, \(inChannels), H, W), got \(x.shape)")
        return ComputePath.isFast ? forwardFast(x) : forwardPlain(x)
    }

    /// ReLU(y) = max((W ⊙ M) ∗ x + b, 0): the convolution followed by a ReLU, as the
    /// PixelCNN block uses it. The fast path applies the ReLU to each image's output while
    /// it is still in cache; the plain path is `Activation.relu(forwardPlain(x))`. The
    /// pre-activation is not kept: the ReLU's backward needs only where y > 0, which is
    /// where ReLU(y) > 0.
    public func forwardReLU(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == inChannels,
                     "Conv2d: expected (B, \(inChannels), H, W), got \(x.shape)")
        return ComputePath.isFast ? forwardFast(x, thenReLU: true) : Activation.relu(forwardPlain(x))
    }

    /// Accumulates ∂L/∂W (masked) and ∂L/∂b, and returns ∂L/∂x.
    /// `x` is the input of the forward pass, `dy` is ∂L/∂y with y's shape.
    public func backward(input x: Tensor, outputGradient dy: Tensor) -> Tensor {
        checkGradientShape(input: x, outputGradient: dy)
        return ComputePath.isFast ? backwardFast(input: x, outputGradient: dy)
                                  : backwardPlain(input: x, outputGradient: dy)
    }

    /// Accumulates ∂L/∂W (masked) and ∂L/∂b as `backward` does, without ∂L/∂x: for a
    /// first layer, whose input gradient nothing reads in training. The fast path skips the
    /// input-gradient product and col2im; the plain path is `backwardPlain`, its ∂L/∂x dropped.
    public func backwardWeights(input x: Tensor, outputGradient dy: Tensor) {
        checkGradientShape(input: x, outputGradient: dy)
        if ComputePath.isFast { _ = backwardFast(input: x, outputGradient: dy, throughReLU: false, inputGradient: false) }
        else { _ = backwardPlain(input: x, outputGradient: dy) }
    }

    /// ∂L/∂s through this layer and the ReLU in front of it, when this layer's input is
    /// x = ReLU(s): ∂L/∂s = ∂L/∂x ⊙ [x > 0] (x > 0 exactly where s > 0, so `x` is all it
    /// needs). Accumulates ∂L/∂W and ∂L/∂b as `backward` does. The fast path masks each
    /// image's ∂x while it is still in cache; the plain path is
    /// `Activation.reluBackward(input: x, outputGradient: backwardPlain(input: x, outputGradient: dy))`.
    public func backwardThroughReLU(input x: Tensor, outputGradient dy: Tensor) -> Tensor {
        checkGradientShape(input: x, outputGradient: dy)
        return ComputePath.isFast ? backwardFast(input: x, outputGradient: dy, throughReLU: true)
                                  : Activation.reluBackward(input: x, outputGradient: backwardPlain(input: x, outputGradient: dy))
    }

    /// Stops with a message when ∂L/∂y is not (B, out, H, W) for an input (B, in, H, W).
    private func checkGradientShape(input x: Tensor, outputGradient dy: Tensor) {
        precondition(dy.shape == [x.shape[0], outChannels, x.shape[2], x.shape[3]],
                     "Conv2d.backward: gradient shape \(dy.shape) does not fit input \(x.shape)")
    }

    /// The plain path: y[n,o,i,j] = b[o] + Σ_c Σ_u Σ_v W[o,c,u,v] · x[n,c,i+u−ph,j+v−pw].
    public func forwardPlain(_ x: Tensor) -> Tensor {
        let (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])
        let w = weight.effective
        var y = Tensor(zeros: [batch, outChannels, height, width])
        for n in 0..<batch {
            for o in 0..<outChannels {
                for i in 0..<height {
                    for j in 0..<width {
                        var s = bias.value.data[o]
                        forEachTapInside(i: i, j: j, height: height, width: width) { c, u, v, yi, xj in
                            s += w[o, c, u, v] * x[n, c, yi, xj]
                        }
                        y[n, o, i, j] = s
                    }
                }
            }
        }
        return y
    }

    /// The plain backward: ∂L/∂x[n,c,i+u−ph,j+v−pw] += W[o,c,u,v]·dy[n,o,i,j];
    /// ∂L/∂W[o,c,u,v] += x[…]·dy[n,o,i,j] (then masked); ∂L/∂b[o] += dy[n,o,i,j].
    public func backwardPlain(input x: Tensor, outputGradient dy: Tensor) -> Tensor {
        let (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])
        let w = weight.effective
        var dx = Tensor(zeros: x.shape)
        var dw = Tensor(zeros: weight.value.shape)
        for n in 0..<batch {
            for o in 0..<outChannels {
                for i in 0..<height {
                    for j in 0..<width {
                        let g = dy[n, o, i, j]
                        if g == 0 { continue }
                        bias.grad.data[o] += g
                        forEachTapInside(i: i, j: j, height: height, width: width) { c, u, v, yi, xj in
                            dx[n, c, yi, xj] += w[o, c, u, v] * g
                            dw[o, c, u, v] += x[n, c, yi, xj] * g
                        }
                    }
                }
            }
        }
        if let m = weight.mask { dw = dw * m }
        weight.grad += dw
        return dx
    }

    /// Calls `body(c, u, v, yi, xj)` for every tap (c, u, v) of the kernel centred on output
    /// pixel (i, j) whose input pixel (yi, xj) = (i + u − kh/2, j + v − kw/2) lies inside the
    /// image, in the order c, u, v; the taps outside read the zero padding and add nothing.
    @inline(__always)
    private func forEachTapInside(i: Int, j: Int, height: Int, width: Int,
                                  _ body: (_ c: Int, _ u: Int, _ v: Int, _ yi: Int, _ xj: Int) -> Void) {
        let (ph, pw) = (kernelHeight / 2, kernelWidth / 2)
        for c in 0..<inChannels {
            for u in 0..<kernelHeight {
                let yi = i + u - ph
                if yi < 0 || yi >= height { continue }
                for v in 0..<kernelWidth {
                    let xj = j + v - pw
                    if xj < 0 || xj >= width { continue }
                    body(c, u, v, yi, xj)
                }
            }
        }
    }

    // The fast path, `forwardFast` / `backwardFast` (im2col + GEMM through OpenBLAS),
    // is in Conv2dFast.swift.
}
