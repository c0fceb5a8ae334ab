import Foundation

/// Adam (Kingma & Ba 2015) with PyTorch's defaults and update rule, step by step:
///
///     t ← t + 1
///     m ← m + (1−β1)·(g − m)              (= β1·m + (1−β1)·g, written as PyTorch's lerp)
///     v ← β2·v + (1−β2)·g²
///     θ ← θ − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
///
/// i.e. θ − lr·m̂/(√v̂ + ε) with bias-corrected m̂, v̂, and ε added to √v̂ (not inside).
/// g is the gradient times the parameter's mask. No weight decay, no AMSGrad.
public final class Adam: Optimizer {
    public let kind = OptimizerKind.adam
    public var learningRate: Double
    /// β1, β2: decay of the first and second moments (PyTorch: 0.9, 0.999).
    public let beta1: Double
    public let beta2: Double
    /// ε (PyTorch: 1e-8).
    public let epsilon: Double
    public private(set) var stepCount = 0
    /// First moments m, by parameter name.
    private var expAvg: [String: Tensor] = [:]
    /// Second moments v, by parameter name.
    private var expAvgSq: [String: Tensor] = [:]

    /// Adam with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8.
    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public func step(parameters: [(String, Parameter)]) {
        stepCount += 1
        let t = Double(stepCount)
        let stepSize = Float(learningRate / (1 - pow(beta1, t)))      // lr / (1 − β1^t)
        let correction2 = Float((1 - pow(beta2, t)).squareRoot())     // √(1 − β2^t)
        for (name, p) in parameters {
            var m = expAvg.removeValue(forKey: name) ?? Tensor(zeros: p.value.shape)
            var v = expAvgSq.removeValue(forKey: name) ?? Tensor(zeros: p.value.shape)
            update(p, m: &m, v: &v, stepSize: stepSize, correction2: correction2)
            expAvg[name] = m
            expAvgSq[name] = v
        }
    }

    /// One parameter's update, in place.
    private func update(_ p: Parameter, m: inout Tensor, v: inout Tensor, stepSize: Float, correction2: Float) {
        let (w1, b2, w2, eps) = (Float(1 - beta1), Float(beta2), Float(1 - beta2), Float(epsilon))
        let mask = p.mask?.data
        for i in 0..<p.value.count {
            let g = mask.map { p.grad.data[i] * $0[i] } ?? p.grad.data[i]
            m.data[i] = m.data[i] + w1 * (g - m.data[i])
            v.data[i] = v.data[i] * b2 + w2 * g * g
            let denom = v.data[i].squareRoot() / correction2 + eps
            p.value.data[i] += -stepSize * m.data[i] / denom
        }
    }

    public func state() -> [String: Tensor] {
        var out = [OptimizerStateNames.step: OptimizerStateNames.stepTensor(stepCount)]
        for (name, m) in expAvg { out[OptimizerStateNames.moment("exp_avg", of: name)] = m }
        for (name, v) in expAvgSq { out[OptimizerStateNames.moment("exp_avg_sq", of: name)] = v }
        return out
    }

    public func load(state: [String: Tensor]) throws {
        let count = try OptimizerStateNames.readStep(state)
        let moments = try OptimizerStateNames.readMoments(state, moments: ["exp_avg", "exp_avg_sq"], squares: ["exp_avg_sq"])
        stepCount = count
        expAvg = moments["exp_avg"]!
        expAvgSq = moments["exp_avg_sq"]!
    }
}
