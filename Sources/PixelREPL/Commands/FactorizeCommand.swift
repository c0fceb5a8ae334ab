import Foundation
import PixelRNN
import PixelRender

/// `factorize [i] [--split train|valid|test] [--numbers]`: the chain rule on one image.
let factorizeCommands: [Command] = [
    Command(
        name: "factorize",
        summary: "the chain rule on one image: p(x) = Π p(x_i | x_<i) under the current model",
        usage: "factorize [index] [--split train|valid|test] [--numbers] [--pixel r,c]",
        examples: ["factorize", "factorize 3 --split test", "factorize 0 --numbers", "factorize 2 --pixel 14,14"],
        options: [OptionSpec("split", values: ["train", "valid", "test"], help: "which split the image comes from (default test)"),
                  OptionSpec("numbers", takesValue: false, help: "also print p(x_i | x_<i) for every pixel"),
                  OptionSpec("pixel", help: "on a colour model: the pixel whose three softmax distributions are drawn (default the centre)")],
        details: """
        Reads the image in raster order (row by row, left to right), pixel i = (i / W, i mod W). \
        The model gives each pixel a conditional distribution given the pixels before it; the \
        log-likelihood of the image is the sum of the logs of the probabilities it gives to the \
        values actually there. NLL = −log p(x) in nats per image; bits/dim = NLL / (H·W·C·ln 2). \
        On a colour model each pixel has three factors, p(R | x_<i) · p(G | x_<i, R) · p(B | x_<i, R, G): \
        a heat map per colour, and for one pixel (--pixel r,c) the three softmax distributions as bar charts. \
        On a multi-scale model, log p(x) = log p_small(x_small) + Σ_{i ∉ small} log p_cond(x_i | x_<i, x_small): \
        the two terms apart and their total (bits/dim over all dimensions), and the small-image pixels \
        outlined on the heat map — given to the conditional network, which does not predict them.
        """,
        run: runFactorize)
]

private func runFactorize(_ session: Session, _ args: ParsedArguments) throws {
    let network = try session.requireModel()
    let data = try session.requireData()
    let splitName = args.value("split") ?? "test"
    guard let split = SplitName(rawValue: splitName) else { throw CommandError("--split must be train, valid or test, got '\(splitName)'") }
    guard args.positional.count <= 1 else { throw CommandError("factorize takes one image index, e.g. 'factorize 3'") }
    let count = data[split].count
    var index = 0
    if let word = args.positional.first {
        guard let i = Int(word), i >= 0, i < count else {
            throw CommandError("image index must be 0…\(count - 1) in the \(split.rawValue) split, got '\(word)'")
        }
        index = i
    }
    if network.config.colors == 3 {
        let (pixels, source) = colourImageLevels(data, split: split, indices: [index], levels: network.config.levels)
        if let multiScale = network as? MultiScaleNetwork { try sayMultiScaleTerms(session, multiScale, pixels: pixels) }
        let label = data[split].labels.map { " (digit \($0[index]))" } ?? ""
        try ColourFactorization.run(session, network, pixels: pixels, what: "\(split.rawValue) image \(index)\(label)", source: source,
                                    name: "factorize-\(split.rawValue)-\(index)", pixelWord: args.value("pixel"), numbers: args.flag("numbers"))
        return
    }
    if args.value("pixel") != nil { throw CommandError("--pixel is for colour models (the three distributions of one pixel)") }
    try checkGreyModelReadsGreyData(data, network.config)
    let pixels = imageLevels(data, split: split, index: index, levels: network.config.levels)   // (1, 1, H, W)
    if let multiScale = network as? MultiScaleNetwork {
        return try factorizeMultiScale(session, multiScale, pixels: pixels, data: data, split: split, index: index, numbers: args.flag("numbers"))
    }
    let (height, width) = (pixels.shape[2], pixels.shape[3])
    let logits = network.onePassLogits(pixels)
    let logp = Likelihood.conditionalLogProbabilities(logits: logits, pixels: pixels, levels: network.config.levels)
    let nll = Likelihood.negativeLogLikelihood(logits: logits, pixels: pixels, levels: network.config.levels)[0]

    sayImage(session, data, split: split, index: index, levels: network.config.levels)
    session.say("raster order: pixel i = (row, col) = (i / \(width), i mod \(width)); p(x) = Π_i p(x_i | x_<i) over \(height * width) pixels")
    saySomePixels(session, pixels: pixels, logp: logp) { _, _ in "p(x_i | x_<i)" }
    let dims = height * width
    session.say(String(format: "log p(x) = Σ_i log p(x_i | x_<i) = %.2f nats", -nll))
    session.say(String(format: "NLL = %.2f nats/image = %.4f bits/dim   (uniform guess: %.2f nats)",
                       nll, Likelihood.bitsPerDimension(nats: nll, dimensions: dims),
                       Double(dims) * log(Double(network.config.levels))))
    let probabilities = logp.data.map { expf($0) }
    if args.flag("numbers") { sayNumbers(session, probabilities, width: width, title: "p(x_i | x_<i), row by row:") }
    try renderFactorization(session, pixels: pixels, probabilities: probabilities, index: index, split: split, nll: nll)
}

/// "image 3 of the test split (digit 5), binarized: …".
func sayImage(_ session: Session, _ data: LoadedDataSet, split: SplitName, index: Int, levels: Int) {
    let label = data[split].labels.map { " (digit \($0[index]))" } ?? ""
    session.say("image \(index) of the \(split.rawValue) split\(label), \(levels == 2 ? "binarized: \(data.binarization)" : "\(levels) grey levels")")
}

/// A few pixels' factors (the first ones, the first of row 1, the middle, the last): `factor(r, c)`
/// names the distribution of pixel (r, c).
func saySomePixels(_ session: Session, pixels: Tensor, logp: Tensor, factor: (_ row: Int, _ col: Int) -> String) {
    let (height, width) = (pixels.shape[2], pixels.shape[3])
    for i in [0, 1, 2, width, height * width / 2, height * width - 1] {
        let (r, c) = (i / width, i % width)
        session.say(String(format: "  i = %4d  (%2d, %2d)  x_i = %3d  %@ = %.4f", i, r, c,
                           Int(pixels[0, 0, r, c]), factor(r, c), exp(Double(logp[0, 0, r, c]))))
    }
}

/// `--numbers`: every pixel's probability, row by row ("0.93" printed ".93").
func sayNumbers(_ session: Session, _ probabilities: [Float], width: Int, title: String) {
    session.say(title)
    for r in 0..<(probabilities.count / width) {
        session.say((0..<width).map { probabilityCell(Double(probabilities[r * width + $0])) }.joined(separator: " "))
    }
}

/// A probability in three characters for the `--numbers` tables: ".07", ".99", and "1.0"
/// for what rounds to 1 (not ".00", which reads as 0).
func probabilityCell(_ p: Double) -> String {
    let text = String(format: "%.2f", p)
    return text.hasPrefix("0") ? String(text.dropFirst()) : String(format: "%.1f", p)
}

/// The image's levels as the model reads them: binarized (2 levels) or grey 0…K−1
/// (intensity·(K−1), rounded).
func imageLevels(_ data: LoadedDataSet, split: SplitName, index: Int, levels: Int) -> Tensor {
    data.modelLevels(split, indices: [index], levels: levels)
}

/// Draws and shows `factorize`'s picture (`factorizationPanels`), with the heat map as the
/// terminal preview.
func renderFactorization(_ session: Session, pixels: Tensor, probabilities: [Float],
                         index: Int, split: SplitName, nll: Double, given: [Bool]? = nil,
                         title: String? = nil, legend: [String]? = nil) throws {
    let (height, width) = (pixels.shape[2], pixels.shape[3])
    let title = title ?? String(format: "Chain rule on %@ image %d: NLL %.2f nats (%.4f bits/dim)", split.rawValue, index, nll,
                                Likelihood.bitsPerDimension(nats: nll, imageShape: pixels.shape))
    do {
        let panels = try factorizationPanels(pixels: pixels, probabilities: probabilities, given: given, title: title, legend: legend).panels
        try session.show(panels.render(), name: "factorize-\(split.rawValue)-\(index)", title: title,
                         preview: TerminalPreview.lines(heatMap: probabilities, width: width, height: height,
                                                        color: session.previewColour))
    } catch let error as CommandError {
        throw error
    } catch {
        throw CommandError("cannot draw the factorization: \(error)")
    }
}

/// The picture: the image and the heat map of each pixel's probability (returned too, for its
/// cells' geometry). `given` (row-major H·W), if any, is outlined on both (the multi-scale
/// model's small-image pixels); `legend` replaces the single-scale one.
func factorizationPanels(pixels: Tensor, probabilities: [Float], given: [Bool]?, title: String,
                         legend: [String]?) throws -> (panels: Panels, heat: HeatMap) {
    let (height, width) = (pixels.shape[2], pixels.shape[3])
    let scale = Float(1) / max(1, pixels.data.max() ?? 1)
    var image = try ImageGrid(title: "", images: [pixels.data.map { $0 * scale }], height: height, width: width)
    image.scale = max(1, 300 / max(height, width))
    var heat = try HeatMap(title: "", values: probabilities, rows: height, cols: width,
                           range: 0...1, barLabel: "p(x_i | x_<i)")
    heat.colTitle = "column"
    if let given {
        image.overlays = [[.outline(mask: given, color: Palette.highlight)]]
        heat.overlays = [.outline(mask: given, color: Palette.highlight)]
    }
    var panels = try Panels(title: title, panels: [
        Panel(subtitle: "the image x (as the model reads it)", canvas: image.render()),
        Panel(subtitle: "p(x_i | x_<i): probability of each actual value", canvas: heat.render()),
    ])
    panels.legend = (legend ?? ["pixels are read in raster order; dark cells are pixels the model found surprising"]).map { LegendItem($0) }
    return (panels, heat)
}
