/// Trains a network (any `PixelModel`) by minibatch gradient descent on the mean NLL (nats/image).
///
/// One step: zeroGrad → loss and gradient → clip to the global norm → optimizer step.
///
/// Non-finite numbers: the loss and the gradient norm are checked *before* the update,
/// so a NaN/inf loss never reaches the weights. The update itself can still overflow
/// (a huge learning rate), so the parameter values and optimizer moments are kept
/// before each update (a copy of the parameters — tiny next to a forward pass) and
/// restored if any weight is non-finite after it. Either way the step throws
/// `TrainingError.nonFinite` and the model is as after the last completed step.
public final class Trainer {
    /// The model being trained (its parameters change in place).
    public let network: any PixelModel
    /// The optimizer, created from the hyper-parameters.
    public let optimizer: Optimizer
    /// Counters, history and hyper-parameters; `metadata()` of this goes into checkpoints.
    public private(set) var state: TrainingState

    /// A trainer for `network`; starts a fresh run, or continues `state` (with its
    /// optimizer moments passed to `loadOptimizerState`). Throws for bad hyper-parameters
    /// or a state that cannot be right (`TrainingState.validate`).
    public init(network: any PixelModel, state: TrainingState) throws {
        try state.validate()
        self.network = network
        self.state = state
        self.optimizer = makeOptimizer(state.hyperparameters.optimizer,
                                       learningRate: state.hyperparameters.learningRate)
    }

    /// A fresh run with these hyper-parameters.
    public convenience init(network: any PixelModel, hyperparameters: TrainingHyperparameters,
                            dataDescription: String = "") throws {
        try self.init(network: network, state: TrainingState(hyperparameters: hyperparameters,
                                                             dataDescription: dataDescription))
    }

    /// The hyper-parameters of this run.
    public var hyperparameters: TrainingHyperparameters { state.hyperparameters }

    /// Restores the optimizer's moments of a saved run (`optimizer.state()` of it).
    public func loadOptimizerState(_ saved: [String: Tensor]) throws {
        try optimizer.load(state: saved, matching: network.namedParameters)
        guard optimizer.stepCount == state.step else {
            throw TrainingError.malformedState("the optimizer state is at step \(optimizer.stepCount), the training state at step \(state.step)")
        }
    }

    /// One step on `batch` (B, C, H, W) of levels. Advances `state.step` and the loss
    /// history (not the epoch position: `run` does that). Throws `nonFinite` with the
    /// model unchanged.
    @discardableResult
    public func trainStep(_ batch: Tensor) throws -> StepResult {
        let parameters = network.namedParameters
        network.zeroGrad()
        let nll = network.lossAndGradient(batch)
        let loss = nll.reduce(0, +) / Double(nll.count)
        guard loss.isFinite else { throw nonFinite(.loss, isNaN: loss.isNaN) }
        let norm = state.hyperparameters.clip.map { GradientClipping.clip(parameters, maxNorm: $0) }
            ?? GradientClipping.globalNorm(parameters)
        guard norm.isFinite else { throw nonFinite(.gradientNorm, isNaN: norm.isNaN) }
        try updateKeepingLastGood(parameters)
        state.step += 1
        state.lossHistory.append(.init(step: state.step, loss: loss))
        return StepResult(loss: loss, gradientNorm: norm)
    }

    /// The optimizer step, undone if it leaves a non-finite weight.
    private func updateKeepingLastGood(_ parameters: [(String, Parameter)]) throws {
        let values = parameters.map { $0.1.value }
        let moments = optimizer.state()
        optimizer.step(parameters: parameters)
        guard let bad = parameters.first(where: { !$0.1.value.data.allSatisfy { $0.isFinite } }) else { return }
        for ((_, p), v) in zip(parameters, values) { p.value = v }
        try optimizer.load(state: moments)
        throw nonFinite(.updatedParameter(bad.0), isNaN: false)
    }

    /// The error for step `state.step + 1` (the gradients cleared).
    private func nonFinite(_ quantity: NonFiniteStep.Quantity, isNaN: Bool) -> TrainingError {
        network.zeroGrad()
        return .nonFinite(NonFiniteStep(step: state.step + 1, epoch: state.epoch + 1, quantity: quantity, isNaN: isNaN))
    }

    /// Records progress through the epoch (used by `run`).
    func advanceEpochPosition(completedEpoch: Bool) {
        if completedEpoch { state.epoch += 1; state.epochStep = 0 } else { state.epochStep += 1 }
    }

    /// Appends a validation point (used by `run`).
    func recordValidation(epoch: Int, nll: Double) {
        state.validationHistory.append(.init(epoch: epoch, nll: nll))
    }
}
