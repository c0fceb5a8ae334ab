/// One of the L layers of a PixelRNN/PixelCNN (paper §3.5, Figure 5): it computes
/// a residual F(x) of the 2h-channel stream; the network adds it: x_{l+1} = x_l + F(x_l).
///
/// A block writes out both passes. `forward` returns everything `backward` needs in
/// a `BlockForward` (the block's typed record of its maps — by name also what `trace` and
/// `show` display);
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

/// The parameters of a layer's parts, each name prefixed with its part's:
/// `[("i_s", inputToState.namedParameters), …]` → `i_s.weight`, `i_s.bias`, ….
func prefixedParameters(_ parts: [(String, [(String, Parameter)])]) -> [(String, Parameter)] {
    parts.flatMap { part, parameters in parameters.map { ("\(part).\($0.0)", $0.1) } }
}

/// What one block's forward pass computed: its input, its residual F(x), and the
/// intermediate maps its backward needs, as the block's own typed record.
public struct BlockForward {
    /// x, (B, 2h, H, W).
    public var input: Tensor
    /// F(x), (B, 2h, H, W).
    public var residual: Tensor
    /// The block's own record of its intermediate maps (`PixelCNNActivations`,
    /// `RowLSTMMaps`, `DiagonalBiLSTMActivations`).
    public var activations: any BlockActivations

    public init(input: Tensor, residual: Tensor, activations: any BlockActivations) {
        self.input = input
        self.residual = residual
        self.activations = activations
    }

    /// The intermediate maps by name (e.g. `gates`, `cell`, `hidden`), for inspection and
    /// tests; backward reads the typed record instead.
    public var saved: [String: Tensor] { activations.named }

    /// The typed record, as the block that made it knows it.
    func activations<A: BlockActivations>(as type: A.Type) -> A {
        guard let a = activations as? A else {
            preconditionFailure("BlockForward: expected \(A.self), got \(Swift.type(of: activations)) — a pass of another block")
        }
        return a
    }
}

/// A block's record of the maps its forward pass computed.
public protocol BlockActivations {
    /// The maps by name, for inspection and tests.
    var named: [String: Tensor] { get }
}
