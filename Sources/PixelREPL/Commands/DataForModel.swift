import PixelRNN

/// The loaded data as the current model reads it: colours and levels must agree
/// (the models take any image size, so sizes need not).
extension Session {
    /// The loaded data, checked against `network`: one clear line when its colours or
    /// levels are not the model's.
    func requireData(for network: any PixelModel) throws -> LoadedDataSet {
        let data = try requireData()
        try checkData(data, matches: network.config)
        return data
    }
}

/// Refuses data whose colours or levels differ from the model's, saying how to fix it.
func checkData(_ data: LoadedDataSet, matches config: ModelConfig) throws {
    func colours(_ n: Int) -> String { n == 3 ? "3 colours (R, G, B)" : "1 colour (grey)" }
    if data.colors != config.colors {
        throw CommandError("the model reads \(colours(config.colors)) but \(data.name) has \(colours(data.colors)): "
            + "make a model with 'model new … --colors \(data.colors)'"
            + (data.colors == 3 ? "" : ", or load colour data ('data load \(BundledColourData.name)')"))
    }
    if data.levels != config.levels {
        throw CommandError("the model has \(config.levels) levels but \(data.name) has \(data.levelsDescription): "
            + "load it with --levels \(config.levels), or make a model with 'model new … --levels \(data.levels)'")
    }
}

/// C·H·W, the dimensions of one image of `data` (784 for MNIST, 768 for the 16×16 emoji).
func dimensions(_ data: LoadedDataSet) -> Int { data.colors * data.rows * data.columns }

/// The images of a grey model come from grey data only (a colour model may read grey data
/// as R = G = B, `colourImageLevels`): one line otherwise, before any image is built.
func checkGreyModelReadsGreyData(_ data: LoadedDataSet, _ config: ModelConfig) throws {
    if config.colors == 1 && data.colors != 1 { try checkData(data, matches: config) }
}
