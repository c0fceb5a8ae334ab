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
                   mask: .B, colors: colors, seed: seed &+ 1)
        b = Conv2d(inChannels: hidden, outChannels: hidden, kernelHeight: 3, kernelWidth: 3,
                   mask: .B, colors: colors, seed: seed &+ 2)
        c = Conv2d(inChannels: hidden, outChannels: 2 * hidden, kernelHeight: 1, kernelWidth: 1,
                   mask: .B, colors: colors, seed: seed &+ 3)
    }

    public var namedParameters: [(String, Parameter)] {
        [("a", a), ("b", b), ("c", c)].flatMap { name, layer in
            layer.namedParameters.map { ("\(name).\($0.0)", $0.1) }
        }
    }

    public func forward(_ x: Tensor) -> BlockForward {
        let r0 = Activation.relu(x)            // (B, 2h, H, W)
        let ra = a.forwardReLU(r0)             // ReLU(a(r0)): (B, h, H, W)
        let rb = b.forwardReLU(ra)             // ReLU(b(ra)): (B, h, H, W)
        let zc = c.forward(rb)                 // (B, 2h, H, W)
        return BlockForward(input: x, residual: zc, saved: ["relu_in": r0, "relu_a": ra, "relu_b": rb])
    }

    /// The ReLUs' backward reads where their outputs are > 0, which is where their
    /// inputs are (so the pre-activations a(r0) and b(ra) need not be kept).
    public func backward(_ pass: BlockForward, outputGradient dzc: Tensor) -> Tensor {
        let s = pass.saved
        let drb = c.backward(input: s["relu_b"]!, outputGradient: dzc)
        let dzb = Activation.reluBackward(input: s["relu_b"]!, outputGradient: drb)
        let dra = b.backward(input: s["relu_a"]!, outputGradient: dzb)
        let dza = Activation.reluBackward(input: s["relu_a"]!, outputGradient: dra)
        let dr0 = a.backward(input: s["relu_in"]!, outputGradient: dza)
        return Activation.reluBackward(input: pass.input, outputGradient: dr0)
    }
}
