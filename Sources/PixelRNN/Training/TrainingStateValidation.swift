/// The one place where a training state — typically read from a checkpoint, so
/// untrusted — is checked before a trainer uses it: every field in range and finite,
/// the fields consistent with each other, and (when the data is known) the saved
/// position inside an epoch consistent with the training images.
///
/// `TrainingState(metadata:)`, `Trainer.init` and `Trainer.run` call it, so a state
/// that passes cannot crash the minibatch schedule, the progress report or a plot.
extension TrainingState {
    /// The largest number of epochs a run may have.
    public static let maxEpochs = 10_000_000
    /// The largest batch a run may have (as `train --batch` allows).
    public static let maxBatch = 1_000_000
    /// The largest number of steps a run may have: the optimizer stores its step
    /// counter as a Float, exact up to 2^24.
    public static let maxSteps = 16_777_216

    /// Throws naming the first field that cannot be right: `invalidHyperparameter` for
    /// the run's choices, `malformedState` for the rest.
    /// With `trainingImages`, also checks that the saved position fits that many images.
    public func validate(trainingImages: Int? = nil) throws {
        try hyperparameters.validate()
        let h = hyperparameters
        guard h.epochs <= Self.maxEpochs else { throw bad("epochs must be at most \(Self.maxEpochs), got \(h.epochs)") }
        guard h.batchSize <= Self.maxBatch else { throw bad("the batch must be at most \(Self.maxBatch), got \(h.batchSize)") }
        guard (0...h.epochs).contains(epoch) else {
            throw bad("the epoch \(epoch) is outside 0…\(h.epochs) (the run's epochs)")
        }
        guard (0...Self.maxSteps).contains(step) else { throw bad("the step \(step) is outside 0…\(Self.maxSteps)") }
        guard epochStep >= 0, epochStep <= step else {
            throw bad("the step within the epoch, \(epochStep), is outside 0…\(step) (the steps done)")
        }
        guard epoch < h.epochs || epochStep == 0 else {
            throw bad("the run has done all \(counted(h.epochs, "epoch")) but is \(counted(epochStep, "step")) into another")
        }
        // Every completed epoch took at least one step.
        guard step >= epoch + epochStep else {
            throw bad("\(counted(step, "step")) cannot complete \(counted(epoch, "epoch")) and \(counted(epochStep, "step")) of the next")
        }
        try checkCurve("loss history", lossHistory.map { ($0.step, $0.loss) }, upTo: step)
        try checkCurve("validation history", validationHistory.map { ($0.epoch, $0.nll) }, upTo: epoch)
        if let n = trainingImages { try validatePosition(trainingImages: n) }
    }

    /// The saved step within the epoch must exist for `n` images in this run's batches.
    private func validatePosition(trainingImages n: Int) throws {
        guard n >= 1 else { throw TrainingError.invalidData("no training images") }
        let b = hyperparameters.effectiveBatchSize(trainingImages: n)
        let steps = hyperparameters.stepsPerEpoch(trainingImages: n)
        guard epochStep <= steps else {
            throw bad("the saved run is at step \(epochStep) of an epoch, but \(counted(n, "image")) in batches of \(b) make\(n == 1 ? "s" : "") only \(counted(steps, "step"))")
        }
    }

    /// Points (x, y) of a curve: x strictly increasing in 1…`last`, y a finite NLL (≥ 0).
    private func checkCurve(_ name: String, _ points: [(Int, Double)], upTo last: Int) throws {
        guard points.count <= last else {
            throw bad("the \(name) has \(counted(points.count, "point")), more than the \(last) recorded")
        }
        var previous = 0
        for (x, y) in points {
            guard x > previous, x <= last else {
                throw bad("the \(name) has a point at \(x): points must increase, within 1…\(last)")
            }
            guard y.isFinite, y >= 0 else {
                throw bad("the \(name) has the value \(y) at \(x): an NLL is a finite number ≥ 0")
            }
            previous = x
        }
    }

    private func bad(_ why: String) -> TrainingError { .malformedState("training state: \(why)") }
}
