import Foundation
import PixelRNN
import PixelRender

/// Steps the sampling of one image pixel by pixel (paper §2): each `step` asks the model
/// for p(x_i | x_<i) given the pixels drawn so far, draws x_i from it, and shows the
/// image so far with the next pixel marked, next to the probability each drawn pixel had.
/// The library's `SampleTrace` does the drawing; this prints and renders it. A multi-scale
/// model's trace (`MultiScaleSampleTrace`) draws the small image first, then the rest, the
/// small-image pixels outlined throughout.
final class SampleTraceState: TraceState {
    let network: any PixelModel
    let seed: UInt64
    let trace: any SteppedSampling
    /// The probability each pixel colour's drawn value had (raster order); NaN until drawn.
    private var drawnProbability: [Float]
    private let (colors, height, width): (Int, Int, Int)

    /// A trace of one new height×width image from `network`.
    init(network: any PixelModel, height: Int, width: Int, seed: UInt64) throws {
        self.network = network
        self.seed = seed
        do {
            if let multiScale = network as? MultiScaleNetwork {
                trace = try MultiScaleSampleTrace(network: multiScale, height: height, width: width, seed: seed)
            } else {
                trace = try Sampler.trace(network: network, count: 1, height: height, width: width, seed: seed)
            }
        } catch {
            throw CommandError("cannot trace sampling: \(error)")
        }
        (colors, self.height, self.width) = (network.config.colors, height, width)
        drawnProbability = [Float](repeating: .nan, count: colors * height * width)
    }

    /// Sampling reads the model only.
    var inputs: Set<TraceInput> { [.model] }
    var title: String { "sampling one \(height)×\(width) image from \(describe(network.config)), seed \(seed)" }
    var isFinished: Bool { trace.isFinished }
    private var levels: Int { network.config.levels }

    func step(_ session: Session) throws {
        let (prefix, given) = (stagePrefix, condition)          // of this draw (a multi-scale trace may change stage)
        guard let drawn = drawOne() else {
            throw CommandError("every pixel is drawn — 'show state' draws the image; 'trace sample --seed N' starts another")
        }
        session.say(stepLine(drawn, prefix: prefix, given: given))
        try render(session, name: String(format: "trace-sample-s%llu-%04d", seed, trace.stepsDone))
    }

    func finish(_ session: Session) throws {
        let before = trace.stepsDone
        let every = max(1, trace.totalSteps / 28)
        while !trace.isFinished {
            if Interruption.requested {
                session.say("stopped at pixel \(trace.stepsDone) of \(trace.totalSteps) (Ctrl-C) — 'continue' goes on, 'step' draws one")
                return
            }
            if trace.stepsDone % every == 0 { session.progress("sampling: \(trace.stepsDone) of \(trace.totalSteps) pixels drawn") }
            drawOne()
        }
        session.say("drew the remaining \(trace.totalSteps - before) of \(trace.totalSteps) pixel\(colors == 1 ? "s" : " colours") — the image is complete")
        sayLikelihood(session)
        try render(session, name: "trace-sample-s\(seed)-done")
    }

    func nextLayer() throws -> TraceState? {
        throw CommandError("sampling has no layers — 'step' draws the next pixel, 'continue' finishes the image")
    }

    func whereLines() -> [String] {
        let unit = colors == 1 ? "pixels" : "pixel colours"
        var lines = [title, "\(unit) drawn: \(trace.stepsDone) of \(trace.totalSteps)"]
        if let next = trace.next {
            let order = multiScale.map { $0.stage == 1 ? " (stage 1: the small image first)" : " (stage 2: the rest in raster order)" } ?? " in raster order"
            lines.append("next: pixel \(pixelName(next)), draw \(trace.stepsDone + 1) of \(trace.totalSteps)" + order)
        } else {
            lines.append("the image is complete")
        }
        lines.append(sampleTracePath(network))
        return lines
    }

    func show(_ what: String, _ session: Session) throws {
        switch what {
        case "state":
            session.say("the image after \(trace.stepsDone) of \(trace.totalSteps) draws")
            try render(session, name: String(format: "trace-sample-s%llu-%04d-state", seed, trace.stepsDone))
        case "gates", "cell":
            throw CommandError("sampling has no \(what == "gates" ? "gates" : "cell state") — it draws pixels from the model's output; 'show state' draws the image so far")
        default:
            throw CommandError("show expects state while sampling (gates and cell belong to 'trace \(BlockTraceStates.names)')")
        }
    }

    // MARK: - drawing one pixel

    /// Draws the next pixel colour and records the probability its value had.
    @discardableResult
    private func drawOne() -> TraceStep? {
        guard let s = trace.step() else { return nil }
        drawnProbability[s.index.rasterIndex(width: width, colors: colors)] = s.probabilities.data[s.values[0]]
        return s
    }

    /// "pixel (3, 14), 98 of 784: p(x = 1 | x_<i) = 0.213 → drew 0 (p = 0.787)".
    private func stepLine(_ s: TraceStep, prefix: String, given condition: String) -> String {
        let value = s.values[0]
        let p = s.probabilities.data
        let head = prefix + "pixel \(pixelName(s.index)), \(trace.stepsDone) of \(trace.totalSteps): "
        if levels == 2 {
            return head + String(format: "p(x = 1 | %@) = %.3f → drew %d (p = %.3f)", condition, p[1], value, p[value])
        }
        let top = p.indices.sorted { p[$0] > p[$1] }.prefix(3)
        let listed = top.map { String(format: "%d: %.3f", $0, p[$0]) }.joined(separator: ", ")
        return head + "top levels \(listed) → drew \(value)" + String(format: " (p = %.3f)", p[value])
    }

    /// A multi-scale model's trace, when it is one.
    private var multiScale: MultiScaleSampleTrace? { trace as? MultiScaleSampleTrace }

    /// What a step's distribution is given: the pixels before it, or for a multi-scale model
    /// the small pixels before it (stage 1) or x_<i and the whole small image (stage 2).
    private var condition: String {
        guard let multiScale else { return "x_<i" }
        return multiScale.stage == 1 ? "earlier small pixels" : "x_<i, x_small"
    }

    /// "stage 1 (the small image): " for the draws of a multi-scale model.
    private var stagePrefix: String {
        guard let multiScale else { return "" }
        return multiScale.stage == 1 ? "stage 1 (the small image): " : "stage 2 (given the small image): "
    }

    /// "(3, 14)", with the colour for RGB: "(3, 14) G".
    private func pixelName(_ index: PixelIndex) -> String {
        "(\(index.row), \(index.column))" + (colors == 1 ? "" : " " + ["R", "G", "B"][index.colour])
    }

    /// The model's NLL of the finished image (one forward pass in the library).
    private func sayLikelihood(_ session: Session) {
        let image = trace.image
        let logits = network.onePassLogits(image)
        let nll = Likelihood.negativeLogLikelihood(logits: logits, pixels: image, levels: levels)[0]
        let bits = Likelihood.bitsPerDimension(nats: nll, imageShape: image.shape)
        session.say(String(format: "the model gives this sample NLL = %.2f nats (%.4f bits/dim): −log of the product of the probabilities drawn", nll, bits))
    }

    // MARK: - pictures

    /// The image so far with the next pixel marked, and the probability of each drawn pixel.
    private func render(_ session: Session, name: String) throws {
        let next: [Overlay] = trace.next.map { [.mark(row: $0.row, col: $0.column, color: Palette.highlight)] } ?? []
        let mark = smallImageOutline + next
        var panels = [try imagePanel(mark), try probabilityPanel(mark)]
        if levels == 256, let next = trace.nextProbabilities() {
            panels.append(try TraceDrawing.panel("next pixel: p(level), level = 16 × row + column", values: next.data,
                                                 rows: 16, cols: 16, range: 0...max(1e-6, next.data.max() ?? 1),
                                                 colormap: .viridis, barLabel: "p(level)", colTitle: "level mod 16",
                                                 rowTitle: "level / 16"))
        } else if levels > 2, let next = trace.nextProbabilities(), let index = trace.next {
            var chart = try BarChart(title: "", xLabel: "level", yLabel: "probability", values: next.data)
            chart.yLimit = 1   // probabilities
            chart.color = colors == 1 ? Palette.series(0) : Palette.channels[index.colour]
            let given = colors == 1 ? "" : ["", ", R", ", R, G"][index.colour]
            let what = colors == 1 ? "x_i" : ["R", "G", "B"][index.colour]
            panels.append(Panel(subtitle: "next: p(\(what) = level | x_<i\(given))", canvas: chart.render()))
        }
        do {
            var composed = try Panels(title: pictureTitle, panels: panels)
            composed.legend = legend
            try session.show(composed.render(), name: name, title: pictureTitle, preview: previewLines(session))
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError("cannot draw the sampling trace: \(error)")
        }
    }

    private var pictureTitle: String {
        let head = "Sampling \(network.config.kind.paperName) (seed \(seed)): \(trace.stepsDone) of \(trace.totalSteps) drawn"
        guard let next = trace.next else { return head + " — complete" }
        if levels == 2, let p = trace.nextProbabilities() {
            return head + String(format: "; next %@: p(x = 1 | %@) = %.3f", pixelName(next), condition, p.data[1])
        }
        return head + "; next \(pixelName(next))"
    }

    private var legend: [LegendItem] {
        var order = [LegendItem("pixels are drawn in raster order, each from p(x_i | x_<i) given the pixels before it")]
        if let multiScale {
            let k = multiScale.network.settings.factor
            order = [LegendItem("red outline: the small image x[\(k)·r, \(k)·c], drawn first (stage 1, the small network, in its own raster order), "
                                + "then GIVEN to the conditional network", color: Palette.marker),
                     LegendItem("stage 2 draws every other pixel in raster order from p(x_i | x_<i, x_small): it sees the whole small image")]
        }
        guard !trace.isFinished else { return order + [LegendItem(levelsLegend(network.config))] }
        return [LegendItem("orange square: the next pixel to draw", color: Palette.highlight),
                LegendItem("gray: not drawn yet", color: Palette.gridLine)]
            + order + [LegendItem(levelsLegend(network.config))]
    }

    /// A multi-scale model's small-image pixels, outlined; nothing for the others.
    private var smallImageOutline: [Overlay] {
        guard let multiScale else { return [] }
        return [.outline(mask: smallImageMask(multiScale.network, height: height, width: width), color: Palette.marker)]
    }

    private var imageSubtitle: String { trace.isFinished ? "the sampled image" : "the image so far" }

    /// The image so far: a grey heat map with axes (NaN = not drawn), or the RGB image.
    private func imagePanel(_ mark: [Overlay]) throws -> Panel {
        let values = displayImages(trace.image, levels: levels)[0]
        if colors == 1 {
            let shown = zip(values, drawnProbability).map { $1.isNaN ? Float.nan : $0 }
            return try TraceDrawing.panel(imageSubtitle, values: shown, rows: height, cols: width, range: 0...1,
                                          colormap: .grayscale, barLabel: "pixel value", overlays: mark)
        }
        var grid = try ImageGrid(title: "", images: [values], height: height, width: width, channels: colors)
        grid.scale = max(4, 280 / max(height, width))
        grid.overlays = [mark + [.shade(mask: notDrawn(), color: Palette.gridLine, opacity: 0.9)]]
        return Panel(subtitle: imageSubtitle, canvas: grid.render())
    }

    /// The probability each drawn pixel had: on 0…1 for binary pixels; for 256 levels
    /// (and RGB, where it is the product over colours) on 0…the largest, as they are small.
    private func probabilityPanel(_ mark: [Overlay]) throws -> Panel {
        let values = pixelProbabilities()
        let top = values.filter { $0.isFinite }.max() ?? 1
        let range: ClosedRange<Float> = levels == 2 && colors == 1 ? 0...1 : 0...max(top, 1e-12)
        let label = colors == 1 ? "p(drawn value | earlier pixels)" : "p(drawn R, G, B | earlier pixels)"
        return try TraceDrawing.panel("probability each drawn pixel had", values: values, rows: height, cols: width,
                                      range: range, colormap: .viridis, barLabel: label, overlays: mark)
    }

    /// Per pixel: the probability its drawn value had (the product over colours), NaN until drawn.
    private func pixelProbabilities() -> [Float] {
        (0..<(height * width)).map { p in
            let parts = (0..<colors).map { drawnProbability[p * colors + $0] }.filter { !$0.isNaN }
            return parts.isEmpty ? .nan : parts.reduce(1, *)
        }
    }

    private func notDrawn() -> [Bool] {
        (0..<(height * width)).map { drawnProbability[$0 * colors].isNaN }
    }

    /// The image so far in the terminal (gray or blank: not drawn yet; in colour, black).
    private func previewLines(_ session: Session) -> [String] {
        if colors > 1 {
            return PixelREPL.previewLines(session, displayImages(trace.image, levels: levels), height: height, width: width,
                                          channels: colors)
        }
        let values = displayImages(trace.image, levels: levels)[0].prefix(height * width)
        let shown = zip(values, notDrawn()).map { $1 ? Float.nan : $0 }
        return TerminalPreview.lines(heatMap: shown, width: width, height: height, colormap: .grayscale,
                                     range: 0...1, color: session.previewColour)
    }
}

/// `trace sample [--seed s]`: starts stepping through the sampling of one image.
func startSampleTrace(_ session: Session, _ args: ParsedArguments) throws {
    let network = try session.requireModel()
    guard args.positional.count == 1 else { throw CommandError("trace sample takes no image — it draws a new one; try 'trace sample --seed 3'") }
    for option in ["layer", "split"] where args.value(option) != nil {
        throw CommandError("--\(option) is for tracing a layer on an image, not 'trace sample'")
    }
    let (height, width) = session.imageSize
    let trace = try SampleTraceState(network: network, height: height, width: width, seed: try seedValue(args))
    session.trace = trace
    session.say("tracing \(trace.title)")
    session.say(sampleTracePath(network))
    session.say("type 'step' (or press Enter again after it) to draw one pixel; 'where', 'show state', 'continue' draws the rest")
}

/// How `trace sample` computes its conditionals: "conditionals by the fast incremental path …",
/// for a multi-scale model stage by stage.
private func sampleTracePath(_ network: any PixelModel) -> String {
    guard let multiScale = network as? MultiScaleNetwork else { return "conditionals by the \(pathDescription(network))" }
    return "conditionals: stage 1 (the small image) by the \(pathDescription(multiScale.small)); "
        + "stage 2 (the rest) by the \(pathDescription(multiScale.conditionalStage))"
}
