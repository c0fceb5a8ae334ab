/// Everything needed to rebuild a network: stored in checkpoints' `__metadata__`.
public struct ModelConfig: Equatable, Sendable {
    public var kind: ModelKind
    /// L, the number of residual blocks.
    public var layers: Int
    /// h; every residual stream has 2h channels.
    public var hidden: Int
    /// C: 1 (grey) or 3 (RGB).
    public var colors: Int
    /// K, the values a colour can take: 2 (binary, one sigmoid per colour) or any
    /// 3…256 (a K-way softmax per colour; 256 for 8-bit images).
    public var levels: Int
    /// The multi-scale PixelRNN's own settings (`kind == .multiscale`; nil for every other
    /// network). `layers` and `hidden` are then its conditional network's.
    public var multiScale: MultiScaleSettings? = nil
    /// A known bug built in (`model new … --bug NAME`), nil for the paper's model.
    public var bug: KnownBug?
    /// Residual connections (Models README, "Residual and skip connections"): x_{l+1} = x_l + F_l(x_l)
    /// when true (the default), x_{l+1} = F_l(x_l) when false.
    public var residual: Bool
    /// Skip connections: the head reads x_1 + … + x_L (every block's output) instead of x_L alone.
    public var skip: Bool

    public init(kind: ModelKind, layers: Int, hidden: Int, colors: Int = 1, levels: Int = 2, bug: KnownBug? = nil,
                residual: Bool = true, skip: Bool = false) {
        self.kind = kind
        self.layers = layers
        self.hidden = hidden
        self.colors = colors
        self.levels = levels
        self.bug = bug
        self.residual = residual
        self.skip = skip
    }

    /// The levels a network may have: 2 (binary) up to 256 (8-bit).
    public static let levelRange = 2...256

    /// The output channels: C logits (binary) or K·C (a K-way softmax per colour).
    public var outputChannels: Int { levels == 2 ? colors : levels * colors }

    /// Width of the output head's hidden layer (Models README, "The network": 32).
    public static let headWidth = 32
}
