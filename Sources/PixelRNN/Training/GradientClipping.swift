/// Gradient clipping by global norm, as PyTorch's `clip_grad_norm_`:
///
///     n = √(Σ over every parameter and entry of g²)
///     if maxNorm / (n + 1e-6) < 1:  g ← g · maxNorm / (n + 1e-6)
public enum GradientClipping {
    /// The global L2 norm of all gradients (accumulated in Double).
    public static func globalNorm(_ parameters: [(String, Parameter)]) -> Float {
        var s = 0.0
        for (_, p) in parameters {
            for g in p.grad.data { s += Double(g) * Double(g) }
        }
        return Float(s.squareRoot())
    }

    /// Scales every gradient so the global norm is at most `maxNorm`; returns the
    /// norm before clipping. A non-finite norm is returned and nothing is scaled.
    @discardableResult
    public static func clip(_ parameters: [(String, Parameter)], maxNorm: Float) -> Float {
        let norm = globalNorm(parameters)
        guard norm.isFinite else { return norm }
        let coefficient = maxNorm / (norm + 1e-6)
        guard coefficient < 1 else { return norm }
        for (_, p) in parameters {
            for i in 0..<p.grad.count { p.grad.data[i] *= coefficient }
        }
        return norm
    }
}
