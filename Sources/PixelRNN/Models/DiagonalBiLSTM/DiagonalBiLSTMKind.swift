extension ModelKindEntry {
    /// The Diagonal BiLSTM (paper §3.2) in `ModelKinds.table`. A block keeps about 16h floats
    /// per pixel (per direction the gates, c and h of the packed skewed map, its output; the
    /// sum; F(x)). Its two directions already take the two cores, so no halves; `trace` steps
    /// a diagonal.
    static let diagonalBiLSTM = ModelKindEntry(
        kind: .diagbilstm, paperName: "Diagonal BiLSTM", makeBlock: { DiagonalBiLSTMBlock(hidden: $0, colors: $1, seed: $2, switches: $3) },
        floatsPerPixelPerHidden: 16, splitsBatchInHalves: false, samplesIncrementally: true, skewedMapWeights: ["s_s.weight"],
        trace: .steps(unit: "diagonal"), benchmarkTarget: .init(trainingImagesPerSecond: 60))
}
