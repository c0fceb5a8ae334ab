/// Naming and checking of exported optimizer state (`Optimizer.state()`).
///
/// Names: `optimizer.step` (shape [1], the step count as a Float — exact up to 2^24)
/// and `optimizer.<moment>.<parameter name>` with the parameter's shape, where
/// `<moment>` is PyTorch's state key (`exp_avg`, `exp_avg_sq`, `square_avg`).
public enum OptimizerStateNames {
    /// The name of the step counter.
    public static let step = "optimizer.step"

    /// The name of one moment of one parameter.
    public static func moment(_ moment: String, of parameter: String) -> String {
        "optimizer.\(moment).\(parameter)"
    }

    /// The parameter a moment entry belongs to: `optimizer.<moment>.<parameter>` → `<parameter>`.
    static func parameterName(of entry: String) -> String? {
        let parts = entry.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "optimizer" else { return nil }
        return String(parts[2])
    }

    /// The step counter as a tensor.
    static func stepTensor(_ count: Int) -> Tensor {
        Tensor(shape: [1], data: [Float(count)])
    }

    /// Reads the step counter; it must be a non-negative whole number.
    static func readStep(_ state: [String: Tensor]) throws -> Int {
        guard let t = state[step], t.count == 1 else {
            throw OptimizerError.malformedState("no '\(step)' (a single number)")
        }
        let v = t.data[0]
        guard v.isFinite, v >= 0, v == v.rounded(), v <= 16_777_216 else {
            throw OptimizerError.malformedState("'\(step)' must be a whole number ≥ 0, got \(v)")
        }
        return Int(v)
    }

    /// Splits the moment entries by moment: moment → (parameter name → tensor).
    /// Every name other than the step must be `optimizer.<one of moments>.<name>`;
    /// every value must be finite, and those of the `squares` moments (running
    /// averages of squared gradients) also ≥ 0 — the update takes their square root.
    static func readMoments(_ state: [String: Tensor], moments: [String], squares: Set<String>) throws -> [String: [String: Tensor]] {
        var out: [String: [String: Tensor]] = [:]
        for m in moments { out[m] = [:] }
        for (name, tensor) in state where name != step {
            guard let m = moments.first(where: { name.hasPrefix("optimizer.\($0).") }) else {
                throw OptimizerError.malformedState("unexpected entry '\(name)' (this optimizer keeps \(moments.joined(separator: ", ")))")
            }
            if let v = tensor.data.first(where: { !$0.isFinite || (squares.contains(m) && $0 < 0) }) {
                throw OptimizerError.malformedState("'\(name)' holds \(v)\(squares.contains(m) ? ": a mean of squares is a finite number ≥ 0" : ": moments are finite numbers")")
            }
            out[m]![String(name.dropFirst("optimizer.\(m).".count))] = tensor
        }
        let sets = moments.map { Set(out[$0]!.keys) }
        guard sets.allSatisfy({ $0 == sets[0] }) else {
            throw OptimizerError.malformedState("the moments \(moments.joined(separator: ", ")) name different parameters")
        }
        return out
    }
}

extension Optimizer {
    /// Loads `state` after checking it names exactly `parameters` with their shapes
    /// (or no parameter at all, a state before the first step).
    public func load(state: [String: Tensor], matching parameters: [(String, Parameter)]) throws {
        let shapes = Dictionary(parameters.map { ($0.0, $0.1.value.shape) }, uniquingKeysWith: { a, _ in a })
        var named = Set<String>()
        for (name, tensor) in state where name != OptimizerStateNames.step {
            let param = OptimizerStateNames.parameterName(of: name)
            guard let shape = param.flatMap({ shapes[$0] }) else {
                throw OptimizerError.malformedState("'\(name)' is not a moment of a parameter of this model")
            }
            guard tensor.shape == shape else {
                throw OptimizerError.malformedState("'\(name)' has shape \(tensor.shape), the parameter has \(shape)")
            }
            named.insert(param!)
        }
        if !named.isEmpty && named.count != shapes.count {
            let missing = shapes.keys.filter { !named.contains($0) }.sorted()
            throw OptimizerError.malformedState("no moments for \(missing.prefix(3).joined(separator: ", "))\(missing.count > 3 ? ", …" : "")")
        }
        try load(state: state)
    }
}
