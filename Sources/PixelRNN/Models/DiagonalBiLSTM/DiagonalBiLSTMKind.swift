extension ModelKind {
    /// The Diagonal BiLSTM (paper §3.2).
    public static let diagbilstm = ModelKind(entryName: "diagbilstm")
}

extension ModelKindEntry {
    /// The Diagonal BiLSTM's entry in `ModelKinds.table`.
    static let diagonalBiLSTM = ModelKindEntry(
        kind: .diagbilstm, paperName: "Diagonal BiLSTM",
        makeBlock: { hidden, colors, seed in DiagonalBiLSTMBlock(hidden: hidden, colors: colors, seed: seed) },
        floatsPerPixelPerHidden: 16,                        // per direction gates 4h, c, h (packed skewed), outputs, sum, F(x)
        splitsBatchInHalves: false,                         // its two directions already take the two cores
        samplesIncrementally: true,
        trace: .steps(unit: "diagonal"),
        benchmarkTarget: .init(trainingImagesPerSecond: 60))
}
