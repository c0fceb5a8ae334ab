import Foundation
import PixelRNN
import PixelRender

// `factorize` on a multi-scale model (Sources/PixelRNN/Models/MultiScale/README.md): the exact
// split log p(x) = log p_small(x_small) + Σ_{i ∉ small} log p_cond(x_i | x_<i, x_small), the two
// terms apart, and the small-image pixels outlined on the heat map — the pixels the conditional
// network is given and does not predict.

/// `factorize` on a grey multi-scale model, for one image `pixels` (1, 1, H, W).
func factorizeMultiScale(_ session: Session, _ network: MultiScaleNetwork, pixels: Tensor, data: LoadedDataSet,
                         split: SplitName, index: Int, numbers: Bool) throws {
    let (height, width, k) = (pixels.shape[2], pixels.shape[3], network.settings.factor)
    let terms = try network.evaluateTerms(pixels, batchSize: 1)
    let logits = network.onePassLogits(pixels)                       // the small network's at the small pixels
    let logp = Likelihood.conditionalLogProbabilities(logits: logits, pixels: pixels, levels: network.config.levels)
    let given = smallImageMask(network, height: height, width: width)
    sayImage(session, data, split: split, index: index, levels: network.config.levels)
    session.say("multi-scale: p(x) = p_small(x_small) · Π_{i ∉ small} p_cond(x_i | x_<i, x_small), x_small = x[\(k)·r, \(k)·c]: "
                + "\(terms.smallDimensions) of \(height * width) pixels, outlined on the map")
    session.say("raster order: pixel i = (row, col) = (i / \(width), i mod \(width)); a small-image pixel's factor is the small network's "
                + "(given the small pixels before it), every other pixel's the conditional network's (given x_<i and the whole small image)")
    saySomePixels(session, pixels: pixels, logp: logp) { r, c in
        network.isSmallPixel(row: r, col: c) ? "p_small(x_i | earlier small pixels)" : "p_cond(x_i | x_<i, x_small)"
    }
    session.say(String(format: "log p(x) = log p_small(x_small) + Σ_{i ∉ small} log p_cond = -%.2f - %.2f = -%.2f nats",
                       terms.smallNats, terms.conditionalNats, terms.totalNats))
    sayMultiScaleTermLines(session, terms, colors: network.config.colors)
    let dims = terms.dimensions
    session.say(String(format: "NLL = %.2f nats/image = %.4f bits/dim   (uniform guess: %.2f nats)",
                       terms.totalNats, terms.bitsPerDimension(terms.totalNats), Double(dims) * log(Double(network.config.levels))))
    let probabilities = logp.data.map { expf($0) }
    if numbers { sayNumbers(session, probabilities, width: width, title: "p(x_i | ·), row by row (small-image pixels: rows and columns 0, \(k), \(2 * k), …):") }
    let title = String(format: "Chain rule on %@ image %d, multi-scale: NLL %.2f + %.2f = %.2f nats (%.4f bits/dim)", split.rawValue, index,
                       terms.smallNats, terms.conditionalNats, terms.totalNats, terms.bitsPerDimension(terms.totalNats))
    try renderFactorization(session, pixels: pixels, probabilities: probabilities, index: index, split: split, nll: terms.totalNats,
                            given: given, title: title, legend: [
                                "outlined: the small image x[\(k)·r, \(k)·c], drawn first by the small network and GIVEN to the conditional network (it does not predict them)",
                                "every other cell: p_cond(x_i | x_<i, x_small) — the conditional network sees the whole small image, later pixels too",
                            ])
}

/// The small-image pixels of an H×W image, row-major: what `factorize` outlines.
func smallImageMask(_ network: MultiScaleNetwork, height: Int, width: Int) -> [Bool] {
    (0..<(height * width)).map { network.isSmallPixel(row: $0 / width, col: $0 % width) }
}

/// Before a colour multi-scale model's factorization: its two terms apart.
func sayMultiScaleTerms(_ session: Session, _ network: MultiScaleNetwork, pixels: Tensor) throws {
    let terms = try network.evaluateTerms(pixels, batchSize: 1)
    session.say(String(format: "multi-scale: NLL = %.2f nats/image = %.4f bits/dim, of which", terms.totalNats, terms.bitsPerDimension(terms.totalNats)))
    sayMultiScaleTermLines(session, terms, colors: network.config.colors)
}

/// The two terms of `eval` and `factorize`, each in nats/image and in bits/dim over all
/// dimensions; a colour model's counts name pixels and dimensions (C per pixel).
func sayMultiScaleTermLines(_ session: Session, _ r: MultiScaleEvaluationResult, colors: Int) {
    let count = { (dims: Int) in colors == 1 ? "\(dims) pixels" : "\(dims / colors) pixels, \(dims) dimensions" }
    let (small, rest) = ("small image (\(count(r.smallDimensions))):", "the rest given it (\(count(r.dimensions - r.smallDimensions))):")
    let pad = max(37, max(small.count, rest.count) + 1)
    for (name, nats) in [(small, r.smallNats), (rest, r.conditionalNats)] {
        session.say("  " + name.padding(toLength: pad, withPad: " ", startingAt: 0)
                    + String(format: "%.2f nats/image = %.4f bits/dim", nats, r.bitsPerDimension(nats)))
    }
    session.say("  (bits/dim of each term over all \(r.dimensions) dimensions, so that they add up)")
}
