import Foundation
import PixelRNN

/// `model save FILE` / `model load FILE`: safetensors checkpoints (Sources/PixelRNN/Checkpoint/README.md), readable
/// by Python's `safetensors` and PyTorch unchanged. A failed load leaves the current
/// model as it was: the new network is built apart and only replaces it on success.
enum ModelFiles {
    static func run(_ sub: String, _ session: Session, _ args: ParsedArguments) throws {
        guard args.positional.count == 2 else {
            throw CommandError("model \(sub) expects one file, e.g. 'model \(sub) out/model.safetensors'")
        }
        let name = args.positional[1]
        if name.hasPrefix(PretrainedModels.prefix) {
            guard sub == "load" else { throw CommandError("the pretrained models are read-only: save to a file, e.g. 'model save out/model.safetensors'") }
            let url: URL
            do { url = try PretrainedModels.url(for: name) } catch { throw CommandError("\(error)") }
            try load(session, from: url, shownAs: name)
            return
        }
        let url = try userFileURL(name, what: "model \(sub)")
        if sub == "save" { try save(session, to: url) } else { try load(session, from: url) }
    }

    private static func save(_ session: Session, to url: URL) throws {
        let network = try session.requireModel()
        guard url.pathExtension == "safetensors" else {
            throw CommandError("checkpoints are .safetensors files, e.g. 'model save out/model.safetensors'")
        }
        var metadata = ModelProvenance.metadataToSave(session, network: network)
        metadata["seed"] = String(network.seed)
        if let data = session.data { metadata["dataset"] = data.name; metadata["binarization"] = data.binarization.description }
        try WritableDestination.check(url, what: "cannot save")
        do {
            try NewFolders.creating(for: url) { try Checkpoint.save(network, to: url, metadata: metadata) }
        } catch {
            throw CommandError("cannot save \(url.path): \(Shell.describe(error))")
        }
        session.say("saved \(describe(network.config)) to \(url.path) (\(network.namedParameters.count) tensors, \(network.parameterCount) parameters)")
    }

    private static func load(_ session: Session, from url: URL, shownAs name: String? = nil) throws {
        let loaded: LoadedCheckpoint
        do {
            loaded = try Checkpoint.load(from: url)
        } catch {
            let kept = session.model.map { " (the current \($0.config.kind.paperName) is kept)" } ?? ""
            throw CommandError("cannot load \(Shell.describe(error))\(kept)")
        }
        session.model = loaded.network
        session.provenance = ModelProvenance.keys(of: loaded.metadata)
        session.provenance["source"] = name.map { "\($0) (\(url.path))" } ?? url.path
        session.trace = nil
        session.trainer = trainingRun(of: loaded, at: url)
        session.say("loaded \(describe(loaded.config)) from \(name.map { "\($0) (\(url.path))" } ?? url.path): \(loaded.network.parameterCount) parameters")
        // Where the weights came from (training run, kept epoch, evaluations) is for 'model show'.
        let provenance = ModelProvenance.keys(of: loaded.metadata)
        let configKeys = Set(Checkpoint.metadata(for: loaded.config).keys)   // incl. bug, residual, skip, multi-scale keys
        let shown = loaded.metadata.filter { !Checkpoint.modelKeys.contains($0.key) && !configKeys.contains($0.key) && $0.key != Checkpoint.optimizerDigestKey
            && !$0.key.hasSuffix("_history") && provenance[$0.key] == nil }
        if !shown.isEmpty {
            // Values come from the file: each is shown as an excerpt (a 5 MB value is not printed).
            session.say("metadata: " + shown.sorted { $0.key < $1.key }.prefix(40)
                .map { "\($0.key.excerpt)=\($0.value.excerpt)" }.joined(separator: ", ") + (shown.count > 40 ? ", …" : ""))
        }
        if let run = session.trainer {
            let s = run.state
            session.say("training run: step \(s.step), epoch \(s.epoch) of \(s.hyperparameters.epochs); \(s.lossHistory.count) losses and \(s.validationHistory.count) validation points kept — 'plot loss' draws them, 'train' goes on"
                        + (loaded.hasOptimizerState ? "" : " (with fresh optimizer moments: the file has none)"))
        }
        if !provenance.isEmpty { session.say("'model show' says where these weights came from (training, evaluations)") }
        for note in loaded.notes { session.say("note: \(note)") }
    }

    /// The training run a checkpoint carries (its state and optimizer moments), if any.
    private static func trainingRun(of loaded: LoadedCheckpoint, at url: URL) -> Trainer? {
        guard let state = try? TrainingState(metadata: loaded.metadata),
              let trainer = try? Trainer(network: loaded.network, state: state) else { return nil }
        if let moments = try? Checkpoint.loadOptimizerState(for: url) { try? trainer.loadOptimizerState(moments) }
        return trainer
    }
}
