/// A rough upper estimate of the memory one training step needs, so that impossible
/// requests ("more layers than fit in memory") are refused before they start.
///
/// Per pixel of every image of the batch, a block keeps its input and the maps its
/// backward needs (`ModelKindEntry.floatsPerPixelPerHidden` · h: at most about 16h floats
/// for an LSTM block, 8h for a PixelCNN block); the
/// backward pass holds about as much again in gradients. Each parameter is held six
/// times (value, gradient, two Adam moments, and the gradient and value of the
/// two-halves twin, `PixelNetwork+Halves`).
public enum MemoryEstimate {
    /// Bytes of parameters, optimizer state, activations and their gradients for one
    /// step of `batch` images.
    public static func trainingBytes(config: ModelConfig, parameters: Int, batch: Int, height: Int, width: Int) -> Double {
        if let parts = config.multiScaleParts {        // two networks, each on its own image size (Models/MultiScale)
            let k = parts.settings.factor
            return trainingBytes(config: parts.small, parameters: 0, batch: batch, height: (height + k - 1) / k, width: (width + k - 1) / k)
                + trainingBytes(config: parts.conditional, parameters: parameters, batch: batch, height: height, width: width)
        }
        let perBlock = Double(config.kind.entry.floatsPerPixelPerHidden) * Double(config.hidden)
        let stream = Double(2 * config.hidden) * Double(config.layers + 1)
        let head = Double(ModelConfig.headWidth + config.outputChannels) * 2
        let floatsPerPixel = perBlock * Double(config.layers) + stream + head
        return 2 * 4 * floatsPerPixel * Double(batch * height * width) + 6 * 4 * Double(parameters)
    }

    /// The number of parameters of a `config` network, without building it (it may not fit
    /// in memory): its kind's `ModelKindEntry.countParameters`. Throws `ModelError` for an
    /// impossible configuration.
    public static func parameterCount(config: ModelConfig) throws -> Int {
        if config.multiScale != nil { return try MultiScaleNetwork.parameterCount(config: config) }
        return try config.kind.entry.countParameters(config)
    }

    /// Bytes to hold a `config` network and train it on `batch` images of height×width
    /// (`trainingBytes` with the parameters counted by `parameterCount`).
    public static func modelBytes(config: ModelConfig, batch: Int = TrainingHyperparameters().batchSize,
                                  height: Int = 28, width: Int = 28) throws -> Double {
        trainingBytes(config: config, parameters: try parameterCount(config: config), batch: batch, height: height, width: width)
    }
}
