/// Errors of training and evaluation: one clear line each, saying what to change.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// A hyper-parameter that cannot work (zero batch, negative rate, …).
    case invalidHyperparameter(String)
    /// Images that cannot be trained on (none, wrong shape, values that are not levels).
    case invalidData(String)
    /// The loss, the gradient or the updated weights stopped being finite numbers.
    /// The weights are those after the last completed step.
    case nonFinite(String)
    /// Saved training state that cannot be read or does not fit.
    case malformedState(String)

    public var description: String {
        switch self {
        case .invalidHyperparameter(let s), .invalidData(let s), .nonFinite(let s), .malformedState(let s):
            return s
        }
    }
}
