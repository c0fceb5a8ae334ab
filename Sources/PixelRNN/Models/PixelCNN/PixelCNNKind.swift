extension ModelKind {
    /// The PixelCNN (paper §3.4).
    public static let pixelcnn = ModelKind(entryName: "pixelcnn")
}

extension ModelKindEntry {
    /// The PixelCNN's entry in `ModelKinds.table`.
    static let pixelCNN = ModelKindEntry(
        kind: .pixelcnn, paperName: "PixelCNN",
        makeBlock: { hidden, colors, seed in PixelCNNBlock(hidden: hidden, colors: colors, seed: seed) },
        floatsPerPixelPerHidden: 8,                         // ReLU(x) 2h, a, ReLU(a), b, ReLU(b) h each, F(x) 2h
        splitsBatchInHalves: true,
        samplesIncrementally: true,
        trace: .none(why: "a PixelCNN computes every pixel at once: nothing to step through — trace a rowlstm or diagbilstm model"),
        benchmarkTarget: .init(trainingImagesPerSecond: 1000, shareOfPeak: 0.40))
}
