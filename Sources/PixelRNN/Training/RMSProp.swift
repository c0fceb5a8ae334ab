/// RMSProp (Tieleman & Hinton 2012) with PyTorch's defaults and update rule:
///
///     v ← α·v + (1−α)·g²
///     θ ← θ − lr · g / (√v + ε)
///
/// with α = 0.99, ε = 1e-8, no momentum, not centred, no weight decay (PyTorch's
/// defaults). g is the gradient times the parameter's mask.
public final class RMSProp: Optimizer {
    public let kind = OptimizerKind.rmsprop
    public var learningRate: Double
    /// α, the decay of the mean square (PyTorch: 0.99).
    public let alpha: Double
    /// ε (PyTorch: 1e-8).
    public let epsilon: Double
    public private(set) var stepCount = 0
    /// The running mean squares v, by parameter name.
    private var squareAvg: [String: Tensor] = [:]

    /// RMSProp with PyTorch's defaults: lr 1e-2, alpha 0.99, eps 1e-8.
    public init(learningRate: Double = 1e-2, alpha: Double = 0.99, epsilon: Double = 1e-8) {
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
    }

    public func step(parameters: [(String, Parameter)]) {
        stepCount += 1
        for (name, p) in parameters {
            var v = squareAvg.removeValue(forKey: name) ?? Tensor(zeros: p.value.shape)
            update(p, v: &v)
            squareAvg[name] = v
        }
    }

    /// One parameter's update, in place.
    private func update(_ p: Parameter, v: inout Tensor) {
        let (a, w, lr, eps) = (Float(alpha), Float(1 - alpha), Float(learningRate), Float(epsilon))
        let mask = p.mask?.data
        for i in 0..<p.value.count {
            let g = mask.map { p.grad.data[i] * $0[i] } ?? p.grad.data[i]
            v.data[i] = v.data[i] * a + w * g * g
            p.value.data[i] += -lr * g / (v.data[i].squareRoot() + eps)
        }
    }

    public func state() -> [String: Tensor] {
        var out = [OptimizerStateNames.step: OptimizerStateNames.stepTensor(stepCount)]
        for (name, v) in squareAvg { out[OptimizerStateNames.moment("square_avg", of: name)] = v }
        return out
    }

    public func load(state: [String: Tensor]) throws {
        let count = try OptimizerStateNames.readStep(state)
        let moments = try OptimizerStateNames.readMoments(state, moments: ["square_avg"], squares: ["square_avg"])
        stepCount = count
        squareAvg = moments["square_avg"]!
    }
}
