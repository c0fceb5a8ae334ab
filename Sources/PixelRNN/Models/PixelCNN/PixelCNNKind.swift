extension ModelKindEntry {
    /// The PixelCNN (paper §3.4) in `ModelKinds.table`. A block keeps about 8h floats per pixel:
    /// ReLU(x) 2h, a, ReLU(a), b, ReLU(b) h each, F(x) 2h. Nothing to step through in a trace.
    static let pixelCNN = ModelKindEntry(
        kind: .pixelcnn, paperName: "PixelCNN", makeBlock: { _ = $3; return PixelCNNBlock(hidden: $0, colors: $1, seed: $2) },
        floatsPerPixelPerHidden: 8, splitsBatchInHalves: true, samplesIncrementally: true, skewedMapWeights: [],
        trace: .none(why: "a PixelCNN computes every pixel at once: nothing to step through — trace a rowlstm or diagbilstm model"),
        benchmarkTarget: .init(trainingImagesPerSecond: 1000, shareOfPeak: 0.40), imagesPerPass: 1)
}
