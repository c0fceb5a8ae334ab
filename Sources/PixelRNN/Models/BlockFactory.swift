/// Makes the residual block of a given architecture.
public enum BlockFactory {
    /// The block `index` of a `kind` network, seeded from the network seed.
    /// Throws for architectures not built yet.
    public static func makeBlock(kind: ModelKind, hidden: Int, colors: Int, seed: UInt64) throws -> ResidualBlock {
        switch kind {
        case .pixelcnn:
            return PixelCNNBlock(hidden: hidden, colors: colors, seed: seed)
        case .rowlstm:
            return RowLSTMBlock(hidden: hidden, colors: colors, seed: seed)
        case .diagbilstm:
            return DiagonalBiLSTMBlock(hidden: hidden, colors: colors, seed: seed)
        }
    }
}

/// Errors of model construction and loading: one clear line each.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    case notAvailable(String)
    case invalidConfig(String)
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case .notAvailable(let s), .invalidConfig(let s), .shapeMismatch(let s): return s
        }
    }
}
