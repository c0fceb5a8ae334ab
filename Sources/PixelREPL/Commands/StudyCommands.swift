import Foundation
import PixelRNN
import PixelRender

/// `study depth|residual`: train a small grid of models alike, print their NLLs as a table
/// and draw NLL against depth with every run's validation curve.
let studyCommands: [Command] = [
    Command(
        name: "study",
        summary: "train a grid of small models (depth, or residual × skip) and compare their NLLs",
        usage: "study depth --model KIND --layers L1,L2,… | study residual --model KIND --layers L  [--epochs N] [--steps N] [--hidden h] [--batch B] [--lr R] [--seed S]",
        examples: ["study depth --model rowlstm --layers 1,2,3,6 --epochs 2", "study residual --model rowlstm --layers 6",
                   "study depth --model pixelcnn --layers 1,2 --hidden 4 --steps 20"],
        subcommands: ["depth", "residual"],
        options: [OptionSpec("model", values: ModelKind.allCases.map(\.rawValue), help: "the model kind of every run"),
                  OptionSpec("layers", help: "depth: the depths, comma-separated; residual: the one depth (default 6)"),
                  OptionSpec("epochs", help: "epochs per run (default 2)"),
                  OptionSpec("steps", help: "at most this many steps per run (a quick look)"),
                  OptionSpec("hidden", help: "h of every run (default 8)"),
                  OptionSpec("batch", help: "images per step (default 16)"),
                  OptionSpec("lr", help: "Adam's learning rate (default 0.001)"),
                  OptionSpec("seed", help: "seed of every run's weights and minibatch order (default 0)")],
        details: """
        Every run is a fresh model trained like 'train' (Adam, clip 1, the loaded training split, \
        the validation NLL after each epoch) and then evaluated like 'eval --split valid'. \
        'study depth' varies L; 'study residual' is the paper's Table 3 at one depth: residual \
        connections off/on × skip connections off/on ('model new … --residual --skip'). The \
        table gives each run's parameters, last training loss and validation NLL; the picture \
        (out/study-depth-KIND.png, out/study-residual-KIND.png) the validation NLL against depth \
        and every run's validation curve (from epoch 0: the NLL before training). Ctrl-C stops the running run: the finished ones are \
        printed and drawn.
        """,
        run: runStudy)
]

/// One finished run of a study.
private struct StudyRun {
    let config: ModelConfig
    let parameters: Int
    let steps: Int
    let trainLoss: Double
    let valid: EvaluationResult
    /// (epochs done, valid NLL) before training, after each epoch and at the end.
    let curve: [(x: Double, y: Double)]
    let seconds: Double

    var connections: String { "residual \(config.residual ? "on" : "off"), skip \(config.skip ? "on" : "off")" }
}

private func runStudy(_ session: Session, _ args: ParsedArguments) throws {
    guard args.positional.count == 1, let which = args.positional.first, ["depth", "residual"].contains(which) else {
        throw CommandError("study expects depth or residual, e.g. 'study depth --model rowlstm --layers 1,2,3'")
    }
    guard let name = args.value("model") else { throw CommandError("study needs --model \(ModelKinds.names)") }
    guard let kind = ModelKind(rawValue: name) else { throw CommandError("unknown --model '\(name.excerpt)', expected \(ModelKinds.names)") }
    let hidden = try args.int("hidden", default: 8, in: 1...64)
    let grid: [ModelConfig]
    if which == "depth" {
        guard let text = args.value("layers") else { throw CommandError("study depth needs --layers, e.g. --layers 1,2,3,6") }
        let depths = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard !depths.isEmpty, depths.allSatisfy({ $0 != nil && (0...PixelNetwork.maxLayers).contains($0!) }) else {
            throw CommandError("--layers expects depths 0…\(PixelNetwork.maxLayers) separated by commas, got '\(text.excerpt)'")
        }
        grid = StudyGrid.depth(kind, layers: depths.map { $0! }, hidden: hidden)
    } else {
        grid = StudyGrid.residual(kind, layers: try args.int("layers", default: 6, in: 1...PixelNetwork.maxLayers), hidden: hidden)
    }
    guard grid.count <= StudyGrid.maxRuns else { throw CommandError("a study has at most \(StudyGrid.maxRuns) runs, got \(grid.count)") }
    let hyper = TrainingHyperparameters(epochs: try args.int("epochs", default: 2, in: 1...1000),
                                        batchSize: try args.int("batch", default: 16, in: 1...1024),
                                        learningRate: try args.double("lr", default: 1e-3),
                                        seed: UInt64(try args.int("seed", default: 0, in: 0...Int(Int32.max))))
    let maxSteps = try args.value("steps").map { _ in try args.int("steps", default: 1, in: 1...10_000_000) }
    for config in grid { try checkMemory(for: config, available: MachineMemory.available()) }
    let data = try session.requireData()

    session.say("study \(which): \(counted(grid.count, "run")) of \(kind.paperName), h = \(hidden), \(counted(hyper.epochs, "epoch")) each"
                + (maxSteps.map { " (at most \(counted($0, "step")))" } ?? "") + ", batch \(hyper.batchSize), Adam lr \(hyper.learningRate)")
    var runs: [StudyRun] = []
    var stopped = false
    for (i, config) in grid.enumerated() {
        session.say("run \(i + 1)/\(grid.count): \(describe(config))")
        do {
            guard let run = try train(session, config, data: data, hyper: hyper, maxSteps: maxSteps) else { stopped = true; break }
            runs.append(run)
        } catch is Stopped {
            stopped = true
            break
        }
    }
    if stopped {
        session.say("stopped by Ctrl-C during run \(runs.count + 1) of \(grid.count); the \(counted(runs.count, "finished run"))\(runs.count == 1 ? " follows" : " follow")")
        Interruption.clear()   // the finished runs are still printed and drawn
    }
    guard !runs.isEmpty else { return }
    table(session, runs)
    try draw(session, runs, which: which, kind: kind)
}

/// Trains and evaluates one run; nil when Ctrl-C stopped its training.
private func train(_ session: Session, _ config: ModelConfig, data: LoadedDataSet, hyper: TrainingHyperparameters,
                   maxSteps: Int?) throws -> StudyRun? {
    let started = Date()
    let network = try wrap { try ModelKinds.makeNetwork(config: config, seed: hyper.seed) }
    let trainer = try wrap { try Trainer(network: network, hyperparameters: hyper) }
    let images = try trainingImages(data, network: network)
    let validation = try splitLevels(data, .valid, network: network)
    // The curve's first point, before any step: a run shorter than an epoch still draws a line.
    let untrained = try Evaluation.evaluate(network: network, images: validation, shouldStop: Interruption.shouldStop)
    let outcome = try wrap {
        try trainer.run(images, validation: validation, maxSteps: maxSteps, progress: { p in
            if case .step = p.event { session.progress(String(format: "  step %d/%d  loss %.2f nats", p.epochStep, p.stepsPerEpoch, p.loss)) }
        }, shouldStop: Interruption.shouldStop)
    }
    session.endProgress()
    if outcome == .stopped { return nil }
    let valid = try Evaluation.evaluate(network: network, images: validation, shouldStop: Interruption.shouldStop)
    let s = trainer.state
    let perEpoch = Double(hyper.stepsPerEpoch(trainingImages: images.count))
    var curve = [(x: 0.0, y: untrained.natsPerImage)] + s.validationHistory.map { (x: Double($0.epoch), y: $0.nll) }
    if curve.last?.x != Double(s.step) / perEpoch { curve.append((Double(s.step) / perEpoch, valid.natsPerImage)) }
    let last = s.lossHistory.suffix(50).map(\.loss)
    let run = StudyRun(config: config, parameters: network.parameterCount, steps: s.step,
                       trainLoss: last.isEmpty ? .nan : last.reduce(0, +) / Double(last.count), valid: valid,
                       curve: curve, seconds: Date().timeIntervalSince(started))
    session.say(String(format: "  valid NLL %.2f nats/image = %.4f bits/dim after %d steps (%.0f s; %.2f before training)",
                       valid.natsPerImage, valid.bitsPerDimension, s.step, run.seconds, untrained.natsPerImage))
    return run
}

private func table(_ session: Session, _ runs: [StudyRun]) {
    func row(_ cells: [String]) -> String {
        zip(cells, [4, 8, 10, 6, 11, 7, 12, 12, 9]).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: " ")
            .replacingOccurrences(of: " +$", with: "", options: .regularExpression)
    }
    session.say(row(["run", "layers", "residual", "skip", "parameters", "steps", "train loss", "valid NLL", "bits/dim"]))
    for (i, r) in runs.enumerated() {
        session.say(row([String(i + 1), String(r.config.layers), r.config.residual ? "on" : "off", r.config.skip ? "on" : "off",
                         String(r.parameters), String(r.steps), String(format: "%.2f", r.trainLoss),
                         String(format: "%.2f", r.valid.natsPerImage), String(format: "%.4f", r.valid.bitsPerDimension)]))
    }
}

/// One PNG: valid NLL against depth (one series per connection setting), and every run's validation curve.
private func draw(_ session: Session, _ runs: [StudyRun], which: String, kind: ModelKind) throws {
    let title = "study \(which): \(kind.paperName), h = \(runs[0].config.hidden)"
    do {
        var settings: [String] = []
        for r in runs where !settings.contains(r.connections) { settings.append(r.connections) }
        let byDepth = settings.enumerated().map { i, setting in
            Series(name: setting, points: runs.filter { $0.connections == setting }.map { (Double($0.config.layers), $0.valid.natsPerImage) },
                   color: Palette.series(i))
        }
        let depth = try LinePlot(title: "", xLabel: "layers L", yLabel: "valid NLL (nats/image)", series: byDepth)
        let curves = runs.enumerated().map { i, r in
            Series(name: "run \(i + 1): L = \(r.config.layers), \(r.connections)", points: r.curve, color: Palette.series(i))
        }
        let curvePlot = try LinePlot(title: "", xLabel: "epochs", yLabel: "valid NLL (nats/image)", series: curves)
        let panels = try Panels(title: title, panels: [Panel(subtitle: "validation NLL against depth", canvas: depth.render()),
                                                     Panel(subtitle: "validation curves", canvas: curvePlot.render())])
        try session.show(panels.render(), name: "study-\(which)-\(kind.rawValue)", title: title)
    } catch let error as CommandError {
        throw error
    } catch {
        throw CommandError("cannot draw the study: \(error)")
    }
}
