/// The multi-scale PixelRNN's sampling, one draw at a time (what `trace sample` steps through):
/// stage 1 draws the small image x_small = x[k·r, k·c] pixel by pixel from the small network,
/// stage 2 every other pixel from p_cond(x_i | x_<i, x_small), the small pixels given. Indices
/// and the image are of the full image: stage 1's pixel (r, c) of the small image is (k·r, k·c).
/// Stage 2 does not stop at the given pixels (they draw nothing), so every step draws.
///
/// Same seed, same image as `MultiScaleSampler.sample` with one image.
public final class MultiScaleSampleTrace: SteppedSampling {
    public let network: MultiScaleNetwork
    private let (height, width): (Int, Int)
    private let seed: UInt64
    private let small: SampleTrace
    /// Stage 2's stepper (conditioned on the small image at its first call).
    private let stageTwoStepper: ConditionalStepper
    private var rest: SampleTrace?
    public private(set) var stepsDone = 0
    public let totalSteps: Int

    /// A trace of `count` new height×width images.
    public init(network: MultiScaleNetwork, count: Int = 1, height: Int, width: Int, seed: UInt64,
                method: SamplingMethod = .automatic) throws {
        let k = network.settings.factor
        guard height >= 1, width >= 1 else { throw SamplingError.invalidArgument("image size must be at least 1×1, got \(height)×\(width)") }
        self.network = network
        (self.height, self.width, self.seed) = (height, width, seed)
        small = try Sampler.trace(network: network.small, count: count, height: (height + k - 1) / k, width: (width + k - 1) / k,
                                  seed: SeededGenerator.derivedSeed(seed, stream: 1), method: method)
        stageTwoStepper = try Sampler.makeStepper(network: ConditionalStage(network), batch: count, height: height, width: width, method: method)
        totalSteps = height * width * network.config.colors
    }

    /// 1 while the small image is drawn, 2 after.
    public var stage: Int { rest == nil ? 1 : 2 }

    /// True for the pixels of the small image (given in stage 2).
    public func isSmallPixel(_ index: PixelIndex) -> Bool { network.isSmallPixel(row: index.row, col: index.column) }

    public var image: Tensor {
        if let rest { return rest.image }
        let shape = [small.image.shape[0], network.config.colors, height, width]
        return MultiScaleSampler.stageTwoStart(network, images: Tensor(zeros: shape), keep: nil, small: small.image).0
    }

    public var next: PixelIndex? {
        guard let rest else { return small.next.map(full) }
        return rest.next
    }

    public var isFinished: Bool { rest?.isFinished ?? false }

    public func nextProbabilities() -> Tensor? { rest?.nextProbabilities() ?? small.nextProbabilities() }

    public func step() -> TraceStep? {
        if let rest {
            guard let drawn = rest.step() else { return nil }
            stepsDone += 1
            skipGiven()
            return drawn
        }
        guard var drawn = small.step() else { return nil }
        drawn.index = full(drawn.index)
        stepsDone += 1
        if small.isFinished { beginStageTwo() }
        return drawn
    }

    /// Stage 1's index in the full image.
    private func full(_ index: PixelIndex) -> PixelIndex {
        let k = network.settings.factor
        return PixelIndex(row: index.row * k, column: index.column * k, colour: index.colour)
    }

    private func beginStageTwo() {
        let shape = [small.image.shape[0], network.config.colors, height, width]
        let (start, keep) = MultiScaleSampler.stageTwoStart(network, images: Tensor(zeros: shape), keep: nil, small: small.image)
        rest = SampleTrace(stepper: stageTwoStepper, start: start, keep: keep, levels: network.config.levels,
                           seed: SeededGenerator.derivedSeed(seed, stream: 2))
        skipGiven()
    }

    /// Moves stage 2 past the given (small) pixels, so that `next` is a pixel to draw.
    private func skipGiven() {
        guard let rest else { return }
        while let n = rest.next, isSmallPixel(n) { rest.step() }
    }
}
