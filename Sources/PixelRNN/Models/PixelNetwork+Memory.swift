/// What a `PixelNetwork` keeps per image for backward, for `MemoryEstimate`, found from the
/// configuration alone (so that a model can be refused before it is built). Per pixel:
///
///     L · f · h        the blocks' maps (f = `ModelKindEntry.floatsPerPixelPerHidden`:
///                      about 16 for an LSTM block, 8 for a PixelCNN block)
///     (L + 1) · 2h     the residual stream, after the input layer and after each block
///     2 · (32 + K)     the head: head.0's output and its ReLU, the logits and their input's share
extension PixelNetwork {
    /// The floats a `config` network keeps per image of height×width.
    public static func activationFloatsPerImage(config: ModelConfig, height: Int, width: Int) -> Double {
        let perBlock = Double(config.kind.entry.floatsPerPixelPerHidden) * Double(config.hidden)
        let stream = Double(2 * config.hidden) * Double(config.layers + 1)
        let head = Double(ModelConfig.headWidth + config.outputChannels) * 2
        return (perBlock * Double(config.layers) + stream + head) * Double(height * width)
    }

    /// This network's `activationFloatsPerImage(config:height:width:)`.
    public func activationFloatsPerImage(height: Int, width: Int) -> Double {
        PixelNetwork.activationFloatsPerImage(config: config, height: height, width: width)
    }
}
