extension ModelKindEntry {
    /// The Diagonal BiLSTM (paper §3.2) in `ModelKinds.table`. A block keeps 21h floats per
    /// pixel — per direction the gates (4h), c, tanh(c) and h (h each) of the packed skewed map
    /// and x packed as it walked it (2h; its output, unskewed h, and bwd's shifted output are
    /// computed again when asked for, not kept); the sum
    /// (h); F(x) (2h) — and, beyond them, the zero rows
    /// that c and h are stored with (`DiagonalBiLSTMBlock.paddingFloatsPerImage`). Its two
    /// directions already take the two cores, so no halves; `trace` steps a diagonal.
    static let diagonalBiLSTM = ModelKindEntry(
        kind: .diagbilstm, paperName: "Diagonal BiLSTM", makeBlock: { DiagonalBiLSTMBlock(hidden: $0, colors: $1, seed: $2, switches: $3) },
        floatsPerPixelPerHidden: 21, splitsBatchInHalves: false, samplesIncrementally: true, skewedMapWeights: ["s_s.weight"],
        trace: .steps(unit: "diagonal"), benchmarkTarget: .init(trainingImagesPerSecond: 60),
        countActivationFloats: { config, height, width in
            PixelNetwork.activationFloatsPerImage(config: config, height: height, width: width)
                + Double(config.layers) * DiagonalBiLSTMBlock.paddingFloatsPerImage(hidden: config.hidden, height: height, width: width)
        })
}

extension DiagonalBiLSTMBlock {
    /// What a block's forward pass keeps per image of height×width beyond its 21h floats per
    /// pixel: c and h of each direction are stored with a zero row above and below each of the
    /// H + W − 1 skewed columns (`SkewedColumns`, pad 1) — 2 directions · 2 maps · h · 2 rows.
    static func paddingFloatsPerImage(hidden: Int, height: Int, width: Int) -> Double {
        8 * Double(hidden) * (Double(height) + Double(width) - 1)        // H + W − 1 columns, in Double: no overflow
    }
}
