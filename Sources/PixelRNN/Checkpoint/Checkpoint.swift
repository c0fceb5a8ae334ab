import Foundation

/// Model checkpoints as `.safetensors` files (Sources/PixelRNN/Checkpoint/README.md).
///
/// **The model file** holds every parameter under its checkpoint name
/// (`input.weight`, `blocks.0.a.weight`, `head.1.bias`, …) as F32 in PyTorch's
/// layouts, i.e. exactly a PyTorch `state_dict`: `model.load_state_dict(
/// safetensors.torch.load_file(path))` works unchanged. Its `__metadata__` holds
/// `model` (pixelcnn | rowlstm | diagbilstm), `layers`, `hidden`, `colors` and
/// `levels` — enough to rebuild the network from the file alone, so a file written
/// by PyTorch with the same names and metadata loads too — plus whatever the
/// caller adds (training state such as `step`, `optimizer`, `dataset`, `seed`).
///
/// **Optimizer state** goes in a second file next to it,
/// `NAME.optim-<digest>.safetensors` (`optimizerStateURL(for:digest:)`), holding the
/// caller's tensors unchanged — for pixelrnn's optimizers, `Optimizer.state()`:
/// `optimizer.step` and `optimizer.<moment>.<parameter name>`. The model file stays
/// a clean state_dict and a model-only load never reads the moments. The model
/// file's metadata `optimizer_state_digest` (FNV-1a, 64 bit, of the whole optimizer
/// file) both names the optimizer file and checks it. How the two are replaced as
/// one, so that a kill at any moment leaves a resumable pair: `CheckpointSave.swift`.
///
/// **Atomic writes**: each file is written to a temporary file in the same folder,
/// `fsync`ed, then renamed over the target (`AtomicFile`), so a failure or a kill
/// during a save leaves the previous file intact and loadable.
public enum Checkpoint {
    /// The metadata keys that describe the model; all are required to load.
    public static let modelKeys = ["model", "layers", "hidden", "colors", "levels"]
    /// How many more parameters than its tensors hold a file may describe before it is
    /// refused unbuilt (16 Mi values: at most a few hundred MB built for nothing).
    static let unheldParameterAllowance = 1 << 24
    /// The metadata key tying a model file to its optimizer file.
    public static let optimizerDigestKey = "optimizer_state_digest"

    /// Reads a checkpoint and builds a new network from its metadata and tensors.
    /// Throws `SafeTensorsError` for a malformed file and `CheckpointError` for a
    /// well-formed file that is not a loadable pixelrnn model. Nothing else is
    /// touched: the caller's current model changes only if it adopts the result.
    public static func load(from url: URL) throws -> LoadedCheckpoint {
        let file = try SafeTensors.read(contentsOf: url)
        if describesMultiScale(file.metadata) {                  // two networks: MultiScaleCheckpoint.swift
            let loaded = try loadMultiScale(from: url)
            return LoadedCheckpoint(network: loaded.network, metadata: loaded.metadata, notes: loaded.notes)
        }
        let config = try self.config(fromMetadata: file.metadata, file: url.path)
        let network = try build(file, url: url, config: config, describing: "the \(config.kind.paperName)",
                                make: { try ModelKinds.makeNetwork(config: $0, seed: $1) })
        do {
            try network.load(parameters: file.tensors)
        } catch let error as ModelError {
            throw CheckpointError(file: url.path, fault: .wrongTensors(error.description))
        }
        return LoadedCheckpoint(network: network, metadata: file.metadata, notes: file.notes)
    }

    /// What every load does once the configuration is read from the file's metadata: the
    /// seed; a bound on what is allocated — the file must hold (nearly) every value of the
    /// model it describes (`describing`, e.g. "the PixelCNN"), so a 60-byte file cannot ask
    /// for GBs (a small shortfall is left to `load(parameters:)`, which names the tensor);
    /// the new model (`make`); and no NaN or infinite tensor. The caller loads the values.
    static func build<Network>(_ file: SafeTensorsFile, url: URL, config: ModelConfig, describing what: String,
                               make: (ModelConfig, UInt64) throws -> Network) throws -> Network {
        var seed: UInt64 = 0
        if let text = file.metadata["seed"] {
            guard let value = UInt64(text) else { throw CheckpointError(file: url.path, fault: .badNumber(key: "seed", value: text)) }
            seed = value
        }
        let needed: Int
        do { needed = try MemoryEstimate.parameterCount(config: config) } catch let error as ModelError {
            throw CheckpointError(file: url.path, fault: .cannotBuild(error.description))
        }
        let held = file.tensors.values.reduce(0) { $0 + $1.count }
        guard needed <= held + Self.unheldParameterAllowance else {
            throw CheckpointError(file: url.path, fault: .wrongTensors(
                "its tensors hold \(held) values, but \(what) it describes has \(needed) parameters"))
        }
        let network: Network
        do { network = try make(config, seed) } catch let error as ModelError {
            throw CheckpointError(file: url.path, fault: .cannotBuild(error.description))
        }
        try checkFinite(file.tensors, file: url.path)
        return network
    }

    /// Refuses tensors holding NaN or an infinity, naming the first such tensor (by name order).
    static func checkFinite(_ tensors: [String: Tensor], file: String) throws {
        for name in tensors.keys.sorted() {
            let data = tensors[name]!.data
            guard let first = data.firstIndex(where: { !$0.isFinite }) else { continue }
            let count = data[first...].reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
            throw CheckpointError(file: file, fault: .nonFinite(tensor: name, index: first, count: count))
        }
    }

    /// The metadata describing `config` (the model keys), as strings.
    public static func metadata(for config: ModelConfig) -> [String: String] {
        var out = ["model": config.kind.rawValue, "layers": String(config.layers), "hidden": String(config.hidden),
                   "colors": String(config.colors), "levels": String(config.levels)]
        if let bug = config.bug { out[bugKey] = bug.rawValue }
        if !config.residual { out[residualKey] = "off" }
        if config.skip { out[skipKey] = "on" }
        return out.merging(config.multiScale?.metadata ?? [:]) { first, _ in first }   // + base, factor, small_… (multiscale)
    }

    /// The optional metadata keys of the connections (`on`/`off`); a file without them has
    /// today's default: residual on, skip off.
    public static let residualKey = "residual", skipKey = "skip"

    /// The optional metadata key naming a known bug built into the model (`KnownBug`);
    /// a file without it is the paper's model.
    public static let bugKey = "bug"

    /// The model keys plus `extra`, which may not redefine them.
    static func metadata(for config: ModelConfig, adding extra: [String: String], file: String) throws -> [String: String] {
        var out = metadata(for: config)
        for (key, value) in extra {
            guard out[key] == nil, key != optimizerDigestKey, ![bugKey, residualKey, skipKey].contains(key) else {
                throw CheckpointError(file: file, fault: .reservedKey(key))
            }
            out[key] = value
        }
        return out
    }

    /// Rebuilds the configuration from metadata; every model key must be present and valid.
    public static func config(fromMetadata metadata: [String: String], file: String) throws -> ModelConfig {
        let missing = modelKeys.filter { metadata[$0] == nil }
        guard missing.isEmpty else { throw CheckpointError(file: file, fault: .notACheckpoint(missing: missing)) }
        guard let kind = ModelKind(rawValue: metadata["model"]!) else {
            throw CheckpointError(file: file, fault: .unknownModel(metadata["model"]!))
        }
        func number(_ key: String) throws -> Int {
            let text = metadata[key]!
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(text) else {
                throw CheckpointError(file: file, fault: .badNumber(key: key, value: text))
            }
            return n
        }
        var bug: KnownBug?
        if let name = metadata[bugKey] {
            guard let known = KnownBug(rawValue: name) else {
                let names = KnownBug.allCases.map(\.rawValue).joined(separator: ", ")
                throw CheckpointError(file: file, fault: .cannotBuild("metadata \"bug\" is \"\(name)\", expected one of \(names)"))
            }
            bug = known
        }
        func onOff(_ key: String, default def: Bool) throws -> Bool {
            guard let text = metadata[key] else { return def }
            guard text == "on" || text == "off" else {
                throw CheckpointError(file: file, fault: .cannotBuild("metadata \"\(key)\" is \"\(text)\", expected on or off"))
            }
            return text == "on"
        }
        return ModelConfig(kind: kind, layers: try number("layers"), hidden: try number("hidden"),
                           colors: try number("colors"), levels: try number("levels"), bug: bug,
                           residual: try onOff(residualKey, default: true), skip: try onOff(skipKey, default: false))
    }

    /// FNV-1a (64 bit) of `bytes`, as `fnv1a64:` and 16 hex digits.
    static func digest(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let hexDigits = String(h, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hexDigits.count) + hexDigits
    }
}

/// A checkpoint read back: a new network, the file's metadata, and notes.
public struct LoadedCheckpoint {
    /// The rebuilt network holding the file's weights.
    public let network: any PixelModel
    /// The whole `__metadata__` (model keys and training state).
    public let metadata: [String: String]
    /// Remarks for the user, e.g. tensors converted from F16.
    public let notes: [String]

    /// The configuration rebuilt from the metadata.
    public var config: ModelConfig { network.config }
    /// Whether an optimizer file belongs to this checkpoint (`Checkpoint.loadOptimizerState`).
    public var hasOptimizerState: Bool { metadata[Checkpoint.optimizerDigestKey] != nil }
}

/// Why a well-formed safetensors file is not a loadable checkpoint, or a save was refused.
public enum CheckpointFault: Equatable, Sendable, CustomStringConvertible {
    /// Some model keys are missing from `__metadata__`.
    case notACheckpoint(missing: [String])
    /// `model` names no known architecture.
    case unknownModel(String)
    /// A numeric model key is not a whole number.
    case badNumber(key: String, value: String)
    /// The metadata describes a model that cannot be built (the reason).
    case cannotBuild(String)
    /// The tensors do not fit the model the metadata describes (the reason).
    case wrongTensors(String)
    /// Saving: the caller's metadata tried to redefine a key pixelrnn writes.
    case reservedKey(String)
    /// The optimizer file recorded in the model file is not there.
    case optimizerStateMissing(String)
    /// The optimizer file there was written by another save.
    case optimizerStateStale(String)
    /// The metadata's optimizer digest is not of the form pixelrnn writes (`fnv1a64:` and 16 hex digits).
    case badDigest(String)
    /// A tensor holds NaN or an infinity (its name, the first bad element, and how many there are).
    case nonFinite(tensor: String, index: Int, count: Int)

    public var description: String {
        switch self {
        case .notACheckpoint(let missing):
            return "not a pixelrnn checkpoint: __metadata__ lacks \(missing.joined(separator: ", ")) (needed to rebuild the model)"
        case .unknownModel(let m): return "metadata \"model\" is \"\(m)\", expected \(ModelKinds.namesInWords())"
        case let .badNumber(key, value): return "metadata \"\(key)\" is \"\(value)\", expected a whole number"
        case .cannotBuild(let why): return "the model in its metadata cannot be built: \(why)"
        case .wrongTensors(let why): return "the tensors do not fit the model in its metadata: \(why)"
        case .reservedKey(let key): return "metadata key \"\(key)\" is written by pixelrnn itself and cannot be set"
        case .optimizerStateMissing(let path): return "its optimizer state \(path) is missing"
        case .optimizerStateStale(let path): return "\(path) belongs to another save (digest differs); not resuming from it"
        case .badDigest(let value):
            return "metadata \"\(Checkpoint.optimizerDigestKey)\" is \(QuotedText.quoted(value)), expected fnv1a64: and 16 hex digits"
        case let .nonFinite(tensor, index, count):
            return "tensor \(QuotedText.quoted(tensor)) holds \(count) non-finite value\(count == 1 ? "" : "s") (NaN or infinity; the first at element \(index)); refusing to load it"
        }
    }
}

/// A checkpoint that cannot be loaded or saved: the file and its fault, in one line.
public typealias CheckpointError = FileError<CheckpointFault>
