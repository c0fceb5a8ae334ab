extension ModelKindEntry {
    /// The Row LSTM (paper §3.1) in `ModelKinds.table`. A block keeps about 16h floats per
    /// pixel (the gates 4h before and after σ/tanh, c, tanh c, h, F(x)); `trace` steps a row.
    static let rowLSTM = ModelKindEntry(
        kind: .rowlstm, paperName: "Row LSTM", makeBlock: { RowLSTMBlock(hidden: $0, colors: $1, seed: $2, switches: $3) },
        floatsPerPixelPerHidden: 16, splitsBatchInHalves: true, samplesIncrementally: true, skewedMapWeights: [],
        trace: .steps(unit: "row"), benchmarkTarget: .init(trainingImagesPerSecond: 300), imagesPerPass: 1)
}
