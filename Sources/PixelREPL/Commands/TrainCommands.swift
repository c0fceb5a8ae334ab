import Foundation
import PixelRNN

/// `train`: minibatch training of the current model on the loaded training split.
let trainCommands: [Command] = [
    Command(
        name: "train",
        summary: "train the current model on the training split (Ctrl-C stops and keeps the model)",
        usage: "train [--epochs N] [--batch B] [--lr R] [--optimizer adam|rmsprop] [--clip C|off] [--seed S] [--steps N] [--keep last|best-valid] [--checkpoint FILE [--every N]] | train --resume FILE",
        examples: ["train --epochs 1", "train --epochs 10 --checkpoint out/pixelcnn.safetensors",
                   "train --steps 20 --batch 8", "train --epochs 20 --keep best-valid", "train --resume out/pixelcnn.safetensors"],
        options: [
            OptionSpec("epochs", help: "epochs to train (more, when continuing a run); default 10"),
            OptionSpec("batch", help: "images per step (default 16)"),
            OptionSpec("lr", help: "learning rate (default 0.001)"),
            OptionSpec("optimizer", values: ["adam", "rmsprop"], help: "adam (default) or rmsprop"),
            OptionSpec("clip", help: "clip the gradient to this global norm, or 'off' (default 1)"),
            OptionSpec("seed", help: "seed of the minibatch order (default 0)"),
            OptionSpec("steps", help: "stop after this many steps (a quick look)"),
            OptionSpec("keep", values: KeptWeights.allCases.map(\.rawValue),
                       help: "which weights the model ends with: last (default) or best-valid (its best epoch on the validation split)"),
            OptionSpec("checkpoint", values: ["<file>"], help: "save model + optimizer state here, atomically"),
            OptionSpec("every", help: "with --checkpoint: save every N steps (default 100) and at the end"),
            OptionSpec("resume", values: ["<file>"], help: "continue the run saved in this checkpoint exactly"),
        ],
        details: """
        Each step: the mean NLL (nats/image) of a minibatch, its gradient by back-propagation, \
        clipping to a global norm, an Adam (or RMSProp) update. The loss is the NLL in nats per \
        image; bits/dim = nats / (C·H·W · ln 2) (784 for MNIST, 768 for the 16×16 emoji). The data's \
        colours and levels must be the model's. Typing 'train' again continues the same run (same \
        optimizer moments); changing --batch, --lr, --optimizer, --clip or --seed starts a new run \
        from the current weights. Ctrl-C stops at the end of the current step. With --keep \
        best-valid the model ends holding the weights of the epoch with the lowest validation \
        NLL so far in the run (early stopping by the validation split), however the run ends; \
        the optimizer moments stay those of the last step.
        """,
        run: runTrain),
]

private func runTrain(_ session: Session, _ args: ParsedArguments) throws {
    // Everything is read and checked before the session changes: a failed 'train'
    // (a bad option, an unreadable checkpoint) leaves the model and the run as they were.
    let checkpoint = try args.value("checkpoint").map { try userFileURL($0, what: "--checkpoint: cannot save") }
    if let checkpoint {
        // The optimizer file beside it has the longer name (its digest: 16 hex digits).
        let optimizerFile = Checkpoint.optimizerStateURL(for: checkpoint, digest: "fnv1a64:" + String(repeating: "0", count: 16))
        try WritableDestination.check(checkpoint, what: "--checkpoint: cannot save", siblings: optimizerFile.map { [$0.lastPathComponent] } ?? [])
    } else if args.value("every") != nil {
        throw CommandError("--every says how often to save with --checkpoint FILE; there is no --checkpoint")
    }
    let every = try args.int("every", default: 100, in: 1...1_000_000)
    let keep = args.value("keep").flatMap(KeptWeights.init(rawValue:)) ?? .last   // values checked by the parser
    let maxSteps = try args.value("steps").map { _ in try args.int("steps", default: 1, in: 1...10_000_000) }
    let resumed = try args.value("resume").map { try loadRun(from: $0) }
    let network = try resumed?.network ?? session.requireModel()
    let data = try session.requireData(for: network)
    let trainer = try prepareTrainer(network, data, args, previous: resumed?.trainer ?? session.trainer)
    let images = try trainingImages(data, network: network)
    let validation = try splitLevels(data, .valid, network: network)
    try wrap { try trainer.state.validate(trainingImages: images.count) }
    if let resumed {
        session.model = network
        let s = resumed.trainer.state
        session.say("resumed \(describe(network.config)) from \(resumed.url.path) at step \(s.step) (epoch \(s.epoch + 1) of \(s.hyperparameters.epochs))")
    }
    session.trainer = trainer
    for note in trainer.hyperparameters.notes(trainingImages: images.count) { session.say(note) }
    session.say(header(trainer, data: data, images: images.count))
    var reporter = ProgressReporter(session: session, imageShape: validation.shape)   // the size of every split's images
    let outcome: TrainingOutcome
    let startStep = trainer.state.step
    defer { if trainer.state.step != startStep { session.modelChanged("the model was trained") } }
    do {
        outcome = try trainer.run(images, validation: validation, maxSteps: maxSteps, keep: keep, progress: { p in
            reporter.report(p)
            if let checkpoint, case .step = p.event, p.step % every == 0 { try? save(trainer, to: checkpoint) }
        }, shouldStop: Interruption.shouldStop)
    } catch {
        session.endProgress()
        if let checkpoint { try? save(trainer, to: checkpoint) }
        throw CommandError(oneLine(error) + remedy(for: error))
    }
    session.endProgress()
    try summarize(session, trainer, outcome: outcome, checkpoint: checkpoint, imageShape: validation.shape)
    if keep == .bestValidation { sayKept(session, trainer) }
    warnIfTooGood(session, trainer, data: data)
}

/// After `--keep best-valid`: which epoch's weights the model holds.
private func sayKept(_ session: Session, _ trainer: Trainer) {
    let s = trainer.state
    guard let best = trainer.bestValidation else {
        session.say("kept the last weights: no epoch has ended yet, so there is no validation NLL to choose by")
        return
    }
    let of = "the lowest of \(counted(s.validationHistory.count, "validation point"))"
    if best.epoch == s.epoch && s.epochStep == 0 {
        session.say(String(format: "kept the last weights: epoch %d has the lowest validation NLL, %.2f nats/image (%@)", best.epoch, best.nll, of))
    } else {
        session.say(String(format: "kept the weights after epoch %d: validation NLL %.2f nats/image, %@ — the model now holds them", best.epoch, best.nll, of))
    }
}

/// What to change when a step's numbers stopped being finite: the options that help.
private func remedy(for error: Error) -> String {
    guard case TrainingError.nonFinite = error else { return "" }
    return " — try a lower learning rate or --clip"
}

/// `warning: …` when the training loss of the last steps is below `ImplausibleLoss`'s floor:
/// the tell of a model that sees the pixel it predicts.
private func warnIfTooGood(_ session: Session, _ trainer: Trainer, data: LoadedDataSet) {
    let shape = data.test.images.shape
    let config = trainer.network.config
    guard let floor = ImplausibleLoss.floor(height: shape[2], width: shape[3], colors: config.colors, levels: config.levels) else { return }
    guard let mean = trainer.state.recentLoss?.mean, mean < floor else { return }
    let mnist = shape[1] == 1 && shape[2] == 28 && shape[3] == 28
    let reference = mnist ? "far under the best published NLL on binarized MNIST (79.20)" : "far under what a causal model reaches on such images"
    session.say(TerminalStyle.red(String(format: "warning: a training loss of %.2f nats/image is too good to be true: below %.0f, %@ "
        + "— the model probably sees the pixel it predicts; try 'check causality'", mean, floor, reference), in: session))
}

/// The run to continue (`previous`, when it trains `network` with the same choices),
/// or a new one from the current weights. Changes nothing in the session.
private func prepareTrainer(_ network: any PixelModel, _ data: LoadedDataSet, _ args: ParsedArguments,
                            previous: Trainer?) throws -> Trainer {
    let requested = try hyperparameters(args, base: previous?.hyperparameters)
    let estimate = MemoryEstimate.trainingBytes(model: network, batch: requested.effectiveBatchSize(trainingImages: data.train.count),
                                                height: data.train.images.shape[2], width: data.train.images.shape[3])
    let available = MachineMemory.available()
    guard estimate <= Double(available) else {
        throw CommandError("this model needs about \(MachineMemory.describe(Int(estimate))) to train with batch "
            + "\(requested.effectiveBatchSize(trainingImages: data.train.count)), more than the \(MachineMemory.describe(available)) "
            + "this machine has free — use a smaller --batch (or a smaller model)")
    }
    if let old = previous, old.network === network, sameRun(old.hyperparameters, requested) {
        var state = old.state
        if args.value("epochs") != nil || state.epoch >= state.hyperparameters.epochs {
            // N more epochs; finishing an interrupted epoch counts as the first.
            state.hyperparameters.epochs = state.epoch + (try args.int("epochs", default: 10, in: 1...100_000))
        }
        let trainer = try wrap { try Trainer(network: network, state: state) }
        trainer.continueKeeping(from: old)   // --keep best-valid chooses over the whole run
        // A run loaded from a checkpoint without its optimizer file goes on with fresh moments.
        if old.optimizer.stepCount == state.step { try wrap { try trainer.loadOptimizerState(old.optimizer.state()) } }
        return trainer
    }
    return try wrap { try Trainer(network: network, hyperparameters: requested,
                                  dataDescription: "\(data.name), \(dataLevels(data))") }
}

/// Hyper-parameters from the options, the previous run's where not given.
private func hyperparameters(_ args: ParsedArguments, base: TrainingHyperparameters?) throws -> TrainingHyperparameters {
    let b = base ?? TrainingHyperparameters()
    var h = b
    h.epochs = try args.int("epochs", default: 10, in: -1_000_000...100_000)
    h.batchSize = try args.int("batch", default: b.batchSize, in: -1_000_000...1_000_000)
    h.learningRate = try args.double("lr", default: b.learningRate)
    if let name = args.value("optimizer") {
        guard let kind = OptimizerKind(rawValue: name) else { throw CommandError("--optimizer must be adam or rmsprop, got '\(name)'") }
        h.optimizer = kind
    }
    if let clip = args.value("clip") {
        if clip == "off" { h.clip = nil } else {
            guard let c = Float(clip) else { throw CommandError("--clip expects a number or 'off', got '\(clip)'") }
            h.clip = c
        }
    }
    if args.value("seed") != nil { h.seed = UInt64(try args.int("seed", default: 0, in: 0...Int(Int32.max))) }
    try wrap { try h.validate() }
    return h
}

/// Same run: everything but the number of epochs agrees.
private func sameRun(_ a: TrainingHyperparameters, _ b: TrainingHyperparameters) -> Bool {
    a.batchSize == b.batchSize && a.learningRate == b.learningRate && a.optimizer == b.optimizer
        && a.clip == b.clip && a.seed == b.seed
}

/// The training split as the model reads it: its levels (binarized afresh each epoch when asked).
func trainingImages(_ data: LoadedDataSet, network: any PixelModel) throws -> TrainingImages {
    try checkData(data, matches: network.config)
    if data.levels == 2, case .freshEachEpoch = data.binarization {
        return TrainingImages(count: data.train.count) { epoch in data.levels(.train, epoch: epoch) }
    }
    return TrainingImages(data.levels(.train))
}

/// A whole split as the model reads it: (N, C, H, W) of levels, once the data and model agree.
func splitLevels(_ data: LoadedDataSet, _ split: SplitName, network: any PixelModel) throws -> Tensor {
    try checkData(data, matches: network.config)
    return data.levels(split)
}

/// The levels in words for outputs: the binarization for binary data (as always), else `K levels (…)`.
func dataLevels(_ data: LoadedDataSet) -> String {
    data.levels == 2 ? "\(data.binarization)" : data.levelsDescription
}

private func header(_ trainer: Trainer, data: LoadedDataSet, images: Int) -> String {
    let h = trainer.hyperparameters, s = trainer.state
    let clip = h.clip.map { "clip \($0)" } ?? "no clipping"
    let from = s.step == 0 ? "from scratch" : "continuing at step \(s.step) (epoch \(s.epoch + 1))"
    let shape = data.rows == 28 && data.columns == 28 && data.colors == 1 ? "" : "\(DataCommands.shapeSummary(data)), "
    return "training \(describe(trainer.network.config)) \(from): \(counted(images, "image")) (\(shape)\(dataLevels(data))), "
        + "epochs to \(h.epochs), batch \(h.batchSize), \(h.optimizer.displayName) lr \(h.learningRate), \(clip), seed \(h.seed)"
}

private func summarize(_ session: Session, _ trainer: Trainer, outcome: TrainingOutcome, checkpoint: URL?,
                       imageShape: [Int]) throws {
    let s = trainer.state
    if let checkpoint {
        do { try save(trainer, to: checkpoint) } catch {
            throw CommandError("trained, but cannot save \(checkpoint.path): \(Shell.describe(error)) — the model is kept in the session")
        }
        session.say("saved \(checkpoint.path) (and its optimizer state) at step \(s.step)")
    }
    let where_ = "step \(s.step), epoch \(s.epoch) of \(s.hyperparameters.epochs) done" + (s.epochStep > 0 ? " (+\(counted(s.epochStep, "step")))" : "")
    switch outcome {
    case .stopped:
        session.say("stopped by Ctrl-C at \(where_); the model keeps the weights after step \(s.step) — type 'train' to go on")
    case .reachedStepLimit:
        session.say("stopped after the requested steps at \(where_) — type 'train' to go on")
    case .finished:
        session.say("finished: \(where_)")
    }
    if let recent = s.recentLoss, recent.mean.isFinite {
        session.say(String(format: "training loss (mean of the last %d steps): %.2f nats/image = %.4f bits/dim",
                           recent.steps, recent.mean, Likelihood.bitsPerDimension(nats: recent.mean, imageShape: imageShape)))
    }
}

/// Saves the model, its training state and optimizer moments (atomically).
/// Folders made on the way are removed again if the save fails.
private func save(_ trainer: Trainer, to url: URL) throws {
    var metadata = trainer.state.metadata()
    metadata["seed"] = String(trainer.network.seed)
    try NewFolders.creating(for: url) {
        try Checkpoint.save(trainer.network, to: url, metadata: metadata, optimizerState: trainer.optimizer.state())
    }
}

/// `train --resume FILE`: the saved model, training state and optimizer moments,
/// read and checked apart from the session (which `runTrain` changes only on success).
private func loadRun(from file: String) throws -> (network: any PixelModel, trainer: Trainer, url: URL) {
    let url = try userFileURL(file, what: "--resume")
    let loaded = try wrap { try Checkpoint.load(from: url) }
    guard loaded.metadata.keys.contains(where: { $0.hasPrefix("training.") }) else {
        throw CommandError("\(url.path) has no training state (a model saved with 'model save'): it can be loaded with 'model load', not resumed")
    }
    let state = try wrap { try TrainingState(metadata: loaded.metadata) }
    guard let moments = try wrap({ try Checkpoint.loadOptimizerState(for: url) }) else {
        throw CommandError("\(url.path) has no optimizer state: it can be loaded with 'model load', not resumed")
    }
    let trainer = try wrap { try Trainer(network: loaded.network, state: state) }
    try wrap { try trainer.loadOptimizerState(moments) }
    return (loaded.network, trainer, url)
}

/// Runs `body`, turning a library error into one line.
@discardableResult
func wrap<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as CommandError { throw e } catch { throw CommandError(oneLine(error)) }
}

/// A library error as one line: its own description (no type name in front).
func oneLine(_ error: Error) -> String {
    if let e = error as? CommandError { return e.message }
    if let e = error as? LocalizedError, let text = e.errorDescription { return Shell.describe(CommandError(text)) }
    return Shell.describe(CommandError(String(describing: error)))
}

/// Prints progress: a live bar on a terminal, a plain line now and then otherwise.
private struct ProgressReporter {
    let session: Session
    /// The shape of the images, for bits/dim.
    let imageShape: [Int]
    private var lastPlain = -1
    private var epochLosses: [Double] = []

    init(session: Session, imageShape: [Int]) { (self.session, self.imageShape) = (session, imageShape) }

    mutating func report(_ p: TrainingProgress) {
        switch p.event {
        case .step:
            epochLosses.append(p.loss)
            let line = progressLine(p)
            if session.isTerminal {
                session.progress(line)
            } else {
                let tenth = max(1, p.stepsPerEpoch / 5)
                if p.epochStep % tenth == 0 && p.step != lastPlain { session.say(line); lastPlain = p.step }
            }
        case .epochEnd(let nll):
            session.endProgress()
            let mean = epochLosses.isEmpty ? Double.nan : epochLosses.reduce(0, +) / Double(epochLosses.count)
            epochLosses = []
            var text = String(format: "epoch %d/%d done: train loss %.2f nats/image", p.epoch, p.epochs, mean)
            if let nll {
                text += String(format: ", valid NLL %.2f nats/image = %.4f bits/dim", nll,
                               Likelihood.bitsPerDimension(nats: nll, imageShape: imageShape))
            }
            session.say(text)
        }
    }

    private func progressLine(_ p: TrainingProgress) -> String {
        let width = 20
        let done = p.stepsPerEpoch > 0 ? min(width, width * p.epochStep / p.stepsPerEpoch) : 0
        let bar = String(repeating: "#", count: done) + String(repeating: "-", count: width - done)
        let eta = p.etaSeconds.isFinite ? formatDuration(p.etaSeconds) : "?"
        return String(format: "epoch %d/%d [%@] step %d/%d  loss %.2f nats  %.0f img/s  ETA %@",
                      p.epoch + 1, p.epochs, bar, p.epochStep, p.stepsPerEpoch, p.loss, p.imagesPerSecond, eta)
    }
}

/// "1h02m", "3m20s", "12s".
func formatDuration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
    if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return "\(s)s"
}
