import Foundation
import PixelRNN
import PixelRender

/// The images of a split as a colour model reads them: (N, 3, H, W) of levels 0…K−1, and
/// one line saying what they are. A grey data set's image becomes the grey RGB image
/// R = G = B (intensity·(K−1), rounded) until a colour data set is loaded.
func colourImageLevels(_ data: LoadedDataSet, split: SplitName, indices: [Int], levels: Int) -> (Tensor, String) {
    let images = data.colourLevels(split, indices: indices, levels: levels)
    if data.colors == 3 { return (images, "\(data.name) colour images, \(levels) levels") }
    return (images, "the grey image in each of R, G and B (R = G = B: the data set has no colours), \(levels) levels")
}

/// `factorize` on a colour model: p(x_i | x_<i) = p(R_i | x_<i) · p(G_i | x_<i, R_i) ·
/// p(B_i | x_<i, R_i, G_i), three factors per pixel, a heat map per colour, and for one
/// pixel the three softmax distributions as bar charts with the value actually there marked.
enum ColourFactorization {
    static let names = ["R", "G", "B"]

    /// `pixels` (1, 3, H, W) of levels; `what` says where the image came from.
    static func run(_ session: Session, _ network: any PixelModel, pixels: Tensor, what: String, source: String,
                    name: String, pixelWord: String?, numbers: Bool) throws {
        let (height, width, levels) = (pixels.shape[2], pixels.shape[3], network.config.levels)
        let (row, col) = try target(pixelWord, height: height, width: width)
        let logits = network.onePassLogits(pixels)
        let logp = Likelihood.conditionalLogProbabilities(logits: logits, pixels: pixels, levels: levels)   // (1, 3, H, W)
        let plane = height * width
        let nll = -logp.data.reduce(0.0) { $0 + Double($1) }
        let level = { (c: Int, p: Int) in Int(pixels.data[c * plane + p]) }
        let probability = { (c: Int, p: Int) in exp(Double(logp.data[c * plane + p])) }

        session.say("\(what), as a colour image: \(source)")
        session.say("p(x_i | x_<i) = p(R_i | x_<i) · p(G_i | x_<i, R_i) · p(B_i | x_<i, R_i, G_i): 3 factors for each of \(plane) pixels")
        for i in [0, 1, width, plane / 2, plane - 1] where i < plane {
            let factors = (0..<3).map { String(format: "%@ = %3d p = %.4f", names[$0], level($0, i), probability($0, i)) }
            session.say(String(format: "  i = %4d  (%2d, %2d)  ", i, i / width, i % width) + factors.joined(separator: "   "))
        }
        let byColour = (0..<3).map { c in -logp.data[(c * plane)..<((c + 1) * plane)].reduce(0.0) { $0 + Double($1) } }
        session.say("NLL by colour: " + (0..<3).map { String(format: "%@ %.2f", names[$0], byColour[$0]) }.joined(separator: ", ")
                    + " nats (G and B are given R, and B also G, of the same pixel)")
        let dims = 3 * plane
        session.say(String(format: "log p(x) = Σ_i Σ_colour log p = %.2f nats", -nll))
        session.say(String(format: "NLL = %.2f nats/image = %.4f bits/dim over %d·3 = %d dimensions   (uniform guess: %.2f nats)",
                           nll, Likelihood.bitsPerDimension(nats: nll, dimensions: dims), plane, dims,
                           Double(dims) * log(Double(levels))))
        if numbers {
            for c in 0..<3 {
                session.say("p(\(names[c]) | earlier), row by row:")
                for r in 0..<height {
                    session.say((0..<width).map { probabilityCell(probability(c, r * width + $0)) }.joined(separator: " "))
                }
            }
        }
        // The three distributions of the chosen pixel.
        let p = row * width + col
        var distributions: [[Float]] = []
        for c in 0..<3 {
            let slice = (0..<(levels == 2 ? 1 : levels)).map { k in logits.data[((levels == 2 ? c : k * 3 + c)) * plane + p] }
            distributions.append(PixelDistribution.probabilities(logits: slice[...], levels: levels))
        }
        session.say("pixel (\(row), \(col)): the three distributions (each over \(levels) levels):")
        for c in 0..<3 {
            let d = distributions[c], top = d.indices.max { d[$0] < d[$1] }!
            session.say(String(format: "  p(%@ | %@) : value there %3d, p = %.4f; most likely %3d, p = %.4f",
                               names[c], ["x_<i", "x_<i, R", "x_<i, R, G"][c], level(c, p), d[level(c, p)], top, d[top]))
        }
        let probabilities = logp.data.map { expf($0) }
        let given = (network as? MultiScaleNetwork).map { smallImageMask($0, height: height, width: width) }
        try renderFactors(session, pixels: pixels, probabilities: probabilities, levels: levels, row: row, col: col, given: given,
                          name: name, title: String(format: "Chain rule in colour on %@: NLL %.2f nats (%.4f bits/dim)", what, nll,
                                                    Likelihood.bitsPerDimension(nats: nll, dimensions: dims)))
        try renderSoftmax(session, distributions: distributions, values: (0..<3).map { level($0, p) }, row: row, col: col,
                          name: "\(name)-pixel-\(row)-\(col)", title: "The three softmax distributions of pixel (\(row), \(col)) of \(what)")
    }

    /// `--pixel r,c`, or the centre.
    static func target(_ word: String?, height: Int, width: Int) throws -> (Int, Int) {
        guard let word else { return (height / 2, width / 2) }
        let parts = word.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let r = parts[0], let c = parts[1] else {
            throw CommandError("--pixel expects row,column — two whole numbers such as 8,8 — got '\(word)'")
        }
        guard (0..<height).contains(r), (0..<width).contains(c) else {
            throw CommandError("--pixel (\(r), \(c)) is outside the \(height)×\(width) image")
        }
        return (r, c)
    }

    /// The image and one heat map of p(colour | …) per colour, the chosen pixel marked (and a
    /// multi-scale model's small-image pixels, `given`, outlined).
    private static func renderFactors(_ session: Session, pixels: Tensor, probabilities: [Float], levels: Int,
                                      row: Int, col: Int, given: [Bool]?, name: String, title: String) throws {
        let outline: [Overlay] = given.map { [.outline(mask: $0, color: Palette.marker)] } ?? []
        let (height, width) = (pixels.shape[2], pixels.shape[3])
        let plane = height * width
        let picture = pixels.data.map { $0 / Float(levels - 1) }
        do {
            var image = try ImageGrid(title: "", images: [picture], height: height, width: width, channels: 3)
            image.scale = max(1, 300 / max(height, width))
            image.overlays = [outline + [.mark(row: row, col: col, color: Palette.highlight)]]
            var panels = [Panel(subtitle: "the image x (as the model reads it)", canvas: image.render())]
            for c in 0..<3 {
                var heat = try HeatMap(title: "", values: Array(probabilities[(c * plane)..<((c + 1) * plane)]), rows: height, cols: width,
                                       range: 0...1, barLabel: "p(\(names[c]) | earlier)")
                heat.colTitle = "column"
                heat.overlays = outline + [.mark(row: row, col: col, color: Palette.highlight)]
                panels.append(Panel(subtitle: ["p(R_i | x_<i)", "p(G_i | x_<i, R_i)", "p(B_i | x_<i, R_i, G_i)"][c], canvas: heat.render()))
            }
            var composed = try Panels(title: title, panels: panels, columns: 2)
            composed.legend = [LegendItem("three factors per pixel: R given the pixels before it, G also given R, B also given R and G"),
                               LegendItem("orange square: the pixel whose distributions are drawn", color: Palette.highlight)]
            if given != nil {
                composed.legend.append(LegendItem("red outline: the small image, given to the conditional network (its factors are the small network's)",
                                                  color: Palette.marker))
            }
            try session.show(composed.render(), name: name, title: title,
                             preview: previewLines(session, [picture], height: height, width: width, channels: 3))
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError("cannot draw the factorization: \(error)")
        }
    }

    /// Three bar charts, one per colour, the value actually there marked.
    private static func renderSoftmax(_ session: Session, distributions: [[Float]], values: [Int], row: Int, col: Int,
                                      name: String, title: String) throws {
        do {
            var panels: [Panel] = []
            for c in 0..<3 {
                var chart = try BarChart(title: "", xLabel: "level of \(names[c])", yLabel: "probability", values: distributions[c])
                chart.yLimit = 1   // probabilities: every chart on the same 0…1 axis
                chart.color = Palette.channels[c]
                chart.marked = (values[c], String(format: "value there: %d (p = %.3f)", values[c], distributions[c][values[c]]))
                panels.append(Panel(subtitle: ["p(R | x_<i)", "p(G | x_<i, R)", "p(B | x_<i, R, G)"][c], canvas: chart.render()))
            }
            var composed = try Panels(title: title, panels: panels, columns: 1)
            composed.legend = [LegendItem("each bar: the probability of one level; orange: the level actually there", color: Palette.highlight)]
            try session.show(composed.render(), name: name, title: title, preview: [])
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError("cannot draw the softmax distributions: \(error)")
        }
    }
}
