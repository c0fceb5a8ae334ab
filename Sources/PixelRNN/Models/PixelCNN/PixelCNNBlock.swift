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
        let ra = a.forwardReLU(r0)             // ReLU(a(r0)): (B, h, H, W)
        let rb = b.forwardReLU(ra)             // ReLU(b(ra)): (B, h, H, W)
        let zc = c.forward(rb)                 // (B, 2h, H, W)
        return BlockForward(input: x, residual: zc, activations: PixelCNNActivations(reluIn: r0, reluA: ra, reluB: rb))
    }

    /// The ReLUs' backward reads where their outputs are > 0, which is where their
    /// inputs are (so the pre-activations a(r0) and b(ra) need not be kept). Each layer's
    /// input is the ReLU in front of it, so each layer's backward goes through that ReLU
    /// too (`backwardThroughReLU`: ∂ ⊙ [input > 0]; ReLU(x) > 0 exactly where x > 0).
    public func backward(_ pass: BlockForward, outputGradient dzc: Tensor) -> Tensor {
        let s = pass.activations(as: PixelCNNActivations.self)
        let dzb = c.backwardThroughReLU(input: s.reluB, outputGradient: dzc)   // ∂/∂b(ra): (B, h, H, W)
        let dza = b.backwardThroughReLU(input: s.reluA, outputGradient: dzb)   // ∂/∂a(r0): (B, h, H, W)
        return a.backwardThroughReLU(input: s.reluIn, outputGradient: dza)     // ∂/∂x:     (B, 2h, H, W)
    }
}

/// What a PixelCNN block's forward pass keeps: each layer's output before and after its ReLU.
public struct PixelCNNActivations: BlockActivations {
    /// ReLU(x), (B, 2h, H, W).
    public var reluIn: Tensor
    /// ReLU(a(ReLU(x))), (B, h, H, W). The pre-activation is not kept: the ReLU's
    /// backward needs only where it is > 0, which is where its output is.
    public var reluA: Tensor
    /// ReLU(b(…)), (B, h, H, W).
    public var reluB: Tensor

    public var named: [String: Tensor] { ["relu_in": reluIn, "relu_a": reluA, "relu_b": reluB] }
}
