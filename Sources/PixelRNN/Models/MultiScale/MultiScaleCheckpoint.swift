import Foundation

/// Multi-scale checkpoints (Models/MultiScale/README.md, "Checkpoint names"): one safetensors
/// file, `small.…`, `upsample.…`, `cond.…`, and the metadata `model = multiscale`, `layers`,
/// `hidden`, `colors`, `levels`, `base`, `factor`, `small_layers`, `small_hidden`. Saving is
/// `Checkpoint.save` (its metadata adds the multi-scale keys); loading is here.
extension Checkpoint {
    /// The metadata keys a multi-scale checkpoint needs.
    public static let multiScaleKeys = modelKeys + MultiScaleSettings.metadataKeys

    /// Whether `metadata` describes a multi-scale model.
    public static func describesMultiScale(_ metadata: [String: String]) -> Bool {
        metadata["model"] == ModelKind.multiscale.rawValue
    }

    /// Reads a multi-scale checkpoint and builds a new model from its metadata and tensors,
    /// with the checks of `load(from:)`: the file must hold (nearly) every value the model it
    /// describes has before it is built, no tensor may be NaN or infinite, and the names and
    /// shapes must be exactly the model's.
    public static func loadMultiScale(from url: URL) throws -> LoadedMultiScaleCheckpoint {
        let file = try SafeTensors.read(contentsOf: url)
        let config = try multiScaleConfig(fromMetadata: file.metadata, file: url.path)
        let network = try build(file, url: url, config: config, describing: "the multi-scale model",
                                make: { try MultiScaleNetwork(config: $0, seed: $1) })
        do { try network.load(parameters: file.tensors) } catch let error as ModelError {
            throw CheckpointError(file: url.path, fault: .wrongTensors(error.description))
        }
        return LoadedMultiScaleCheckpoint(network: network, metadata: file.metadata, notes: file.notes)
    }

    /// Rebuilds a multi-scale configuration from metadata; every key must be present and valid.
    public static func multiScaleConfig(fromMetadata metadata: [String: String], file: String) throws -> ModelConfig {
        let missing = multiScaleKeys.filter { metadata[$0] == nil }
        guard missing.isEmpty else { throw CheckpointError(file: file, fault: .notACheckpoint(missing: missing)) }
        guard describesMultiScale(metadata) else { throw CheckpointError(file: file, fault: .unknownModel(metadata["model"]!)) }
        // The common keys, read as those of the conditional network (of kind `base`).
        var common = metadata
        common["model"] = metadata["base"]
        let cond = try config(fromMetadata: common, file: file)
        // The multi-scale model has none of the single-scale options: a file that says otherwise
        // is refused rather than loaded as the paper's model.
        if cond.bug != nil || !cond.residual || cond.skip {
            throw CheckpointError(file: file, fault: .cannotBuild(
                "a multi-scale model has no --bug, --residual off or --skip on, and its metadata sets one"))
        }
        func number(_ key: String) throws -> Int {
            let text = metadata[key]!
            guard !text.isEmpty, text.count <= 9, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(text) else {
                throw CheckpointError(file: file, fault: .badNumber(key: key, value: text))
            }
            return n
        }
        let settings = MultiScaleSettings(base: cond.kind, factor: try number("factor"),
                                          smallLayers: try number("small_layers"), smallHidden: try number("small_hidden"))
        return .multiScale(settings, layers: cond.layers, hidden: cond.hidden, colors: cond.colors, levels: cond.levels)
    }
}

extension MultiScaleNetwork {
    /// Replaces every parameter's value by the tensor of the same checkpoint name; all or
    /// nothing, as `PixelNetwork.load(parameters:)`.
    public func load(parameters: [String: Tensor]) throws {
        let s = settings
        try loadNamedParameters(namedParameters, from: parameters, describing:
            "multi-scale \(s.base.paperName) with factor \(s.factor), L=\(config.layers), h=\(config.hidden), small L=\(s.smallLayers), h=\(s.smallHidden)")
    }

    /// The number of parameters of a `config` model, found without building it (but for one
    /// block, as `MemoryEstimate.parameterCount`); throws for an impossible configuration.
    public static func parameterCount(config: ModelConfig) throws -> Int {
        guard let s = config.multiScale else { throw ModelError.invalidConfig("not a multi-scale configuration") }
        guard MultiScaleSettings.factors.contains(s.factor) else {
            throw ModelError.invalidConfig("factor must be \(MultiScaleSettings.factors.lowerBound)…\(MultiScaleSettings.factors.upperBound), got \(s.factor)")
        }
        guard s.base != .multiscale, ModelKinds.table.contains(where: { $0.kind == s.base }) else {
            throw ModelError.invalidConfig("the base of a multi-scale network must be one of \(ModelKinds.names), got \(s.base)")
        }
        let (c, colors, k) = (config.hidden, config.colors, s.factor)
        let parts = config.multiScaleParts!
        let small = try MemoryEstimate.parameterCount(config: parts.small)
        let cond = try MemoryEstimate.parameterCount(config: parts.conditional)
        let upsampler = (c * colors * 9 + c) + (c * c * 4 * k * k + c) + (c * c * 9 + c)
        guard config.layers > 0 else { return small + cond + upsampler }
        let channels = try s.base.conditioningChannelsPerHidden() * config.hidden
        return small + cond + upsampler + config.layers * (channels * c + channels)
    }
}

/// A multi-scale checkpoint read back: a new model, the file's metadata, and notes.
public struct LoadedMultiScaleCheckpoint {
    /// The rebuilt model holding the file's weights.
    public let network: MultiScaleNetwork
    /// The whole `__metadata__`.
    public let metadata: [String: String]
    /// Remarks for the user, e.g. tensors converted from F16.
    public let notes: [String]
}
