extension ModelKind {
    /// The multi-scale PixelRNN (paper §3.6): a small image first, then the full image
    /// conditioned on it (`MultiScaleNetwork`). Not (yet) in `ModelKinds.table`, which lists
    /// kinds of residual blocks: its `entry` does not exist.
    public static let multiscale = ModelKind(entryName: "multiscale")
}

extension ModelKinds {
    /// Every model `model new` makes: each kind of the table, then `multiscale`, which is not a
    /// row of it (Models/MultiScale/README.md) — for usage strings, Tab completion, `benchmark --model`.
    public static var allModels: [ModelKind] { ModelKind.allCases + [.multiscale] }

    /// Their names joined by `|`: `pixelcnn|rowlstm|diagbilstm|multiscale`.
    public static var allModelNames: String { allModels.map(\.rawValue).joined(separator: "|") }
}

/// What a multi-scale PixelRNN has besides its conditional network's L and h
/// (Models/MultiScale/README.md): the kind of both networks, the subsampling factor, and the
/// small network's own L and h. Stored in checkpoints as `base`, `factor`, `small_layers`,
/// `small_hidden`.
public struct MultiScaleSettings: Equatable, Sendable {
    /// The kind of the small (unconditional) network and of the conditional one.
    public var base: ModelKind
    /// k: the small image is x[k·r, k·c].
    public var factor: Int
    /// L of the small network.
    public var smallLayers: Int
    /// h of the small network.
    public var smallHidden: Int

    /// The default factor (28×28 → 14×14).
    public static let defaultFactor = 2
    /// The factors a model may have.
    public static let factors = 2...8

    public init(base: ModelKind, factor: Int = MultiScaleSettings.defaultFactor, smallLayers: Int, smallHidden: Int) {
        self.base = base
        self.factor = factor
        self.smallLayers = smallLayers
        self.smallHidden = smallHidden
    }

    /// The checkpoint metadata keys besides the common ones.
    public static let metadataKeys = ["base", "factor", "small_layers", "small_hidden"]

    /// `base`, `factor`, `small_layers`, `small_hidden` as strings.
    public var metadata: [String: String] {
        ["base": base.rawValue, "factor": String(factor), "small_layers": String(smallLayers), "small_hidden": String(smallHidden)]
    }
}

extension ModelConfig {
    /// A multi-scale PixelRNN's configuration: its conditional network's L and h, and `settings`.
    public static func multiScale(_ settings: MultiScaleSettings, layers: Int, hidden: Int,
                                  colors: Int = 1, levels: Int = 2) -> ModelConfig {
        var config = ModelConfig(kind: .multiscale, layers: layers, hidden: hidden, colors: colors, levels: levels)
        config.multiScale = settings
        return config
    }
}

extension ModelConfig {
    /// For a multi-scale configuration, the configurations of its two networks (both of kind
    /// `base`, neither multi-scale): the small one's and the conditional one's.
    public var multiScaleParts: (settings: MultiScaleSettings, small: ModelConfig, conditional: ModelConfig)? {
        guard let s = multiScale else { return nil }
        return (s, ModelConfig(kind: s.base, layers: s.smallLayers, hidden: s.smallHidden, colors: colors, levels: levels),
                ModelConfig(kind: s.base, layers: layers, hidden: hidden, colors: colors, levels: levels))
    }
}
