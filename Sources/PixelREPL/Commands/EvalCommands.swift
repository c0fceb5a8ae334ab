import Foundation
import PixelRNN
import PixelRender

/// `eval` (NLL of a split) and `plot loss` (the training curves).
let evalCommands: [Command] = [
    Command(
        name: "eval",
        summary: "the NLL of the current model on a split, in nats/image and bits/dim",
        usage: "eval [--split valid|test|train]",
        examples: ["eval", "eval --split valid"],
        options: [OptionSpec("split", values: ["test", "valid", "train"], help: "which split (default test)")],
        details: """
        The mean over the split's images of −log p(x) = −Σ_i log p(x_i | x_<i), in nats per image, \
        and in bits per dimension (nats / (C·H·W · ln 2): 784 dimensions for MNIST, n·n·3 for n×n \
        colour images — the paper's CIFAR-10 unit). The binarization or levels are named: the paper's \
        numbers (e.g. 79.20 nats for a 7-layer Diagonal BiLSTM) are on stochastically binarized \
        MNIST with 50,000 training images; numbers on thresholded MNIST are not comparable, nor \
        bits/dim on colours quantized to fewer than 256 levels with the paper's 8-bit ones.
        """,
        run: runEval),
    Command(
        name: "plot",
        summary: "plot the training and validation loss of the current run",
        usage: "plot loss",
        examples: ["plot loss"],
        subcommands: ["loss"],
        run: runPlot),
]

private func runEval(_ session: Session, _ args: ParsedArguments) throws {
    let network = try session.requireModel()
    let data = try session.requireData(for: network)
    let name = args.value("split") ?? "test"
    guard let split = SplitName(rawValue: name) else { throw CommandError("--split must be test, valid or train, got '\(name)'") }
    guard args.positional.isEmpty else { throw CommandError("eval takes no arguments besides --split") }
    let images = try splitLevels(data, split, network: network)
    if let multiScale = network as? MultiScaleNetwork {
        let what = data.levels == 2 ? "binarization: \(data.binarization)" : data.levelsDescription
        return try evalMultiScale(session, multiScale, images: images, split: split, about: "\(data.name), \(what)")
    }
    let result = try wrap {
        try Interruption.stoppable { try Evaluation.evaluate(network: network, images: images, shouldStop: Interruption.shouldStop) }
    }
    let what = data.levels == 2 ? "binarization: \(data.binarization)" : data.levelsDescription
    let shape = data.colors == 1 && data.rows == 28 && data.columns == 28 ? ""
        : ", \(DataCommands.shapeSummary(data)) = \(result.dimensions) dimensions"
    ModelProvenance.recordEvaluation(session, split: split, result: result, data: "\(data.name), \(what)")
    session.say(String(format: "%@ NLL: %.2f nats/image = %.4f bits/dim  (%d images of %@%@, %@)", split.rawValue,
                       result.natsPerImage, result.bitsPerDimension, result.images, data.name, shape, what))
}

private func runPlot(_ session: Session, _ args: ParsedArguments) throws {
    guard args.positional == ["loss"] else { throw CommandError("plot expects 'loss'") }
    guard let trainer = session.trainer, trainer.network === session.model else {
        throw CommandError("the current model has no training run yet — 'train' first (or 'train --resume FILE')")
    }
    let state = trainer.state
    guard !state.lossHistory.isEmpty else { throw CommandError("no training steps yet — 'train' first") }
    let perEpoch = Double(state.hyperparameters.stepsPerEpoch(trainingImages: session.data?.train.count ?? 4000))
    let window = max(1, state.lossHistory.count / 100)
    var smoothed: [(x: Double, y: Double)] = []
    for start in stride(from: 0, to: state.lossHistory.count, by: window) {
        let part = state.lossHistory[start..<min(start + window, state.lossHistory.count)]
        smoothed.append((Double(part.last!.step), part.map(\.loss).reduce(0, +) / Double(part.count)))
    }
    var series = [Series(name: window == 1 ? "training loss (each step)" : "training loss (mean of \(window) steps)", points: smoothed)]
    if !state.validationHistory.isEmpty {
        series.append(Series(name: "validation NLL (end of each epoch)",
                             points: state.validationHistory.map { (Double($0.epoch) * perEpoch, $0.nll) }))
    }
    do {
        let data = state.dataDescription.isEmpty ? "" : " on \(state.dataDescription)"
        let title = "Training \(trainer.network.config.kind.paperName)\(data): NLL in nats per image"
        let plot = try LinePlot(title: title, xLabel: "step", yLabel: "NLL (nats/image)", series: series)
        try session.show(plot.render(), name: "loss-\(trainer.network.config.kind.rawValue)", title: title)
    } catch let e as CommandError { throw e } catch {
        throw CommandError("cannot draw the loss: \(error)")
    }
    // Values come from a file too: a huge one is written in scientific form, not in 300 digits.
    func nats(_ v: Double) -> String { String(format: abs(v) < 1e7 ? "%.2f" : "%.3e", v) }
    session.say("\(counted(state.step, "step")); last training loss \(nats(state.lossHistory.last!.loss)) nats/image"
                + (state.validationHistory.last.map { "; last validation NLL \(nats($0.nll))" } ?? ""))
}
