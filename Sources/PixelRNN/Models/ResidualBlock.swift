/// One of the L layers of a PixelRNN/PixelCNN (paper §3.5, Figure 5): it computes
/// a residual F(x) of the 2h-channel stream; the network adds it: x_{l+1} = x_l + F(x_l).
///
/// A block writes out both passes. `forward` returns everything `backward` needs in
/// a `BlockForward` (named intermediate maps — also what `trace` and `show` display);
/// `backward` accumulates parameter gradients and returns ∂L/∂x through F only
/// (the network adds the identity path).
public protocol ResidualBlock: AnyObject {
    /// Parameters named relative to the block, e.g. `a.weight`, `fwd.s_s.bias`.
    var namedParameters: [(String, Parameter)] { get }
    /// F(x) for x of shape (B, 2h, H, W); the result has the same shape.
    func forward(_ x: Tensor) -> BlockForward
    /// ∂L/∂x through F, given ∂L/∂F(x); accumulates parameter gradients.
    func backward(_ pass: BlockForward, outputGradient: Tensor) -> Tensor
}

/// What one block's forward pass computed: its input, its residual F(x), and named
/// intermediate maps (e.g. `gates`, `cell`, `hidden`) kept for backward and inspection.
public struct BlockForward {
    /// x, (B, 2h, H, W).
    public var input: Tensor
    /// F(x), (B, 2h, H, W).
    public var residual: Tensor
    /// Intermediate maps by name.
    public var saved: [String: Tensor]

    public init(input: Tensor, residual: Tensor, saved: [String: Tensor] = [:]) {
        self.input = input
        self.residual = residual
        self.saved = saved
    }
}
