import Foundation
import PixelRNN

/// `benchmark`: speed and memory of each model (Sources/PixelRNN/README.md, "Speed"), measured by `Benchmark` and
/// `Sampler` in PixelRNN, shown as a table next to the targets of issue 6.
let benchmarkCommands: [Command] = [
    Command(
        name: "benchmark",
        summary: "training, forward and sampling speed and peak memory of each model",
        usage: "benchmark [--model \(ModelKinds.allModelNames)|all] [--base \(ModelKinds.names)] [--runs N] [--steps N] [--samples N] [--layers L] [--hidden h] [--colors 1|3] [--levels K] [--size N]",
        examples: ["benchmark", "benchmark --model pixelcnn --runs 5", "benchmark --model rowlstm --samples 0", "benchmark --model pixelcnn --colors 3",
                   "benchmark --model multiscale --base rowlstm"],
        options: [OptionSpec("model", values: benchmarkModels, help: "which model (default all: the three single-scale kinds)"),
                  OptionSpec("base", values: ModelKinds.table.map(\.kind.rawValue), help: "with --model multiscale: the kind of both networks (default rowlstm)"),
                  OptionSpec("runs", help: "medians over N runs (default 3)"),
                  OptionSpec("steps", help: "steps and passes per run (default 20)"),
                  OptionSpec("samples", help: "images sampled per run (16; 0: none)"),
                  OptionSpec("layers", help: "L (default 7, as the targets)"),
                  OptionSpec("hidden", help: "h (default 16, as the targets; 18 with --colors 3)"),
                  OptionSpec("colors", values: ["1", "3"], help: "3: colour models (16×16 RGB, 256 levels) against the colour targets"),
                  OptionSpec("levels", help: "K levels of the images (default 2; 256 with --colors 3)"),
                  OptionSpec("size", help: "the images' side (default 28; 16 with --colors 3)")],
        details: """
        First prints the processor, the BLAS library, its version, the kernel in use and the \
        thread count, and measures this machine's sgemm peak (1,024 × 1,024 products on every core, \
        0.3 s; again after the models, the shares using the faster). For each model — fresh weights, L = 7, h = 16, batch 16, random 28×28 binary images — \
        times full training steps (loss, gradient, clipping, Adam; 20 a run by default, after \
        one untimed step, so that each figure is the steady rate of a training run), forward passes, and the \
        sampling of 16 images (saying when it is the slow reference path, a full forward pass \
        per pixel), and reads the peak memory of a run. Prints medians over the runs, training \
        GFLOP/s as a share of the sgemm peak, the number \
        of cores and the load average (other work on the machine slows every figure), and the \
        targets on a 2-core machine. Ctrl-C stops between runs (and during sampling). With \
        --colors 3 the models are colour ones (h = 18, 256 levels, random 16×16 RGB images) and \
        the binary 28×28 PixelCNN (L = 7, h = 16) is measured too, as the reference of the \
        colour training target (issue 17: at least half its images/s). --model multiscale measures \
        the Multi-Scale PixelRNN of --base (both networks L and h, factor 2; sampling is both \
        stages); it has no training target of its own (the sampling and memory targets are every model's).
        """,
        run: runBenchmark)
]

/// The targets on a 2-core machine: training images/s from issue 6; the share of the
/// matrix-multiply peak, sampling time and peak memory from issue 12.
/// Each kind's own targets are in its `ModelKindEntry.benchmarkTarget`.
private enum Target {
    static func trainingImagesPerSecond(_ kind: ModelKind) -> Double { kind.entry.benchmarkTarget.trainingImagesPerSecond }
    /// Training FLOP/s as a share of the sgemm peak, where the kind sets one.
    static func shareOfPeak(_ kind: ModelKind) -> Double? { kind.entry.benchmarkTarget.shareOfPeak }
    /// The targets of every kind in one line, from the table.
    static var tableLine: String {
        let table = ModelKinds.table
        let speeds = table.map { grouped($0.benchmarkTarget.trainingImagesPerSecond) }.joined(separator: " / ")
        let shares = table.compactMap { e in
            e.benchmarkTarget.shareOfPeak.map { String(format: "%@ training ≥ %.0f %% of the sgemm peak, ", e.paperName, 100 * $0) }
        }.joined()
        return "training ≥ \(speeds) images/s (\(table.map(\.paperName).joined(separator: " / ")); issue 6), \(shares)"
            + String(format: "sampling 16 images ≤ %.1f s, peak memory ≤ %.0f MB (issue 12)", sampleSeconds, peakMegabytes)
    }
    static let sampleSeconds = 0.5
    static let peakMegabytes = 300.0
    /// The colour targets (issue 17): a colour PixelCNN (L = 7, h = 18, 16×16, 256 levels)
    /// trains at no less than half the binary 28×28 PixelCNN's images/s.
    static let colourShareOfBinary = 0.5
    static let colourSampleSeconds = 2.0
    static let colourPeakMegabytes = 500.0
    static let colourLine = "colour (issue 17): PixelCNN training ≥ half the images/s of the binary 28×28 PixelCNN, "
        + String(format: "sampling 16 colour images ≤ %.1f s, peak memory ≤ %.0f MB", colourSampleSeconds, colourPeakMegabytes)
}

/// The models `benchmark --model` takes: each kind of the table, the multi-scale model, all.
private let benchmarkModels = ModelKinds.allModels.map(\.rawValue) + ["all"]

/// What `benchmark` was asked to measure.
private struct BenchmarkPlan {
    var kinds: [ModelKind]
    /// The multi-scale model's kind of networks.
    var base: ModelKind
    var runs: Int
    var steps: Int
    var samples: Int
    var layers: Int
    var hidden: Int
    var colors: Int
    var levels: Int
    var size: Int

    init(_ args: ParsedArguments) throws {
        guard args.positional.isEmpty else { throw CommandError("benchmark takes only options, e.g. 'benchmark --model pixelcnn'") }
        let model = try args.choice("model", from: benchmarkModels, default: "all")
        kinds = model == "all" ? ModelKind.allCases : model == ModelKind.multiscale.rawValue ? [.multiscale] : [ModelKind(rawValue: model)!]
        if args.value("base") != nil && kinds != [.multiscale] { throw CommandError("--base goes with --model multiscale") }
        base = ModelKind(rawValue: try args.choice("base", from: ModelKinds.table.map(\.kind.rawValue), default: "rowlstm"))!
        runs = try args.int("runs", default: 3, in: 1...100)
        steps = try args.int("steps", default: 20, in: 1...1000)
        samples = try args.int("samples", default: 16, in: 0...256)
        layers = try args.int("layers", default: 7, in: 1...16)
        colors = try args.int("colors", default: 1, in: 1...3)
        hidden = try args.int("hidden", default: colors == 3 ? 18 : 16, in: 1...64)
        levels = try args.int("levels", default: colors == 3 ? 256 : 2, in: ModelConfig.levelRange)
        size = try args.int("size", default: colors == 3 ? 16 : 28, in: 4...64)
        if colors == 3 && hidden % 3 != 0 { throw CommandError("with --colors 3 the hidden size must be a multiple of 3, got \(hidden)") }
    }

    var isColour: Bool { colors == 3 }
    var isStandard: Bool {
        isColour ? layers == 7 && hidden == 18 && levels == 256 && size == 16 : layers == 7 && hidden == 16 && levels == 2 && size == 28
    }

    func config(_ kind: ModelKind) -> ModelConfig {
        guard kind == .multiscale else { return ModelConfig(kind: kind, layers: layers, hidden: hidden, colors: colors, levels: levels) }
        return .multiScale(MultiScaleSettings(base: base, smallLayers: layers, smallHidden: hidden), layers: layers, hidden: hidden,
                           colors: colors, levels: levels)
    }

    var options: BenchmarkOptions {
        BenchmarkOptions(runs: runs, trainingSteps: steps, forwardPasses: steps, batchSize: 16, height: size, width: size,
                         sampleCount: samples, seed: 0)
    }

    /// The reference of the colour training target: the binary 28×28 PixelCNN of the targets, not sampled.
    var reference: (config: ModelConfig, options: BenchmarkOptions) {
        (ModelConfig(kind: .pixelcnn, layers: 7, hidden: 16),
         BenchmarkOptions(runs: runs, trainingSteps: steps, forwardPasses: steps, batchSize: 16, height: 28, width: 28,
                          sampleCount: 0, seed: 0))
    }

    /// "28×28 binary", "16×16 RGB, 256 levels".
    var imagesDescription: String {
        "\(size)×\(size)" + (isColour ? " RGB" : levels == 2 ? "" : " grey") + (levels == 2 ? " binary" : ", \(levels) levels")
    }
}

private func runBenchmark(_ session: Session, _ args: ParsedArguments) throws {
    let plan = try BenchmarkPlan(args)
    for line in machineLines(colour: plan.isColour) + BLASDescription.lines() { session.say(line) }
    session.progress("measuring the sgemm peak")
    let peak = MatrixMultiplyPeak.measure()
    session.say(String(format: "sgemm peak: %.1f GFLOP/s (n = %d, %d thread%@, the fastest of %d products in 0.3 s)",
                       peak.flopsPerSecond / 1e9, peak.order, peak.threads, peak.threads == 1 ? "" : "s", peak.products))
    session.say("settings: L = \(plan.layers), h = \(plan.hidden), batch 16, \(plan.imagesDescription), fresh weights (seed 0), random images; "
                + "medians over \(plan.runs) run\(plan.runs == 1 ? "" : "s") of \(plan.steps) training step\(plan.steps == 1 ? "" : "s") and \(plan.steps) forward pass\(plan.steps == 1 ? "" : "es")"
                + (plan.samples > 0 ? ", sampling \(plan.samples) image\(plan.samples == 1 ? "" : "s")" : ", no sampling"))
    var rows: [BenchmarkResult] = []
    for kind in plan.kinds {
        let result = try measure(session, plan, kind, plan.config(kind), plan.options)
        if let result { rows.append(result) }
        if result?.stopped != false { break }
    }
    var reference: BenchmarkResult?
    if plan.isColour, rows.count == plan.kinds.count, rows.allSatisfy({ !$0.stopped }) {
        reference = try measure(session, plan, .pixelcnn, plan.reference.config, plan.reference.options, label: "PixelCNN, binary 28×28 (reference)")
    }
    // The peak again (not after Ctrl-C): a neighbour's burst of work during the first 0.3 s
    // would understate it, and overstate every share; the shares use the faster of the two.
    var ceiling = peak.flopsPerSecond
    if !rows.isEmpty, rows.allSatisfy({ !$0.stopped }) {
        session.progress("measuring the sgemm peak again")
        let again = MatrixMultiplyPeak.measure()
        ceiling = max(ceiling, again.flopsPerSecond)
        session.say(String(format: "sgemm peak after the models: %.1f GFLOP/s; the shares of peak below use the faster, %.1f GFLOP/s",
                           again.flopsPerSecond / 1e9, ceiling / 1e9))
    }
    for line in table(rows, reference: reference, plan: plan, peak: ceiling) { session.say(line) }
}

/// Cores and load average: what the figures depend on besides the code.
private func machineLines(colour: Bool) -> [String] {
    let cores = Cores.count
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
        .map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "unknown"
    return ["machine: \(cores) core\(cores == 1 ? "" : "s") available, load average \(load) (1, 5, 15 min; other work slows every figure)",
            colour ? "targets " + Target.colourLine : "targets (2 cores, L = 7, h = 16): " + Target.tableLine]
}

/// Every run of one model (`Benchmark.run`), with progress lines; nil if Ctrl-C stopped
/// its first run (a result that Ctrl-C stopped later says `stopped`).
private func measure(_ session: Session, _ plan: BenchmarkPlan, _ kind: ModelKind, _ config: ModelConfig,
                     _ options: BenchmarkOptions, label name: String? = nil) throws -> BenchmarkResult? {
    func label(_ run: Int) -> String { "\(name ?? kind.paperName), run \(run) of \(plan.runs)" }
    let progress: (BenchmarkStage) -> Void = { stage in
        switch stage {
        case .training(let run): session.progress("\(label(run)): training and forward passes")
        case let .sampling(run, draw, draws) where draw % 28 == 0:
            session.progress("\(label(run)): sampling \(counted(plan.samples, "image")), pixel \(draw) of \(draws)")
        case .sampling: break
        }
    }
    do {
        let result = try Benchmark.run(config: config, options: options,
                                       shouldStop: { Interruption.requested }, progress: progress)
        if result.stopped { stopped(session, label(result.runs.count + 1)) }
        return result
    } catch is Stopped {
        stopped(session, label(1))
        return nil
    } catch {
        throw CommandError("benchmark: \(error)")
    }
}

private func stopped(_ session: Session, _ label: String) {
    session.say("stopped (Ctrl-C) before the end of \(label) — the table shows the runs completed")
}

// MARK: - the table

/// Header, one line per model, and notes.
private func table(_ rows: [BenchmarkResult], reference: BenchmarkResult?, plan: BenchmarkPlan, peak: Double) -> [String] {
    guard !rows.isEmpty else { return ["no run finished: nothing to show"] }
    let header = ["model", "training img/s", "training GFLOP/s (of peak)", "forward img/s",
                  plan.samples > 0 ? "sample \(plan.samples) (s)" : "sampling", "peak memory"]
    let body = rows.map { cells($0, reference: reference, plan: plan, peak: peak) }
        + (reference.map { [referenceCells($0, peak: peak)] } ?? [])
    let widths = header.indices.map { c in ([header[c]] + body.map { $0[c] }).map(\.count).max()! }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { c, text in
            c == 0 ? text.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                : String(repeating: " ", count: widths[c] - text.count) + text
        }.joined(separator: "   ")
    }
    var lines = [line(header)] + body.map(line)
    lines += notes(rows, plan: plan)
    return lines
}

/// The cells of one model's line: each figure with its target and ✓ or ✗.
private func cells(_ row: BenchmarkResult, reference: BenchmarkResult?, plan: BenchmarkPlan, peak: Double) -> [String] {
    let kind = row.config.kind
    let training = row.trainingImagesPerSecond
    let flops = row.trainingFLOPsPerSecond
    let share = flops / peak
    var shareCell = String(format: "%.1f (%.0f %%", flops / 1e9, 100 * share)
    if !plan.isColour, kind != .multiscale, let wanted = Target.shareOfPeak(kind) {
        shareCell += String(format: ", ≥ %.0f %% %@", 100 * wanted, mark(share >= wanted))
    }
    let trainingCell: String
    if plan.isColour {
        // Half the reference's images/s, when the reference was measured: the PixelCNN's target (issue 17).
        trainingCell = kind != .pixelcnn ? grouped(training) : reference.map { ref in
            let half = Target.colourShareOfBinary * ref.trainingImagesPerSecond
            return "\(grouped(training)) (≥ ½ ref = \(grouped(half)) \(mark(training >= half)))"
        } ?? grouped(training)
    } else if kind == .multiscale {
        trainingCell = "\(grouped(training)) (no target)"
    } else {
        let target = Target.trainingImagesPerSecond(kind)
        trainingCell = "\(grouped(training)) (≥ \(grouped(target)) \(mark(training >= target)))"
    }
    let (seconds, megabytes) = plan.isColour ? (Target.colourSampleSeconds, Target.colourPeakMegabytes)
                                             : (Target.sampleSeconds, Target.peakMegabytes)
    return [modelName(row.config), trainingCell, shareCell + ")", grouped(row.forwardImagesPerSecond),
            samplingCell(row, target: seconds), memoryCell(row, target: megabytes)]
}

/// The binary PixelCNN measured as the colour target's reference: its figures, no targets.
private func referenceCells(_ row: BenchmarkResult, peak: Double) -> [String] {
    ["PixelCNN, binary 28×28 (reference)", grouped(row.trainingImagesPerSecond),
     String(format: "%.1f (%.0f %%)", row.trainingFLOPsPerSecond / 1e9, 100 * row.trainingFLOPsPerSecond / peak),
     grouped(row.forwardImagesPerSecond), "—", memoryCell(row, target: nil)]
}

private func samplingCell(_ row: BenchmarkResult, target: Double) -> String {
    guard let seconds = row.sampleSeconds else { return "—" }
    return String(format: "%.2f%@ (≤ %.1f %@)", seconds, row.sampledIncrementally ? "" : "*", target, mark(seconds <= target))
}

private func memoryCell(_ row: BenchmarkResult, target: Double?) -> String {
    guard let bytes = row.peakMemoryBytes else { return "unknown" }
    let megabytes = Double(bytes) / 1_048_576
    guard let target else { return String(format: "%.0f MB", megabytes) }
    return String(format: "%.0f MB (≤ %.0f %@)", megabytes, target, mark(megabytes <= target))
}

private func notes(_ rows: [BenchmarkResult], plan: BenchmarkPlan) -> [String] {
    var notes = ["✓ meets the target, ✗ misses it; figures are medians over \(counted(rows.map(\.runs.count).max()!, "run"))",
                 "GFLOP/s: the multiply-adds of every unmasked convolution weight in forward, weight gradient and input gradient, 2 operations each, per second (OperationCount)"]
    if plan.samples > 0 {
        let slow = rows.filter { !$0.sampledIncrementally }.map(\.config.kind.paperName)
        notes.append(slow.isEmpty ? "sampling took the fast incremental path (each position of each layer computed once)"
                     : "* the slow reference path — a full forward pass per pixel (\(slow.joined(separator: ", ")) blocks have no incremental form yet)")
    }
    if rows.contains(where: { !$0.peakMemoryIsPerRun }) {
        notes.append("peak memory is the whole process's so far (the high-water mark could not be reset)")
    }
    #if DEBUG
    notes.append("this is a debug build, many times slower than a release build: 'swift build -c release' for real figures")
    #endif
    if !plan.isStandard {
        notes.append(plan.isColour ? "the colour targets are for L = 7, h = 18, 16×16, 256 levels; these models are L = \(plan.layers), h = \(plan.hidden), \(plan.imagesDescription)"
                                   : "the targets are for L = 7, h = 16, 28×28 binary; these models are L = \(plan.layers), h = \(plan.hidden), \(plan.imagesDescription)")
    }
    return notes
}

private func mark(_ met: Bool) -> String { met ? "✓" : "✗" }

/// "Row LSTM", or "Multi-Scale PixelRNN (Row LSTMs)".
private func modelName(_ config: ModelConfig) -> String {
    config.multiScale.map { "\(config.kind.paperName) (\($0.base.paperName)s)" } ?? config.kind.paperName
}

/// 1234.5 → "1,235"; below 10 → one decimal ("7.5").
private func grouped(_ value: Double) -> String {
    if value < 10 { return String(format: "%.1f", value) }
    let digits = String(Int(value.rounded()))
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return out
}
