/// The PixelCNN residual block (paper Figure 5, left):
/// F(x) = c(ReLU(b(ReLU(a(ReLU(x)))))) with `a` 1×1 2h→h, `b` 3×3 mask B h→h,
/// `c` 1×1 h→2h. The 1×1 layers carry mask B too (they only matter for colours).
public final class PixelCNNBlock: ResidualBlock {
    public let a: Conv2d
    public let b: Conv2d
    public let c: Conv2d

    /// A block for `hidden` = h, initialised from `seed`.
    public init(hidden: Int, colors: Int, seed: UInt64) {
        a = Conv2d(inChannels: 2 * hidden, outChannels: hidden, kernelHeight: 1, kernelWidth: 1,
                   mask: .B, colors: colors, seed: SeededGenerator.derivedSeed(seed, stream: 1))
        b = Conv2d(inChannels: hidden, outChannels: hidden, kernelHeight: 3, kernelWidth: 3,
                   mask: .B, colors: colors, seed: SeededGenerator.derivedSeed(seed, stream: 2))
        c = Conv2d(inChannels: hidden, outChannels: 2 * hidden, kernelHeight: 1, kernelWidth: 1,
                   mask: .B, colors: colors, seed: SeededGenerator.derivedSeed(seed, stream: 3))
    }

    public var namedParameters: [(String, Parameter)] {
        prefixedParameters([("a", a.namedParameters), ("b", b.namedParameters), ("c", c.namedParameters)])
    }

    public func forward(_ x: Tensor) -> BlockForward {
        let r0 = Activation.relu(x)            // (B, 2h, H, W)
        let za = a.forward(r0)                 // (B, h, H, W)
        let ra = Activation.relu(za)
        let zb = b.forward(ra)                 // (B, h, H, W)
        let rb = Activation.relu(zb)
        let zc = c.forward(rb)                 // (B, 2h, H, W)
        return BlockForward(input: x, residual: zc,
                            activations: PixelCNNActivations(reluIn: r0, a: za, reluA: ra, b: zb, reluB: rb))
    }

    public func backward(_ pass: BlockForward, outputGradient dzc: Tensor) -> Tensor {
        let s = pass.activations(as: PixelCNNActivations.self)
        let drb = c.backward(input: s.reluB, outputGradient: dzc)
        let dzb = Activation.reluBackward(input: s.b, outputGradient: drb)
        let dra = b.backward(input: s.reluA, outputGradient: dzb)
        let dza = Activation.reluBackward(input: s.a, outputGradient: dra)
        let dr0 = a.backward(input: s.reluIn, outputGradient: dza)
        return Activation.reluBackward(input: pass.input, outputGradient: dr0)
    }
}

/// What a PixelCNN block's forward pass keeps: each layer's output before and after its ReLU.
public struct PixelCNNActivations: BlockActivations {
    /// ReLU(x), (B, 2h, H, W).
    public var reluIn: Tensor
    /// a(ReLU(x)) and its ReLU, (B, h, H, W).
    public var a: Tensor, reluA: Tensor
    /// b(…) and its ReLU, (B, h, H, W).
    public var b: Tensor, reluB: Tensor

    public var named: [String: Tensor] { ["relu_in": reluIn, "a": a, "relu_a": reluA, "b": b, "relu_b": reluB] }
}
