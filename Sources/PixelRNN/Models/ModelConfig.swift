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

    public init(kind: ModelKind, layers: Int, hidden: Int, colors: Int = 1, levels: Int = 2) {
        self.kind = kind
        self.layers = layers
        self.hidden = hidden
        self.colors = colors
        self.levels = levels
    }

    /// The levels a network may have: 2 (binary) up to 256 (8-bit).
    public static let levelRange = 2...256

    /// The output channels: C logits (binary) or K·C (a K-way softmax per colour).
    public var outputChannels: Int { levels == 2 ? colors : levels * colors }

    /// Width of the output head's hidden layer (Models README, "The network": 32).
    public static let headWidth = 32
}
