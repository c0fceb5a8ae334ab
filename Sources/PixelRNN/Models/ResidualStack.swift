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
