/// A stack of residual blocks on one stream, x_{l+1} = x_l + F_l(x_l) (Models README, "The
/// network"): what a block trace (`RowLSTMTrace`, `DiagonalTrace`) reads to step through
/// block l on the stream the network computes before it.
public protocol ResidualStack: AnyObject {
    /// The configuration of the network the stack belongs to.
    var config: ModelConfig { get }
    /// The L residual blocks.
    var blocks: [ResidualBlock] { get }
    /// The stream x_l entering block `layer` for a batch of levels `pixels` (B, C, H, W):
    /// everything before that block, and nothing after it.
    func stream(enteringBlock layer: Int, pixels: Tensor) -> Tensor
}

extension ResidualStack {
    /// Block `layer` as a `Block` and the stream entering it for `pixels` (B, C, H, W), what a
    /// block trace starts from; one line (`ModelError`) when there is no such block, it is
    /// not a `Block` (`what` names it: "Row LSTM"), or `pixels` are not images of the
    /// network's colours.
    public func tracedBlock<Block: ResidualBlock>(_ layer: Int, as type: Block.Type, what: String,
                                                  pixels: Tensor) throws -> (block: Block, input: Tensor) {
        guard layer >= 0 && layer < blocks.count else {
            throw ModelError.invalidConfig("layer must be 0…\(blocks.count - 1), got \(layer)")
        }
        guard let block = blocks[layer] as? Block else {
            throw ModelError.notAvailable("block \(layer) is not a \(what) layer")
        }
        guard pixels.rank == 4 && pixels.shape[1] == config.colors else {
            throw ModelError.shapeMismatch("expected images (B, \(config.colors), H, W), got \(pixels.shape)")
        }
        return (block, stream(enteringBlock: layer, pixels: pixels))   // only the layers before it
    }
}
