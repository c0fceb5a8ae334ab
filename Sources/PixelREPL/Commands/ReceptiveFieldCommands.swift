import Foundation
import PixelRNN
import PixelRender

/// `rf [row col] [--growth]`, `rf compare [row col]`: receptive fields computed by
/// back-propagation through the real network.
let receptiveFieldCommands: [Command] = [
    Command(
        name: "rf",
        summary: "the receptive field of one output pixel, computed by back-propagation",
        usage: "rf [row col] [--growth] [--colour R|G|B] [--trials N] [--size N] | rf compare [row col] [--layers L] [--hidden h]",
        examples: ["rf 14 14", "rf 10 5 --growth", "rf compare 14 14 --layers 2"],
        subcommands: ["compare"],
        options: [OptionSpec("growth", takesValue: false, help: "render the field after each layer"),
                  OptionSpec("colour", values: ["R", "G", "B"], help: "on a colour model: the field of this colour (default: each of R, G, B)"),
                  OptionSpec("trials", help: "random inputs whose union makes the structural field (default 4)"),
                  OptionSpec("size", help: "image size N×N (default: the data's, else 28)"),
                  OptionSpec("layers", help: "for compare: L of the three fresh networks (default: the current model's, else 2)"),
                  OptionSpec("hidden", help: "for compare: h of the three fresh networks (default: the current model's, else 8)")],
        details: """
        The gradient of the output at (row, col) is sent back through every layer to the input. \
        Weighted: its magnitude per input pixel. Structural (binary): every input pixel whose \
        gradient is non-zero for at least one of several random inputs — one input can hide a \
        dependency (a dead ReLU), the union does not, and masked weights are exact zeros so no \
        dependency is invented. The outline is the causal context: every pixel before the \
        target in raster order. A correct model never sees outside it. On a colour model the \
        field is drawn per input colour: G's field holds R of its own pixel, R's holds nothing of it.
        """,
        subcommandsAreExhaustive: false,
        run: runReceptiveField)
]

private func runReceptiveField(_ session: Session, _ args: ParsedArguments) throws {
    var positional = args.positional
    let compare = positional.first == "compare"
    if compare { positional.removeFirst() }
    let size = try args.int("size", default: session.data.map { $0.test.images.shape[2] } ?? 28, in: 4...64)
    let (row, col) = try target(positional, size: size)
    let trials = try args.int("trials", default: 4, in: 1...64)
    if compare {
        try compareFields(session, args, row: row, col: col, size: size, trials: trials)
        return
    }
    let network = try session.requireModel()
    if network.config.colors > 1 {
        try ColourFields.run(session, network, args, row: row, col: col, size: size, trials: trials)
        return
    }
    if args.value("colour") != nil { throw CommandError("--colour is for colour models; this one has 1 colour") }
    if args.flag("growth") {
        try growth(session, network, row: row, col: col, size: size, trials: trials)
        return
    }
    let field = try receptiveField(network, row: row, col: col, size: size, trials: trials)
    report(session, field, config: network.config)
    try render(session, [(describe(network.config), field)], name: "rf-\(network.config.kind.rawValue)-\(row)-\(col)",
               title: "Receptive field of pixel (\(row), \(col)): \(network.config.kind.paperName)", weightedToo: true)
}

/// The field of (row, col), stopping within one block's work of Ctrl-C.
private func receptiveField(_ network: any PixelModel, row: Int, col: Int, size: Int, stream: Int? = nil,
                            trials: Int) throws -> ReceptiveField {
    try Interruption.stoppable {
        try ReceptiveField.compute(network: network, row: row, col: col, height: size, width: size, stream: stream,
                                   trials: trials, shouldStop: Interruption.shouldStop)
    }
}

/// The target pixel from the arguments, or the centre.
private func target(_ words: [String], size: Int) throws -> (Int, Int) {
    if words.isEmpty { return (size / 2, size / 2) }
    guard words.count == 2, let r = Int(words[0]), let c = Int(words[1]) else {
        throw CommandError("rf expects a row and a column, e.g. 'rf 14 14'")
    }
    guard (0..<size).contains(r), (0..<size).contains(c) else {
        throw CommandError("pixel (\(r), \(c)) is outside the \(size)×\(size) image")
    }
    return (r, c)
}

/// The lines that say what the picture shows.
private func report(_ session: Session, _ field: ReceptiveField, config: ModelConfig) {
    let context = field.causalContext.filter { $0 }.count
    let unseen = field.unseenContext
    session.say("receptive field of pixel (\(field.row), \(field.col)) — \(describe(config)), \(field.height)×\(field.width) image")
    session.say("structural field (union over \(counted(field.trials, "random input"))): \(counted(field.size, "pixel")); causal context: \(counted(context, "pixel"))")
    let sample = unseen.prefix(4).map { "(\($0.0), \($0.1))" }.joined(separator: " ")
    session.say("context the pixel cannot see: \(counted(unseen.count, "pixel"))" + (unseen.isEmpty ? "" : " — e.g. \(sample)"))
    if let settings = config.multiScale { return reportMultiScale(session, field, factor: settings.factor) }
    session.say("pixels outside the causal context it sees: \(field.violations.count)" + (field.violations.isEmpty ? " (as it must be)" : " — THE MODEL SEES THE FUTURE (outlined in blue)"))
}

private func growth(_ session: Session, _ network: any PixelModel, row: Int, col: Int, size: Int, trials: Int) throws {
    var fields: [(String, ReceptiveField)] = []
    for l in 0..<network.streamCount {
        try Interruption.check()
        let name = l == 0 ? "after the input layer" : "after block \(l)"
        fields.append((name, try receptiveField(network, row: row, col: col, size: size, stream: l, trials: trials)))
    }
    fields.append(("output (after the head)", try receptiveField(network, row: row, col: col, size: size, trials: trials)))
    session.say("receptive field of pixel (\(row), \(col)) layer by layer — \(describe(network.config))")
    for (name, field) in fields {
        session.say("  \(name): \(counted(field.size, "pixel")), \(field.unseenContext.count) of the context unseen, \(field.violations.count) outside it")
    }
    // What each block adds to the residual stream, on 4 random images (seed 0).
    var rng = SeededGenerator(seed: 0)
    let (colors, levels) = (network.config.colors, network.config.levels)
    let pixels = Tensor(shape: [4, colors, size, size], data: (0..<(4 * colors * size * size)).map { _ in Float(rng.next() % UInt64(levels)) })
    // The residual stream's norms are a single stack of blocks' (not the multi-scale model's two).
    let norms = try network.residualStack.map { try ResidualStreamReport.measure($0, pixels: pixels) }
    let extra = norms.flatMap { ResidualStreamReport.panel($0) }.map { [$0] } ?? []
    try render(session, fields, name: "rf-growth-\(network.config.kind.rawValue)-\(row)-\(col)",
               title: "Growth of the receptive field of pixel (\(row), \(col)): \(network.config.kind.paperName)",
               weightedToo: false, extra: extra)
    guard let norms else { return }
    for line in ResidualStreamReport.lines(norms, over: "4 random images", firstBlock: 1) { session.say(line) }
}

private func compareFields(_ session: Session, _ args: ParsedArguments, row: Int, col: Int, size: Int, trials: Int) throws {
    let layers = try args.int("layers", default: session.model?.config.layers ?? 2, in: 1...16)
    let hidden = try args.int("hidden", default: session.model?.config.hidden ?? 8, in: 1...64)
    var fields: [(String, ReceptiveField)] = []
    for kind in ModelKind.allCases {
        try Interruption.check()
        let config = ModelConfig(kind: kind, layers: layers, hidden: hidden)
        guard let network = try? ModelKinds.makeNetwork(config: config, seed: 0) else {
            session.say("\(kind.paperName): not available yet")
            continue
        }
        let field = try receptiveField(network, row: row, col: col, size: size, trials: trials)
        report(session, field, config: config)
        fields.append(("\(kind.paperName), \(layers) layer\(layers == 1 ? "" : "s")", field))
    }
    try render(session, fields, name: "rf-compare-\(row)-\(col)",
               title: "Receptive fields of pixel (\(row), \(col)) with \(layers) layer\(layers == 1 ? "" : "s"), h = \(hidden)",
               weightedToo: false)
}

/// The outline of the pixels a field sees outside the causal context (a leak).
private let leakColour = Palette.channels[2]

/// One panel per field (binary, plus weighted when asked), target marked, context outlined,
/// leaked pixels outlined in blue.
private func render(_ session: Session, _ fields: [(String, ReceptiveField)], name: String, title: String,
                    weightedToo: Bool, extra: [Panel] = []) throws {
    guard let first = fields.first?.1 else { return }
    do {
        var panels: [Panel] = []
        for (label, field) in fields {
            var overlays: [Overlay] = [.outline(mask: field.causalContext), .mark(row: field.row, col: field.col, color: Palette.highlight)]
            if !field.violations.isEmpty { overlays.append(.outline(mask: field.leaked, color: leakColour)) }
            var binary = try HeatMap(title: "", values: field.binary.map { $0 ? 1 : 0 }, rows: field.height,
                                     cols: field.width, colormap: .grayscale, range: 0...1, barLabel: "seen (1) / not (0)")
            binary.overlays = overlays
            panels.append(Panel(subtitle: weightedToo ? "structural: seen or not" : label, canvas: binary.render()))
            if weightedToo {
                var weighted = try HeatMap(title: "", values: field.weighted, rows: field.height, cols: field.width,
                                           range: 0...1, barLabel: "|gradient| (max = 1)")
                weighted.overlays = overlays
                panels.append(Panel(subtitle: "weighted: |∂ output / ∂ input|", canvas: weighted.render()))
            }
        }
        panels += extra
        var composed = try Panels(title: title, panels: panels, columns: min(panels.count, 4))
        composed.legend = [LegendItem("orange square: the target pixel", color: Palette.highlight),
                           LegendItem("red outline: its causal context (every pixel before it in raster order)"),
                           LegendItem("white: input pixels the prediction depends on (union over \(first.trials) random inputs)")]
        if fields.contains(where: { !$0.1.violations.isEmpty }) {
            composed.legend.append(LegendItem("blue outline: leaked pixels — seen, but not before the target (the model sees the future)", color: leakColour))
        }
        let preview = TerminalPreview.lines(gray: fields.last!.1.binary.map { $0 ? 1 : 0 }, width: first.width,
                                            height: first.height, color: session.previewColour)
        try session.show(composed.render(), name: name, title: title, preview: preview)
    } catch let error as CommandError {
        throw error
    } catch {
        throw CommandError("cannot draw the receptive field: \(error)")
    }
}
