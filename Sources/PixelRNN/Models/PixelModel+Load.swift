extension PixelModel {
    /// Replaces every parameter's value by the tensor of the same checkpoint name
    /// (`input.weight`, `blocks.0.a.bias`, …, as in `namedParameters`).
    ///
    /// All or nothing: every name must be present with exactly the parameter's
    /// shape and no unknown name may appear; everything is checked before any value
    /// changes, so on error the network is exactly as before. Masked entries are
    /// re-masked (a file may hold them non-zero, as a PyTorch model that applies its
    /// mask in `forward` does), and gradients are cleared.
    public func load(parameters: [String: Tensor]) throws {
        try loadNamedParameters(namedParameters, from: parameters, describing: describeShape())
    }

    /// E.g. "PixelCNN with L=2, h=4, 1 colour, 2 levels".
    private func describeShape() -> String {
        let c = config
        return "\(c.kind.paperName) with L=\(c.layers), h=\(c.hidden), \(c.colors) colour\(c.colors == 1 ? "" : "s"), \(c.levels) levels"
    }
}

/// `PixelNetwork.load(parameters:)` for any list of named parameters (also the multi-scale
/// model's): all or nothing, `describeShape` naming the model in the errors.
func loadNamedParameters(_ named: [(String, Parameter)], from parameters: [String: Tensor], describing describeShape: String) throws {
    let known = Set(named.map { $0.0 })
    let unknown = parameters.keys.filter { !known.contains($0) }.sorted()
    if !unknown.isEmpty {
        throw ModelError.shapeMismatch("unknown parameter\(unknown.count == 1 ? "" : "s") \(parameterList(unknown)) for a \(describeShape)")
    }
    let missing = named.map { $0.0 }.filter { parameters[$0] == nil }
    if !missing.isEmpty {
        throw ModelError.shapeMismatch("missing parameter\(missing.count == 1 ? "" : "s") \(parameterList(missing)) for a \(describeShape)")
    }
    for (name, p) in named where parameters[name]!.shape != p.value.shape {
        throw ModelError.shapeMismatch("parameter '\(name)' has shape \(parameters[name]!.shape), a \(describeShape) needs \(p.value.shape)")
    }
    for (name, p) in named {
        let t = parameters[name]!
        p.value = p.mask.map { t * $0 } ?? t
        p.zeroGrad()
    }
}

/// Up to three quoted names, then "and N more".
private func parameterList(_ names: [String]) -> String {
    let shown = names.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
    return names.count > 3 ? "\(shown) and \(names.count - 3) more" : shown
}
