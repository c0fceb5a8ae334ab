/// What the trainer reports after each step and at the end of each epoch
/// (the REPL turns it into a progress bar or periodic lines).
public struct TrainingProgress: Sendable {
    /// After a step, or at the end of an epoch (with its validation NLL, if any).
    public enum Event: Equatable, Sendable {
        case step
        case epochEnd(validationNLL: Double?)
    }

    public var event: Event
    /// Completed steps in all, and within the current epoch.
    public var step: Int
    public var epochStep: Int
    /// Steps per epoch.
    public var stepsPerEpoch: Int
    /// The current epoch (0-based) — after `epochEnd`, the number of completed epochs.
    public var epoch: Int
    /// The total epochs of the run.
    public var epochs: Int
    /// The last step's mean loss in nats/image, and its gradient norm before clipping.
    public var loss: Double
    public var gradientNorm: Float
    /// Training images per second since this run (or resume) started.
    public var imagesPerSecond: Double
    /// Estimated seconds until the last epoch ends, from the speed so far.
    public var etaSeconds: Double
}

/// How a call to `Trainer.run` ended (a non-finite loss is an error instead).
public enum TrainingOutcome: Equatable, Sendable {
    /// Every epoch is done.
    case finished
    /// `shouldStop` returned true: stopped at a step boundary, the model as after the last step.
    case stopped
    /// The `maxSteps` of this call were done.
    case reachedStepLimit
}

/// What one training step measured.
public struct StepResult: Equatable, Sendable {
    /// The batch's mean NLL in nats/image (before the update).
    public var loss: Double
    /// The global gradient norm before clipping.
    public var gradientNorm: Float
}
