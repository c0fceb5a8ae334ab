/// A rough upper estimate of the memory one training step needs, so that impossible
/// requests ("more layers than fit in memory") are refused before they start.
///
/// The model says how many floats it keeps per image for backward
/// (`PixelModel.activationFloatsPerImage`: for one network its blocks' maps, stream and
/// head; for the multi-scale network both networks and the upsampler); the backward pass
/// holds about as much again in gradients. Each parameter is counted eight times (value,
/// gradient, two Adam moments, the gradient and value of the two-halves twin,
/// `PixelNetwork+Halves`, and for a convolution weight each network's kept Ŵ,
/// `Conv2d.usedWeightMatrix`; an upper count: biases and masked taps are not kept twice),
/// and `batch` + 1 times more where the images are taken in turn (`PixelNetwork+ImagesInTurn`).
public enum MemoryEstimate {
    /// Bytes of parameters, optimizer state, activations and their gradients for one
    /// step of `batch` images of height×width through `model`.
    public static func trainingBytes(model: any PixelModel, batch: Int, height: Int, width: Int) -> Double {
        let parameters = model.parameterCount
        let slots = (model as? PixelNetwork).map { PixelNetwork.imageSlotsFit(config: $0.config, parameters: parameters, batch: batch) }
        return trainingBytes(activationFloatsPerImage: model.activationFloatsPerImage(height: height, width: width),
                             parameters: parameters, batch: batch, imageSlots: slots ?? false)
    }

    /// The same for the model a `config` builds, before it is built, with `parameters`
    /// parameters (`parameterCount`).
    public static func trainingBytes(config: ModelConfig, parameters: Int, batch: Int, height: Int, width: Int) -> Double {
        trainingBytes(activationFloatsPerImage: activationFloatsPerImage(config: config, height: height, width: width),
                      parameters: parameters, batch: batch,
                      imageSlots: config.multiScale == nil && PixelNetwork.imageSlotsFit(config: config, parameters: parameters, batch: batch))
    }

    /// The model's `activationFloatsPerImage` from its `config`, without building it: the
    /// multi-scale network's, or its kind's `ModelKindEntry.countActivationFloats`.
    public static func activationFloatsPerImage(config: ModelConfig, height: Int, width: Int) -> Double {
        if config.multiScale != nil { return MultiScaleNetwork.activationFloatsPerImage(config: config, height: height, width: width) }
        return config.kind.entry.countActivationFloats(config, height, width)
    }

    /// Activations and their gradients (2 · 4 bytes a float) for `batch` images, eight
    /// copies of every parameter, and `batch` + 1 more for a network that takes the images
    /// in turn (its image slots and their sum, `PixelNetwork+ImagesInTurn`; counted
    /// whenever they fit, also where one core would take the one-thread path instead).
    private static func trainingBytes(activationFloatsPerImage floats: Double, parameters: Int, batch: Int,
                                      imageSlots: Bool) -> Double {
        2 * 4 * floats * Double(batch) + (8 + (imageSlots ? Double(batch + 1) : 0)) * 4 * Double(parameters)
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
