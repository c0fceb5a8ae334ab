/// Which weights a training run leaves in the network when `Trainer.run` returns.
///
/// - `last`: the weights after the last step (the default).
/// - `bestValidation`: the weights at the end of the epoch whose validation NLL was the
///   lowest of the run so far — early stopping chosen by the validation split, the way
///   the paper picks its models. Needs a validation split; nothing is kept before the
///   first epoch ends, so a run stopped inside its first epoch keeps its last weights.
///   The optimizer's moments stay those of the last step: training on continues from the
///   kept weights with them.
public enum KeptWeights: String, Sendable, CaseIterable {
    case last
    case bestValidation = "best-valid"
}

/// The weights of the epoch with the lowest validation NLL seen so far in a run.
public struct BestValidationWeights {
    /// The number of epochs completed when they were taken (1 = after the first epoch).
    public let epoch: Int
    /// Their validation NLL, nats/image.
    public let nll: Double
    /// Every parameter's values, in `namedParameters` order (copy-on-write: the values
    /// are copied only when the next optimizer step changes them).
    let values: [Tensor]
}

extension Trainer {
    /// Takes over `previous`'s best-on-validation weights: this trainer continues the same
    /// run (`Trainer(network:state:)` on its state), so `--keep best-valid` chooses over every
    /// epoch of the run, not only those of this call.
    public func continueKeeping(from previous: Trainer) {
        bestValidation = previous.bestValidation
    }

    /// After an epoch's validation `nll`: keeps the current weights if they are the best so far.
    func considerForBestValidation(epoch: Int, nll: Double) {
        guard nll.isFinite, nll < (bestValidation?.nll ?? .infinity) else { return }
        bestValidation = BestValidationWeights(epoch: epoch, nll: nll, values: network.namedParameters.map { $0.1.value })
    }

    /// Puts the best-on-validation weights back into the network; false when there are
    /// none (no epoch finished), or they are the current ones already.
    @discardableResult
    func restoreBestValidation() -> Bool {
        guard let best = bestValidation, best.epoch != state.epoch || state.epochStep != 0 else { return false }
        for ((_, p), v) in zip(network.namedParameters, best.values) { p.value = v }
        return true
    }
}
