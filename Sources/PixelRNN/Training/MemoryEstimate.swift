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
        let perBlock = Double(config.kind.entry.floatsPerPixelPerHidden) * Double(config.hidden)
        let stream = Double(2 * config.hidden) * Double(config.layers + 1)
        let head = Double(ModelConfig.headWidth + config.outputChannels) * 2
        let floatsPerPixel = perBlock * Double(config.layers) + stream + head
        return 2 * 4 * floatsPerPixel * Double(batch * height * width) + 6 * 4 * Double(parameters)
    }

    /// The number of parameters of a `config` network, found by building its input and
    /// head layers and one block, never the whole network (which may not fit in memory).
    public static func parameterCount(config: ModelConfig) throws -> Int {
        guard (0...PixelNetwork.maxLayers).contains(config.layers) else {
            throw ModelError.invalidConfig("layers must be 0…\(PixelNetwork.maxLayers), got \(config.layers)")
        }
        var bare = config
        bare.layers = 0
        let outer = try PixelNetwork(config: bare).parameterCount
        guard config.layers > 0 else { return outer }
        let block = config.kind.entry.makeBlock(config.hidden, config.colors, 0, .paper)   // after PixelNetwork checked the config
        return outer + config.layers * block.namedParameters.reduce(0) { $0 + $1.1.value.count }
    }

    /// Bytes to hold a `config` network and train it on `batch` images of height×width
    /// (`trainingBytes` with the parameters counted by `parameterCount`).
    public static func modelBytes(config: ModelConfig, batch: Int = TrainingHyperparameters().batchSize,
                                  height: Int = 28, width: Int = 28) throws -> Double {
        trainingBytes(config: config, parameters: try parameterCount(config: config), batch: batch, height: height, width: width)
    }
}
