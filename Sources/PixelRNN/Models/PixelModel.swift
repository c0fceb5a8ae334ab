/// What the generic parts — training (`Trainer`), evaluation (`Evaluation`), saving
/// (`Checkpoint.save`) and `benchmark`'s speed figures — need of a network: its
/// configuration and seed, its parameters by checkpoint name, the gradient of the mean NLL
/// of a batch, and the logits of a batch.
///
/// `PixelNetwork` (input layer, L blocks of one kind, head) is one; a network made of two
/// networks (the multi-scale PixelRNN: a small image first, then the full image conditioned
/// on it) or one with a conditioning input is another, and fits the trainer, the evaluation
/// and checkpoints without special cases. (Sampling, receptive fields and traces still read
/// `PixelNetwork`'s layers.)
public protocol PixelModel: AnyObject {
    /// Everything needed to rebuild the network (checkpoints' metadata).
    var config: ModelConfig { get }
    /// The seed the weights were drawn from.
    var seed: UInt64 { get }
    /// Every parameter with its checkpoint name, in a fixed order.
    var namedParameters: [(String, Parameter)] { get }
    /// Mean NLL (nats/image) of a batch of levels (B, C, H, W), its gradient accumulated
    /// into every parameter; returns the per-image NLLs.
    @discardableResult
    func lossAndGradient(_ pixels: Tensor) -> [Double]
    /// The logits (B, K, H, W) of a batch of levels (B, C, H, W), asking `shouldStop`
    /// along the way (never concurrently); throws `Stopped` when it says so.
    func logits(_ pixels: Tensor, shouldStop: () -> Bool) throws -> Tensor
}

extension PixelModel {
    /// The number of learnable values (masked-out weights included, as PyTorch counts them).
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.1.value.count } }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for (_, p) in namedParameters { p.zeroGrad() } }
}
