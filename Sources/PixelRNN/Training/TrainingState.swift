/// Where a training run is and what it has seen: everything besides the weights and
/// the optimizer's moments that a resumed run needs to continue exactly, plus the
/// curves `plot loss` draws.
///
/// Serialised as string metadata (`metadata()`, `init(metadata:)`) for the
/// `__metadata__` of a safetensors checkpoint, under keys `training.*`.
public struct TrainingState: Equatable {
    /// One point of the training curve: the mean loss (nats/image) of the batch of `step`.
    public struct LossPoint: Equatable, Sendable {
        public var step: Int
        public var loss: Double
        public init(step: Int, loss: Double) { self.step = step; self.loss = loss }
    }

    /// One point of the validation curve: mean NLL (nats/image) after `epoch` epochs.
    public struct ValidationPoint: Equatable, Sendable {
        public var epoch: Int
        public var nll: Double
        public init(epoch: Int, nll: Double) { self.epoch = epoch; self.nll = nll }
    }

    /// The run's choices (seed, optimizer, learning rate, batch, clip, epochs).
    public var hyperparameters: TrainingHyperparameters
    /// Completed epochs.
    public var epoch = 0
    /// Completed steps within the current epoch.
    public var epochStep = 0
    /// Completed steps in all.
    public var step = 0
    /// The loss of every step.
    public var lossHistory: [LossPoint] = []
    /// The validation NLL after each epoch (when validation images were given).
    public var validationHistory: [ValidationPoint] = []
    /// What the run trains on, e.g. "bundled train split, stochastic binarization (seed 0)".
    public var dataDescription = ""

    /// A fresh run.
    public init(hyperparameters: TrainingHyperparameters, dataDescription: String = "") {
        self.hyperparameters = hyperparameters
        self.dataDescription = dataDescription
    }
}

extension TrainingState {
    /// The state as `training.*` string entries (numbers written so they read back exactly).
    public func metadata() -> [String: String] {
        let h = hyperparameters
        return [
            "training.epoch": String(epoch),
            "training.epoch_step": String(epochStep),
            "training.step": String(step),
            "training.epochs": String(h.epochs),
            "training.batch": String(h.batchSize),
            "training.lr": String(h.learningRate),
            "training.optimizer": h.optimizer.rawValue,
            "training.clip": h.clip.map { String($0) } ?? "off",
            "training.seed": String(h.seed),
            "training.data": dataDescription,
            "training.loss_history": lossHistory.map { "\($0.step):\($0.loss)" }.joined(separator: ","),
            "training.valid_history": validationHistory.map { "\($0.epoch):\($0.nll)" }.joined(separator: ","),
        ]
    }

    /// Reads `metadata()` back; throws naming the first missing or unreadable entry.
    public init(metadata m: [String: String]) throws {
        let reader = MetadataReader(entries: m)
        let clip = try reader.string("training.clip")
        self.init(hyperparameters: TrainingHyperparameters(
            epochs: try reader.number("training.epochs"),
            batchSize: try reader.number("training.batch"),
            learningRate: try reader.number("training.lr"),
            optimizer: try reader.optimizer("training.optimizer"),
            clip: clip == "off" ? nil : try reader.number("training.clip"),
            seed: try reader.number("training.seed")))
        epoch = try reader.number("training.epoch")
        epochStep = try reader.number("training.epoch_step")
        step = try reader.number("training.step")
        dataDescription = m["training.data"] ?? ""
        lossHistory = try reader.pairs("training.loss_history").map { LossPoint(step: $0, loss: $1) }
        validationHistory = try reader.pairs("training.valid_history").map { ValidationPoint(epoch: $0, nll: $1) }
        do { try validate() } catch TrainingError.invalidHyperparameter(let why) {
            throw TrainingError.malformedState("training state: \(why)")
        }
    }
}

/// Reads typed values out of string metadata, with errors that name the key.
private struct MetadataReader {
    let entries: [String: String]

    func string(_ key: String) throws -> String {
        guard let v = entries[key] else { throw TrainingError.malformedState("training state: no '\(key)'") }
        return v
    }

    func number<T: LosslessStringConvertible>(_ key: String) throws -> T {
        let s = try string(key)
        guard let v = T(s) else {
            throw TrainingError.malformedState("training state: '\(key)' = '\(Self.excerpt(s))' is not a number\(T.self == Double.self ? "" : " (a whole number in range)")")
        }
        return v
    }

    func optimizer(_ key: String) throws -> OptimizerKind {
        let s = try string(key)
        guard let k = OptimizerKind(rawValue: s) else {
            throw TrainingError.malformedState("training state: unknown optimizer '\(Self.excerpt(s))'")
        }
        return k
    }

    /// "a:x,b:y" → [(a, x), (b, y)]; an absent key is an empty list.
    func pairs(_ key: String) throws -> [(Int, Double)] {
        guard let s = entries[key], !s.isEmpty else { return [] }
        return try s.split(separator: ",").map { item in
            let parts = item.split(separator: ":")
            guard parts.count == 2, let a = Int(parts[0]), let b = Double(parts[1]) else {
                throw TrainingError.malformedState("training state: '\(key)' has an unreadable entry '\(Self.excerpt(String(item)))'")
            }
            return (a, b)
        }
    }

    /// A value as quoted in a message: at most 40 characters.
    static func excerpt(_ s: String) -> String { s.count <= 40 ? s : s.prefix(40) + "…" }
}
