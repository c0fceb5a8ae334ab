/// A residual block that takes a conditioning bias map added to its input-to-state map — how
/// every layer of the multi-scale PixelRNN's conditional network is biased by the upsampled
/// small image (paper §3.6; Models/MultiScale/README.md, "Conditioning"):
///
/// | block | where the bias is added | channels |
/// |---|---|---|
/// | PixelCNN | the block's input x, before its first ReLU: F(x + b) | 2h |
/// | Row LSTM | K^is ⊛ x, the gates' input-to-state part | 4h |
/// | Diagonal BiLSTM | fwd's i_s(x) (channels 0..<4h), bwd's i_s (4h..<8h, image frame) | 8h |
///
/// The residual stream still adds F to the block's own input: x_{l+1} = x_l + F(x_l; b_l).
/// Without a bias the block computes exactly what it computes unconditioned.
public protocol ConditionedBlock: ResidualBlock {
    /// The channels of the bias map (table above).
    var conditioningChannels: Int { get }
    /// F(x; b) for x (B, 2h, H, W) and b (B, `conditioningChannels`, H, W), or F(x) for nil.
    func forward(_ x: Tensor, conditioning bias: Tensor?) -> BlockForward
    /// ∂L/∂x through F and ∂L/∂b, given ∂L/∂F; accumulates parameter gradients.
    func backwardWithConditioning(_ pass: BlockForward, outputGradient: Tensor) -> (input: Tensor, conditioning: Tensor)
}

extension PixelCNNBlock: ConditionedBlock {
    public var conditioningChannels: Int { a.inChannels }

    public func forward(_ x: Tensor, conditioning bias: Tensor?) -> BlockForward {
        bias.map { forward(x + $0) } ?? forward(x)       // F(x + b): the pass's input is x + b
    }

    /// ∂(x + b)/∂x = ∂(x + b)/∂b = 1: both gradients are F's input gradient.
    public func backwardWithConditioning(_ pass: BlockForward, outputGradient: Tensor) -> (input: Tensor, conditioning: Tensor) {
        let d = backward(pass, outputGradient: outputGradient)
        return (d, d)
    }
}

/// A block whose conditioning bias is added to its input-to-state map (the LSTM blocks):
/// it takes the bias in `forward(_:inputToStateBias:)` and returns ∂L/∂(that map) from
/// `backwardWithGateGradient`, which is ∂L/∂b.
public protocol InputToStateBiasedBlock: ResidualBlock {
    /// F(x) with `bias`, if given, added to the input-to-state map.
    func forward(_ x: Tensor, inputToStateBias bias: Tensor?) -> BlockForward
    /// ∂L/∂x through F and ∂L/∂(the input-to-state map), given ∂L/∂F.
    func backwardWithGateGradient(_ pass: BlockForward, outputGradient: Tensor) -> (input: Tensor, gates: Tensor)
}

extension ConditionedBlock where Self: InputToStateBiasedBlock {
    public func forward(_ x: Tensor, conditioning bias: Tensor?) -> BlockForward { forward(x, inputToStateBias: bias) }

    public func backwardWithConditioning(_ pass: BlockForward, outputGradient: Tensor) -> (input: Tensor, conditioning: Tensor) {
        let d = backwardWithGateGradient(pass, outputGradient: outputGradient)
        return (d.input, d.gates)
    }
}

extension RowLSTMBlock: InputToStateBiasedBlock, ConditionedBlock {
    /// K^is ⊛ x's 4h channels.
    public var conditioningChannels: Int { 4 * hidden }
}

extension DiagonalBiLSTMBlock: InputToStateBiasedBlock, ConditionedBlock {
    /// fwd's i_s(x), then bwd's: 4h each.
    public var conditioningChannels: Int { 8 * hidden }
}

extension ModelKind {
    /// The channels of a block's conditioning bias map per unit of h (2, 4 or 8: the table
    /// above), asked of one block of h = 1; throws `ModelError` for a kind whose blocks take no
    /// bias (it cannot be a multi-scale network's base).
    func conditioningChannelsPerHidden() throws -> Int {
        guard let block = entry.makeBlock(1, 1, 0, .paper) as? ConditionedBlock else {
            throw ModelError.invalidConfig("a \(paperName) block takes no conditioning bias")
        }
        return block.conditioningChannels
    }
}
