/// Errors of training and evaluation: one clear line each, saying what to change.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// A hyper-parameter that cannot work (zero batch, negative rate, …).
    case invalidHyperparameter(String)
    /// Images that cannot be trained on (none, wrong shape, values that are not levels).
    case invalidData(String)
    /// The loss, the gradient or the updated weights stopped being finite numbers.
    /// The weights are those after the last completed step.
    case nonFinite(NonFiniteStep)
    /// Saved training state that cannot be read or does not fit.
    case malformedState(String)

    public var description: String {
        switch self {
        case .invalidHyperparameter(let s), .invalidData(let s), .malformedState(let s):
            return s
        case .nonFinite(let step):
            return step.description
        }
    }
}

/// A training step stopped because a number stopped being finite, before any weight
/// changed for good: which step, and what was NaN or infinite. (What to change is the
/// caller's to say: the REPL names its options.)
public struct NonFiniteStep: Equatable, Sendable, CustomStringConvertible {
    /// What was not finite.
    public enum Quantity: Equatable, Sendable {
        /// The mean NLL of the batch.
        case loss
        /// The gradient's global norm.
        case gradientNorm
        /// A parameter after the optimizer's update (then undone), by checkpoint name.
        case updatedParameter(String)
    }

    /// The step that stopped (1-based); the weights are those after step − 1.
    public var step: Int
    /// Its epoch (1-based).
    public var epoch: Int
    /// What was not finite.
    public var quantity: Quantity
    /// NaN, or an infinity (for the loss and the norm).
    public var isNaN: Bool

    public init(step: Int, epoch: Int, quantity: Quantity, isNaN: Bool) {
        (self.step, self.epoch, self.quantity, self.isNaN) = (step, epoch, quantity, isNaN)
    }

    /// "step 2 (epoch 1): the loss is NaN; stopped, the weights are those after step 1".
    public var description: String {
        let value = isNaN ? "NaN" : "infinite"
        let what: String
        switch quantity {
        case .loss: what = "the loss is \(value)"
        case .gradientNorm: what = "the gradient norm is \(value)"
        case .updatedParameter(let name): what = "the update made \(name) non-finite"
        }
        return "step \(step) (epoch \(epoch)): \(what); stopped, the weights are those after step \(step - 1)"
    }
}
