/// What the generic parts need of a network: training (`Trainer`), evaluation
/// (`Evaluation`), checkpoints (`Checkpoint.save` and `load`), sampling (`Sampler`),
/// receptive fields (`ReceptiveField`), block traces, `benchmark` and the REPL's session.
///
/// `PixelNetwork` (input layer, L blocks of one kind, head) is one; a network made of two
/// networks (the multi-scale PixelRNN: a small image first, then the full image conditioned
/// on it) or one with a conditioning input is another: it says how it samples one pixel at a
/// time, how a gradient reaches its input and which stack of blocks a trace steps through,
/// and every generic part takes it without special cases. `ModelKindEntry.makeNetwork` builds
/// one for a configuration.
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
    /// along the way (never concurrently); throws `Stopped` when it says so. May split the
    /// batch over the cores (equal to `onePassLogits` up to the order of Float additions).
    func logits(_ pixels: Tensor, shouldStop: () -> Bool) throws -> Tensor
    /// The logits of one plain forward pass on this thread, the batch not split: what the
    /// reference sampler (`ReferenceStepper`), `factorize` and the sampling trace read.
    func onePassLogits(_ pixels: Tensor) -> Tensor

    // MARK: sampling

    /// Whether `makeIncrementalStepper` succeeds: sampling then computes each position once
    /// (`SamplingMethod.automatic` takes it); when false, sampling takes the reference path
    /// (a full forward pass per pixel) and says so.
    var samplesIncrementally: Bool { get }
    /// The fast stepper for `batch` images of height×width; throws `SamplingError.noFastPath`
    /// (one line saying why) when the network has none.
    func makeIncrementalStepper(batch: Int, height: Int, width: Int) throws -> ConditionalStepper

    // MARK: receptive fields and traces

    /// The maps a receptive field can start from besides the logits: stream 0 (after the
    /// input layer) … `streamCount` − 1 (after the last block), for "growth" pictures.
    var streamCount: Int { get }
    /// ∂⟨g, m⟩/∂(encoded input) for `pixels` (B, C, H, W), where m is the logits (`stream`
    /// nil) or stream `stream`, and g = `outputGradient(m.shape)`. Accumulates every
    /// parameter's gradient (the caller zeroes them). Asks `shouldStop` before each block;
    /// throws `Stopped` (in blocks) when it says so.
    func inputGradient(_ pixels: Tensor, stream: Int?, outputGradient: (_ shape: [Int]) -> Tensor,
                       shouldStop: () -> Bool) throws -> Tensor
    /// The stack of residual blocks that block traces step through (for `PixelNetwork`,
    /// itself); nil for a network with none (`trace` then says so).
    var residualStack: (any ResidualStack)? { get }

    // MARK: memory

    /// About how many floats a training step keeps per image of height×width for backward
    /// (the maps its backward reads, each network and map of the model counted; their
    /// gradients are `MemoryEstimate`'s to add): what `MemoryEstimate.trainingBytes` charges.
    func activationFloatsPerImage(height: Int, width: Int) -> Double
}

extension PixelModel {
    /// The number of learnable values (masked-out weights included, as PyTorch counts them).
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.1.value.count } }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for (_, p) in namedParameters { p.zeroGrad() } }
}
