import Foundation
import PixelRNN
import PixelRender

/// `check causality`: does any prediction of the current model see its own pixel or the
/// future? Found by perturbation (`CausalityCheck`), drawn as heat maps.
let checkCommands: [Command] = [
    Command(
        name: "check",
        summary: "test the current model for leaks of the future, by perturbation",
        usage: "check causality [--size N] [--seed N]",
        examples: ["check causality", "check causality --size 8"],
        subcommands: ["causality"],
        options: [OptionSpec("size", help: "image size N×N (default 12; every pixel value is changed once)"),
                  OptionSpec("seed", help: "seed of the random image the changes start from (default 0)")],
        details: """
        Changes every input value in turn (each pixel, each colour; binary: flipped, 256 levels: \
        moved by 97), recomputes every logit and compares each with the unchanged image's, \
        exactly (a masked weight is an exact zero). A prediction of pixel p, colour d may \
        change only for a value strictly before it: a pixel before p in raster order, or at p \
        a colour before d. Anything else is a leak: the model sees its own value or the future, \
        its training NLL is too good to be true and its samples are broken. On a multi-scale model \
        a prediction outside the small image x[k·r, k·c] may also see every small-image pixel (drawn \
        first), later ones too; a small-image pixel's only the small pixels before it. The picture shows, \
        per output pixel, how many pixels at or after it it sees; per input pixel, how many \
        earlier outputs see it; and for small images the whole matrix of dependencies (row: an \
        output, column: an input; the leaks in red). 'rf ROW COL' outlines one output's leaks.
        """,
        subcommandArguments: ["causality": []],
        run: runCheck)
]

private func runCheck(_ session: Session, _ args: ParsedArguments) throws {
    guard args.positional == ["causality"] else {
        throw CommandError("check expects 'causality', e.g. 'check causality'")
    }
    let size = try args.int("size", default: 12, in: 2...28)
    let seed = UInt64(try args.int("seed", default: 0, in: 0...Int(Int32.max)))
    let network = try session.requireModel()
    let check = try Interruption.stoppable {
        try CausalityCheck.run(model: network, height: size, width: size, seed: seed, shouldStop: Interruption.shouldStop)
    }
    report(session, check, config: network.config)
    try render(session, check, config: network.config)
}

/// "(r, c)" of a raster index, with its colour when there are three.
private func place(_ pixel: Int, colour: Int? = nil, _ check: CausalityCheck) -> String {
    let rc = "(\(pixel / check.width), \(pixel % check.width))"
    guard let colour, check.colors == 3 else { return rc }
    return rc + " " + ["R", "G", "B"][colour]
}

private func report(_ session: Session, _ check: CausalityCheck, config: ModelConfig) {
    let values = check.area * check.colors
    session.say("causality of \(describe(config)): \(counted(values, "input value")) of a \(check.height)×\(check.width) image changed one at a time")
    session.say("changes that reached a later prediction (as they may): \(check.inputsWithAnEffect) of \(values)")
    guard !check.isCausal else {
        session.say("leaks: none — every prediction sees only the pixels before it\(check.colors == 3 ? " (and the colours before its own)" : "")"
                    + (check.givenPixels == nil ? "" : " and, outside the small image, the small image's pixels"))
        return
    }
    let perOutput = check.leakedInputsPerOutput
    let leaking = perOutput.filter { $0 > 0 }.count
    session.say(TerminalStyle.red("LEAKS: \(counted(check.leaks.count, "forbidden dependency", "forbidden dependencies")); "
        + "\(leaking) of \(check.area) output pixels see their own pixel or a later one"
        + (check.givenPixels == nil ? "" : " outside the small image") + " — THE MODEL SEES THE FUTURE", in: session))
    let worst = perOutput.indices.max { perOutput[$0] < perOutput[$1] }!
    session.say("most: pixel \(place(worst, check)) sees \(counted(perOutput[worst], "pixel")) at or after it")
    for leak in check.leaks.prefix(3) {
        session.say("  e.g. prediction \(place(leak.outputPixel, colour: leak.outputColour, check)) changed with input \(place(leak.inputPixel, colour: leak.inputColour, check))")
    }
    if let bug = config.bug { session.say(bugLine(bug, session)) }
}

/// The heat maps: leaked inputs per output, outputs per input, and (up to 20×20) the matrix.
private func render(_ session: Session, _ check: CausalityCheck, config: ModelConfig) throws {
    let (h, w) = (check.height, check.width)
    let name = "causality-\(config.kind.rawValue)\(config.bug.map { "-" + $0.rawValue } ?? "")"
    let title = "Causality check: \(config.kind.paperName)\(config.bug.map { " with --bug " + $0.rawValue } ?? "")"
    do {
        let perOutput = check.leakedInputsPerOutput.map(Float.init)
        let perInput = check.outputsSeeingEachInput.map(Float.init)
        let top = max(1, perOutput.max() ?? 0, perInput.max() ?? 0)
        var panels = [
            Panel(subtitle: "per output: pixels at or after it it sees",
                  canvas: try HeatMap(title: "", values: perOutput, rows: h, cols: w, range: 0...top, barLabel: "leaked pixels").render()),
            Panel(subtitle: "per input: earlier outputs that see it",
                  canvas: try HeatMap(title: "", values: perInput, rows: h, cols: w, range: 0...top, barLabel: "outputs").render()),
        ]
        if check.area <= 400 {
            let n = check.area
            var leaked = [Bool](repeating: false, count: n * n)
            for leak in check.leaks { leaked[leak.outputPixel * n + leak.inputPixel] = true }
            var matrix = try HeatMap(title: "", values: check.seen.map { $0 ? 1 : 0 }, rows: n, cols: n,
                                     colormap: .grayscale, range: 0...1, barLabel: "depends (1) / not (0)")
            matrix.rowTitle = "output pixel (raster index)"
            matrix.colTitle = "input pixel (raster index)"
            matrix.overlays = [.shade(mask: leaked, color: Palette.marker, opacity: 1),
                               .outline(mask: (0..<(n * n)).map { check.mayDepend(output: $0 / n, input: $0 % n) }, color: Palette.highlight)]
            panels.append(Panel(subtitle: "output × input: white depends, red leaks", canvas: matrix.render()))
        }
        var composed = try Panels(title: title, panels: panels, columns: panels.count)
        composed.legend = [LegendItem("a leak: a prediction changed when its own pixel (or colour) or a later one changed", color: Palette.marker)]
        if check.area <= 400 {
            composed.legend.append(LegendItem("orange outline: the allowed region (input before output"
                                              + (check.givenPixels == nil ? ")" : "; for an output outside the small image, every small-image input too)"),
                                              color: Palette.highlight))
        }
        let preview = TerminalPreview.lines(heatMap: perOutput, width: w, height: h, color: session.previewColour)
        try session.show(composed.render(), name: name, title: title, preview: preview)
    } catch let error as CommandError {
        throw error
    } catch {
        throw CommandError("cannot draw the causality check: \(error)")
    }
}
