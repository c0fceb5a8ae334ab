/// The optimizers pixelrnn trains with.
public enum OptimizerKind: String, Sendable, CaseIterable {
    case adam, rmsprop

    /// The name as written in papers and in PyTorch.
    public var displayName: String { self == .adam ? "Adam" : "RMSProp" }
}

/// Updates parameters from their gradients (one `step` per minibatch).
///
/// An optimizer keeps per-parameter state (moments) keyed by the parameter's
/// checkpoint name, and exports it as named tensors so a resumed run continues
/// exactly: `optimizer.<moment>.<parameter name>` plus `optimizer.step`.
///
/// Masks: `step` multiplies each gradient by its parameter's mask before using it,
/// so the moments of masked-out entries stay exactly 0 and so does their update;
/// a masked weight that is 0 stays exactly 0.
public protocol Optimizer: AnyObject {
    /// Which rule this is.
    var kind: OptimizerKind { get }
    /// The step size (PyTorch's `lr`).
    var learningRate: Double { get set }
    /// The number of steps taken so far (PyTorch's `state['step']`).
    var stepCount: Int { get }
    /// Applies one update to every parameter from its accumulated `grad`.
    func step(parameters: [(String, Parameter)])
    /// The state as named tensors: the moments and `optimizer.step`.
    func state() -> [String: Tensor]
    /// Replaces the state by an exported one. Throws if names are unknown or missing.
    func load(state: [String: Tensor]) throws
}

/// Errors of optimizer state: one clear line each.
public enum OptimizerError: Error, CustomStringConvertible, Equatable {
    case malformedState(String)

    public var description: String {
        switch self {
        case .malformedState(let s): return "optimizer state: \(s)"
        }
    }
}

/// Makes an optimizer of the given kind with PyTorch's defaults and learning rate `lr`.
public func makeOptimizer(_ kind: OptimizerKind, learningRate lr: Double) -> Optimizer {
    switch kind {
    case .adam: return Adam(learningRate: lr)
    case .rmsprop: return RMSProp(learningRate: lr)
    }
}
