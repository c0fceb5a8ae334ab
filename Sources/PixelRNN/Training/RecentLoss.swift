/// The training loss of the last steps, as `train` reports it at the end of a run and as its
/// too-good-to-be-true warning (`ImplausibleLoss`) reads it.
extension TrainingState {
    /// How many of the last steps `recentLoss` averages.
    public static let recentLossSteps = 50

    /// The mean loss (nats/image) of the last `recentLossSteps` steps (all of them in a
    /// shorter run) and how many steps that is; nil before the first step.
    public var recentLoss: (mean: Double, steps: Int)? {
        let last = lossHistory.suffix(TrainingState.recentLossSteps).map(\.loss)
        guard !last.isEmpty else { return nil }
        return (last.reduce(0, +) / Double(last.count), last.count)
    }
}
