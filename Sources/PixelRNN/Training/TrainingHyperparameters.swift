/// The choices of a training run (`train --epochs --batch --lr --optimizer --clip --seed`).
///
/// Defaults are the issue's recipe: 10 epochs, batch 16, Adam 1e-3, clip 1.
public struct TrainingHyperparameters: Equatable, Sendable {
    /// The total number of passes over the training images (a resumed run stops there too).
    public var epochs: Int
    /// Images per step. Larger than the data set is allowed: each step then uses every image.
    public var batchSize: Int
    /// The optimizer's step size.
    public var learningRate: Double
    /// Adam or RMSProp, with PyTorch's other defaults.
    public var optimizer: OptimizerKind
    /// Clip the gradient to this global norm before each update; nil: no clipping.
    public var clip: Float?
    /// Fixes the minibatch order of every epoch.
    public var seed: UInt64

    public init(epochs: Int = 10, batchSize: Int = 16, learningRate: Double = 1e-3,
                optimizer: OptimizerKind = .adam, clip: Float? = 1, seed: UInt64 = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.clip = clip
        self.seed = seed
    }

    /// Throws a clear error for a value that cannot work.
    public func validate() throws {
        guard epochs >= 1 else { throw TrainingError.invalidHyperparameter("epochs must be at least 1, got \(epochs)") }
        guard batchSize >= 1 else { throw TrainingError.invalidHyperparameter("batch size must be at least 1, got \(batchSize)") }
        guard learningRate.isFinite, learningRate > 0 else {
            throw TrainingError.invalidHyperparameter("learning rate must be a positive number, got \(learningRate)")
        }
        if let clip, !(clip.isFinite && clip > 0) {
            throw TrainingError.invalidHyperparameter("clip must be a positive number (or off), got \(clip)")
        }
    }

    /// The images one step really uses: the batch size, at most the data set.
    public func effectiveBatchSize(trainingImages n: Int) -> Int { max(1, min(batchSize, n)) }

    /// Steps in one epoch: ⌈n / batch⌉ (the last batch of an epoch may be smaller).
    public func stepsPerEpoch(trainingImages n: Int) -> Int {
        let b = effectiveBatchSize(trainingImages: n)
        return (n + b - 1) / b
    }

    /// Things worth telling the learner before training (each a full sentence).
    public func notes(trainingImages n: Int) -> [String] {
        var out: [String] = []
        if batchSize > n {
            out.append("The batch size \(batchSize) is larger than the \(counted(n, "training image")): each step uses all \(counted(n, "image")), one step per epoch.")
        } else if n % batchSize != 0 {
            out.append("\(counted(n, "image")) in batches of \(batchSize): the last batch of each epoch has \(counted(n % batchSize, "image")).")
        }
        return out
    }
}
