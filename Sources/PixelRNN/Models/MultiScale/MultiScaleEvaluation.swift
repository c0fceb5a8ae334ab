/// The two terms of a multi-scale model's NLL on a set of images, and their sum (what `eval`
/// shows for a multi-scale model): means in nats per image, and in bits per dimension over all
/// C·H·W dimensions of the full image (so that the two add up to the total).
public struct MultiScaleEvaluationResult: Equatable, Sendable {
    /// −log p_small(x_small), mean nats/image.
    public var smallNats: Double
    /// −Σ_{i ∉ small} log p_cond(x_i | x_<i, x_small), mean nats/image.
    public var conditionalNats: Double
    /// How many images.
    public var images: Int
    /// C·H·W.
    public var dimensions: Int
    /// C·s·s′, the dimensions of the small image.
    public var smallDimensions: Int

    /// −log p(x), mean nats/image.
    public var totalNats: Double { smallNats + conditionalNats }
    /// Nats → bits per dimension over the full image's C·H·W.
    public func bitsPerDimension(_ nats: Double) -> Double { Likelihood.bitsPerDimension(nats: nats, dimensions: dimensions) }

    /// The total, −log p(x), as the `EvaluationResult` every model's `eval` gives.
    public var total: EvaluationResult {
        EvaluationResult(natsPerImage: totalNats, bitsPerDimension: bitsPerDimension(totalNats), images: images, dimensions: dimensions)
    }
}

extension MultiScaleNetwork {
    /// The two terms over `images` (N, C, H, W), `batchSize` at a time; `shouldStop` as in
    /// `Evaluation.evaluate` (throws `Stopped`, in images).
    public func evaluateTerms(_ images: Tensor, batchSize: Int = 16, shouldStop: () -> Bool = { false }) throws -> MultiScaleEvaluationResult {
        guard batchSize >= 1 else { throw TrainingError.invalidHyperparameter("batch size must be at least 1, got \(batchSize)") }
        try ImageCheck.validate(images, colors: config.colors, levels: config.levels)
        let n = images.shape[0]
        var (small, cond) = (0.0, 0.0)
        for start in stride(from: 0, to: n, by: batchSize) {
            let batch = MinibatchSchedule.gather(images, Array(start..<min(start + batchSize, n)))
            let terms: MultiScaleTerms
            do { terms = try self.terms(batch, shouldStop: shouldStop) } catch is Stopped { throw Stopped(done: start, of: n, "images") }
            small += terms.small.reduce(0, +)
            cond += terms.conditional.reduce(0, +)
        }
        let k = settings.factor
        let smallDims = images.shape[1] * ((images.shape[2] + k - 1) / k) * ((images.shape[3] + k - 1) / k)
        return MultiScaleEvaluationResult(smallNats: small / Double(n), conditionalNats: cond / Double(n), images: n,
                                          dimensions: images.count / n, smallDimensions: smallDims)
    }
}
