/// Sampling and completion: draw images pixel by pixel from p(x_i | x_<i) (paper §2,
/// Figure 1), in raster order and R, G, B within a pixel.
public enum Sampler {
    /// `count` new images of height×width: (count, C, H, W) of levels. Same seed, same images.
    public static func sample(network: PixelNetwork, count: Int, height: Int, width: Int, seed: UInt64,
                              method: SamplingMethod = .automatic, shouldStop: () -> Bool = { false }) throws -> Tensor {
        try checkSize(count: count, height: height, width: width)
        let start = Tensor(zeros: [count, network.config.colors, height, width])
        let trace = try makeTrace(network: network, start: start, keep: nil, seed: seed, method: method)
        return try finish(trace, shouldStop: shouldStop)
    }

    /// Completions of `images` (N, C, H, W): the entries where `keep` is 1 are kept, the
    /// others drawn. `keep` has the images' shape, or (1, C, H, W) / (1, 1, H, W) for all.
    /// Returns (N·samplesPerImage, C, H, W): image 0's completions first, then image 1's…
    public static func complete(network: PixelNetwork, images: Tensor, keep: Tensor, samplesPerImage: Int,
                                seed: UInt64, method: SamplingMethod = .automatic,
                                shouldStop: () -> Bool = { false }) throws -> Tensor {
        let trace = try completionTrace(network: network, images: images, keep: keep, samplesPerImage: samplesPerImage,
                                        seed: seed, method: method)
        return try finish(trace, shouldStop: shouldStop)
    }

    /// A trace of the completions `complete` would make (for stepping through one).
    public static func completionTrace(network: PixelNetwork, images: Tensor, keep: Tensor, samplesPerImage: Int,
                                       seed: UInt64, method: SamplingMethod = .automatic) throws -> SampleTrace {
        let (start, mask) = try completionStart(images, keep: keep, samplesPerImage: samplesPerImage, config: network.config)
        return try makeTrace(network: network, start: start, keep: mask, seed: seed, method: method)
    }

    /// A trace of `count` new images (for `trace sample`).
    public static func trace(network: PixelNetwork, count: Int, height: Int, width: Int, seed: UInt64,
                             method: SamplingMethod = .automatic) throws -> SampleTrace {
        try checkSize(count: count, height: height, width: width)
        let start = Tensor(zeros: [count, network.config.colors, height, width])
        return try makeTrace(network: network, start: start, keep: nil, seed: seed, method: method)
    }

    /// The stepper `method` stands for, for `batch` images of height×width.
    public static func makeStepper(network: PixelNetwork, batch: Int, height: Int, width: Int,
                                   method: SamplingMethod) throws -> ConditionalStepper {
        switch method {
        case .reference: return ReferenceStepper(network: network)
        case .incremental: return try IncrementalStepper(network: network, batch: batch, height: height, width: width)
        case .automatic:
            return (try? IncrementalStepper(network: network, batch: batch, height: height, width: width))
                ?? ReferenceStepper(network: network)
        }
    }

    /// True if `method: .automatic` takes the incremental path for this network.
    public static func hasIncrementalPath(_ network: PixelNetwork) -> Bool {
        network.config.bug == nil && network.blocks.allSatisfy { ($0 as? IncrementalBlock)?.hasIncrementalForm == true }
    }

    private static func makeTrace(network: PixelNetwork, start: Tensor, keep: Tensor?, seed: UInt64,
                                  method: SamplingMethod) throws -> SampleTrace {
        let stepper = try makeStepper(network: network, batch: start.shape[0], height: start.shape[2],
                                      width: start.shape[3], method: method)
        return SampleTrace(stepper: stepper, start: start, keep: keep, levels: network.config.levels, seed: seed)
    }

    private static func finish(_ trace: SampleTrace, shouldStop: () -> Bool) throws -> Tensor {
        guard trace.run(shouldStop: shouldStop) else {
            throw SamplingError.interrupted(pixelsDone: trace.stepsDone, of: trace.totalSteps)
        }
        return trace.image
    }

    private static func checkSize(count: Int, height: Int, width: Int) throws {
        guard count >= 1 else { throw SamplingError.invalidArgument("the number of samples must be at least 1, got \(count)") }
        guard height >= 1, width >= 1 else { throw SamplingError.invalidArgument("the image size must be at least 1×1, got \(height)×\(width)") }
    }
}
