/// The likelihood of a model on a set of images: what `eval` reports.
public struct EvaluationResult: Equatable, Sendable {
    /// Mean negative log-likelihood in nats per image.
    public var natsPerImage: Double
    /// The same in bits per dimension: nats / (C·H·W · ln 2).
    public var bitsPerDimension: Double
    /// How many images were evaluated.
    public var images: Int
    /// C·H·W, the dimensions per image.
    public var dimensions: Int
}

/// Evaluation: mean NLL over a tensor of images, in batches (forward passes only).
public enum Evaluation {
    /// Mean NLL of `images` (N, C, H, W) of levels under `network`, `batchSize` at a time.
    /// `shouldStop` is asked before every block of every minibatch; when it returns true
    /// the evaluation ends with `Stopped` (in images) and no result.
    public static func evaluate(network: any PixelModel, images: Tensor, batchSize: Int = 16,
                                shouldStop: () -> Bool = { false }) throws -> EvaluationResult {
        guard batchSize >= 1 else { throw TrainingError.invalidHyperparameter("batch size must be at least 1, got \(batchSize)") }
        try ImageCheck.validate(images, colors: network.config.colors, levels: network.config.levels)
        let n = images.shape[0]
        var total = 0.0
        for start in stride(from: 0, to: n, by: batchSize) {
            let batch = MinibatchSchedule.gather(images, Array(start..<min(start + batchSize, n)))
            let logits: Tensor
            do {
                logits = try network.logits(batch, shouldStop: shouldStop)   // both cores, as training
            } catch is Stopped {
                throw Stopped(done: start, of: n, "images")
            }
            total += Likelihood.negativeLogLikelihood(logits: logits, pixels: batch, levels: network.config.levels).reduce(0, +)
        }
        let dims = images.count / n
        let mean = total / Double(n)
        return EvaluationResult(natsPerImage: mean,
                                bitsPerDimension: Likelihood.bitsPerDimension(nats: mean, dimensions: dims),
                                images: n, dimensions: dims)
    }
}
