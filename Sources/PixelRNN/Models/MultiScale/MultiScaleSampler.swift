/// Sampling a multi-scale PixelRNN in its two stages (paper §3.6):
///
/// 1. the small images x_small from the small network, pixel by pixel in raster order
///    (`Sampler.sample`, incremental where the small network's kind has a stepper), seed
///    stream 1 of `seed`;
/// 2. the rest of each image from the conditional network given its small image: a completion
///    (`Sampler.complete`) that keeps the small pixels exactly and draws the others in raster
///    order, each from p_cond(x_i | x_<i, x_small), seed stream 2 — incremental too where the
///    base kind has a stepper (`ConditionalStageStepper`: the bias maps computed once from the
///    given small image), else the reference path (one forward pass per pixel).
///
/// `method` applies to both stages; the same seed gives the same images on either path.
public enum MultiScaleSampler {
    /// `count` samples of height×width: the small images (count, C, s, s′) and the full ones
    /// (count, C, H, W), whose small pixels are the small images'. Same seed, same images.
    public static func sample(network: MultiScaleNetwork, count: Int, height: Int, width: Int, seed: UInt64,
                              method: SamplingMethod = .automatic,
                              shouldStop: () -> Bool = { false }) throws -> (small: Tensor, full: Tensor) {
        let k = network.settings.factor
        guard height >= 1, width >= 1 else { throw SamplingError.invalidArgument("image size must be at least 1×1, got \(height)×\(width)") }
        let small = try Sampler.sample(network: network.small, count: count, height: (height + k - 1) / k, width: (width + k - 1) / k,
                                       seed: SeededGenerator.derivedSeed(seed, stream: 1), method: method, shouldStop: shouldStop)
        let full = try complete(network: network, small: small, height: height, width: width,
                                seed: SeededGenerator.derivedSeed(seed, stream: 2), method: method, shouldStop: shouldStop)
        return (small, full)
    }

    /// Completions of `images` (N, C, H, W) in the two stages: the entries where `keep` is 1
    /// are kept (`keep` as in `Sampler.complete`); stage 1 completes each small image (the given
    /// pixels among x[k·r, k·c] kept, the others drawn by the small network), stage 2 the full
    /// one given it (the given pixels and the whole small image kept). Returns the small
    /// completions (N·samplesPerImage, C, s, s′) and the full ones (N·samplesPerImage, C, H, W),
    /// image 0's first. Seed streams as `sample`'s: 1 for stage 1, 2 for stage 2.
    public static func complete(network: MultiScaleNetwork, images: Tensor, keep: Tensor, samplesPerImage: Int, seed: UInt64,
                                method: SamplingMethod = .automatic,
                                shouldStop: () -> Bool = { false }) throws -> (small: Tensor, full: Tensor) {
        let (start, mask) = try Sampler.completionStart(images, keep: keep, samplesPerImage: samplesPerImage, config: network.config)
        let small = try Sampler.complete(network: network.small, images: network.subsample(start), keep: network.subsample(mask),
                                         samplesPerImage: 1, seed: SeededGenerator.derivedSeed(seed, stream: 1), method: method,
                                         shouldStop: shouldStop)
        let (full, fullKeep) = stageTwoStart(network, images: start, keep: mask, small: small)
        let done = try Sampler.complete(network: ConditionalStage(network), images: full, keep: fullKeep, samplesPerImage: 1,
                                        seed: SeededGenerator.derivedSeed(seed, stream: 2), method: method, shouldStop: shouldStop)
        return (small, done)
    }

    /// Stage 2's start: `images` (N, C, H, W) with the small images (N, C, s, s′) in place, and
    /// `keep` (N, C, H, W) or nil (nothing else given) with 1 at every small pixel.
    static func stageTwoStart(_ network: MultiScaleNetwork, images: Tensor, keep: Tensor?, small: Tensor) -> (Tensor, Tensor) {
        var (full, fullKeep) = (images, keep ?? Tensor(zeros: images.shape))
        network.forEachSmallPixel(full: images.shape, small: small.shape) { f, s in (full.data[f], fullKeep.data[f]) = (small.data[s], 1) }
        return (full, fullKeep)
    }

    /// Stage 2 alone: full images (N, C, H, W) given small ones (N, C, s, s′), the small pixels
    /// kept exactly.
    public static func complete(network: MultiScaleNetwork, small: Tensor, height: Int, width: Int, seed: UInt64,
                                method: SamplingMethod = .automatic, shouldStop: () -> Bool = { false }) throws -> Tensor {
        let k = network.settings.factor
        guard small.rank == 4, small.shape[1] == network.config.colors,
              small.shape[2] == (height + k - 1) / k, small.shape[3] == (width + k - 1) / k else {
            throw SamplingError.invalidArgument("small images of \(small.shape) do not fit \(height)×\(width) images subsampled by \(k)")
        }
        let (images, keep) = stageTwoStart(network, images: Tensor(zeros: [small.shape[0], small.shape[1], height, width]),
                                           keep: nil, small: small)
        return try Sampler.complete(network: ConditionalStage(network), images: images, keep: keep, samplesPerImage: 1,
                                    seed: seed, method: method, shouldStop: shouldStop)
    }
}

extension Sampler {
    /// The draws (pixel colours, for the whole batch) sampling height×width images makes: H·W·C,
    /// and for a multi-scale model the small image's s·s′·C before them (progress lines' totals).
    public static func drawCount(_ network: any PixelModel, height: Int, width: Int) -> Int {
        let small = (network as? MultiScaleNetwork).map { m in
            let k = m.settings.factor
            return ((height + k - 1) / k) * ((width + k - 1) / k)
        } ?? 0
        return (height * width + small) * network.config.colors
    }

    /// Whether sampling takes the incremental path — for a multi-scale model, in both stages.
    public static func samplesIncrementallyInEveryStage(_ network: any PixelModel) -> Bool {
        guard let multiScale = network as? MultiScaleNetwork else { return hasIncrementalPath(network) }
        return hasIncrementalPath(multiScale.small) && hasIncrementalPath(multiScale.conditionalStage)
    }
}

extension MultiScaleNetwork {
    /// Stage 2 as a model of its own, for what asks a `PixelModel` how it samples (e.g. whether
    /// it has an incremental path): p_cond(x_i | x_<i, x_small), the small pixels given.
    public var conditionalStage: any PixelModel { ConditionalStage(self) }
}

/// The second stage as a model of its own: p_cond(x_i | x_<i, x_small), x_small read from the
/// image it is given (the completion keeps those pixels fixed). Its logits are the conditional
/// network's everywhere; its loss is the conditional term.
final class ConditionalStage: PixelModel {
    let model: MultiScaleNetwork
    init(_ model: MultiScaleNetwork) { self.model = model }

    var config: ModelConfig { model.config }
    var seed: UInt64 { model.seed }
    var namedParameters: [(String, Parameter)] { model.namedParameters }

    func logits(_ pixels: Tensor, shouldStop: () -> Bool) throws -> Tensor {
        try model.forward(pixels, shouldStop: shouldStop).conditional.network.logits
    }

    func onePassLogits(_ pixels: Tensor) -> Tensor { try! logits(pixels, shouldStop: { false }) }

    /// The conditional term's mean and its gradient (the conditional network, its bias maps
    /// and the upsampler).
    func lossAndGradient(_ pixels: Tensor) -> [Double] {
        let pass = try! model.forward(pixels, shouldStop: { false })
        let g = Likelihood.logitGradient(logits: model.combine(pass), pixels: pixels, levels: config.levels, meanOver: pixels.shape[0])
        let gCond = model.split(logitGradient: g, smallShape: pass.small.logits.shape).conditional
        let du = model.conditional.backward(pass.conditional, logitGradient: gCond, inputGradient: false).map
        model.upsampler.backward(pass.upsampler, outputGradient: du)
        return (try! model.terms(pixels)).conditional
    }

    /// True when the conditional network's blocks have incremental forms (`ConditionalStageStepper`).
    var samplesIncrementally: Bool { model.conditional.network.samplesIncrementally }
    func makeIncrementalStepper(batch: Int, height: Int, width: Int) throws -> ConditionalStepper {
        try ConditionalStageStepper(model: model, batch: batch, height: height, width: width)
    }
    var streamCount: Int { model.streamCount }
    func inputGradient(_ pixels: Tensor, stream: Int?, outputGradient: (_ shape: [Int]) -> Tensor,
                       shouldStop: () -> Bool) throws -> Tensor {
        try model.inputGradient(pixels, stream: stream ?? model.streamCount - 1, outputGradient: outputGradient, shouldStop: shouldStop)
    }
    var residualStack: (any ResidualStack)? { nil }
}
