import Foundation
import PixelRNN

/// Where the current weights came from, as checkpoints record it and `model show` says it.
///
/// `model save` writes, besides the model's own keys: the training run's state (`training.*`,
/// `TrainingState.metadata()`, when the session trained these weights), which epoch
/// `--keep best-valid` kept (`training.kept_epoch`, `training.kept_valid_nll`), and every
/// `eval` measured on exactly these weights (`eval.<split>.nll` in nats/image,
/// `eval.<split>.bits_per_dim`, `eval.<split>.images`, `eval.<split>.data`). `model load` reads them back, so a shipped
/// checkpoint (`pretrained:NAME`) says its data, epochs, seed and test NLL.
enum ModelProvenance {
    /// The keys this file writes and reads.
    static let keptEpochKey = "training.kept_epoch"
    static let keptNLLKey = "training.kept_valid_nll"
    static func evalKeys(_ split: SplitName) -> (nll: String, bits: String, images: String, data: String) {
        let e = "eval.\(split.rawValue)."
        return (e + "nll", e + "bits_per_dim", e + "images", e + "data")
    }

    /// The provenance keys of a checkpoint's metadata (training state and evaluations).
    static func keys(of metadata: [String: String]) -> [String: String] {
        metadata.filter { $0.key.hasPrefix("training.") || $0.key.hasPrefix("eval.") || $0.key == "source" }
    }

    /// Records an `eval` of the current weights.
    static func recordEvaluation(_ session: Session, split: SplitName, result: EvaluationResult, data: String) {
        let k = evalKeys(split)
        session.provenance[k.nll] = String(result.natsPerImage)
        session.provenance[k.bits] = String(result.bitsPerDimension)
        session.provenance[k.images] = String(result.images)
        session.provenance[k.data] = data
    }

    /// What `model save` adds to the checkpoint for the current weights.
    static func metadataToSave(_ session: Session, network: any PixelModel) -> [String: String] {
        var m = session.provenance
        if let run = session.trainer, run.network === network {
            for (k, v) in run.state.metadata() { m[k] = v }
            if let best = run.bestValidation {
                m[keptEpochKey] = String(best.epoch)
                m[keptNLLKey] = String(best.nll)
            }
        }
        return m
    }

    /// `model show`'s lines about where the weights came from (none for fresh weights).
    static func lines(_ p: [String: String]) -> [String] {
        var out: [String] = []
        if let source = p["source"] { out.append("source: \(source.excerpt)") }
        if let data = p["training.data"], let epochs = p["training.epoch"], let steps = p["training.step"] {
            var line = "trained: \(epochs) epoch\(epochs == "1" ? "" : "s") (\(steps) steps) on \(data.excerpt)"
            if let b = p["training.batch"], let lr = p["training.lr"], let opt = p["training.optimizer"], let seed = p["training.seed"] {
                line += ", batch \(b), \(opt) lr \(lr), minibatch seed \(seed)"
            }
            out.append(line)
        }
        if let epoch = p[keptEpochKey], let nll = p[keptNLLKey].flatMap(Double.init) {
            out.append(String(format: "kept: the weights after epoch %@, the best on the validation split (%.2f nats/image)", epoch, nll))
        }
        for split in [SplitName.test, .valid, .train] {
            let k = evalKeys(split)
            guard let nll = p[k.nll].flatMap(Double.init), nll.isFinite else { continue }
            let bits = p[k.bits].flatMap(Double.init).map { String(format: " = %.4f bits/dim", $0) } ?? ""
            let images = p[k.images].map { " on \($0.excerpt) images" } ?? ""
            let data = p[k.data].map { " of \($0.excerpt)" } ?? ""
            out.append(String(format: "%@ NLL: %.2f nats/image", split.rawValue, nll) + bits + images + data)
        }
        return out
    }
}
