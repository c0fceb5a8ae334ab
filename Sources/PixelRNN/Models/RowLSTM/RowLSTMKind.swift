extension ModelKind {
    /// The Row LSTM (paper §3.1).
    public static let rowlstm = ModelKind(entryName: "rowlstm")
}

extension ModelKindEntry {
    /// The Row LSTM's entry in `ModelKinds.table`.
    static let rowLSTM = ModelKindEntry(
        kind: .rowlstm, paperName: "Row LSTM",
        makeBlock: { hidden, colors, seed in RowLSTMBlock(hidden: hidden, colors: colors, seed: seed) },
        floatsPerPixelPerHidden: 16,                        // gates 4h before and after σ/tanh, c, tanh c, h, F(x)
        splitsBatchInHalves: true,
        samplesIncrementally: true,
        trace: .steps(unit: "row"),
        benchmarkTarget: .init(trainingImagesPerSecond: 300))
}
