import Foundation
import PixelRNN
import PixelRender

// The multi-scale PixelRNN in the REPL (Sources/PixelRNN/Models/MultiScale/README.md):
// `model new multiscale`, what `model show` and `eval` add for it, and its help.

/// The options `model new multiscale` takes besides the common ones.
let multiScaleModelOptions = [
    OptionSpec("base", values: ModelKinds.table.map(\.kind.rawValue), help: "multiscale: the kind of both networks (default rowlstm)"),
    OptionSpec("factor", help: "multiscale: the small image is x[k·r, k·c] (default 2: 28×28 → 14×14)"),
    OptionSpec("small-layers", help: "multiscale: L of the small network (default: --layers)"),
    OptionSpec("small-hidden", help: "multiscale: h of the small network (default: --hidden)"),
]

/// What `help model` says of the multi-scale model: every choice.
let multiScaleModelHelp = """
'model new multiscale' makes the Multi-Scale PixelRNN (paper §3.6): a small network of kind \
--base models the small image x_small = x[k·r, k·c] (k = --factor, 28×28 → 14×14 for k = 2), \
and a conditional network of the same kind models the rest of x given it: \
log p(x) = log p_small(x_small) + Σ_{i ∉ small} log p_cond(x_i | x_<i, x_small), exactly — the \
small pixels are given to the conditional network, not predicted again, not counted twice. \
The upsampler (3×3 conv, ReLU, transposed conv of kernel 2k and stride k, ReLU, crop, 3×3 conv; \
h channels, nothing masked) turns x_small into a map of the full size; for each block of the \
conditional network a 1×1 convolution of that map is added to the block's input-to-state map \
(the Row LSTM's K^is ⊛ x, each Diagonal BiLSTM direction's i_s, a PixelCNN block's input). \
So the conditional network sees every small pixel, those after the current pixel too. \
--layers and --hidden are the conditional network's, --small-layers and --small-hidden the small one's. \
'sample', 'complete' and 'trace sample' draw the small image first, then the rest given it, both stages \
on the incremental path (stage 2's bias maps computed once from the small image); 'eval' and \
'factorize' show the two terms apart; 'check causality' and 'rf' allow every small-image pixel to a \
pixel outside the small image; 'benchmark --model multiscale --base KIND' measures it.
"""

/// `model new multiscale …`.
func newMultiScaleModel(_ session: Session, _ args: ParsedArguments) throws {
    let layers = try args.int("layers", default: 7, in: 0...64)
    let hidden = try args.int("hidden", default: 16, in: 1...512)
    let base = ModelKind(rawValue: try args.choice("base", from: ModelKinds.table.map(\.kind.rawValue), default: "rowlstm"))!
    let settings = MultiScaleSettings(
        base: base,
        factor: try args.int("factor", default: MultiScaleSettings.defaultFactor,
                             in: MultiScaleSettings.factors.lowerBound...MultiScaleSettings.factors.upperBound),
        smallLayers: try args.int("small-layers", default: layers, in: 0...64),
        smallHidden: try args.int("small-hidden", default: hidden, in: 1...512))
    let config = ModelConfig.multiScale(settings, layers: layers, hidden: hidden,
                                        colors: try args.int("colors", default: 1, in: 1...3),
                                        levels: try args.int("levels", default: 2, in: 2...256))
    let seed = UInt64(try args.int("seed", default: 0, in: 0...Int(Int32.max)))
    try checkMemory(for: config, available: MachineMemory.available())
    let network: MultiScaleNetwork
    do { network = try MultiScaleNetwork(config: config, seed: seed) } catch {
        throw CommandError("cannot make that model: \(error)")
    }
    session.model = network
    session.say("new \(describe(config)), seed \(seed): \(network.parameterCount) parameters")
}

/// "Multi-Scale PixelRNN of Row LSTMs, factor 2: small network 2 layers, h = 8; conditional network …".
func describeMultiScale(_ config: ModelConfig, _ s: MultiScaleSettings, output: String) -> String {
    let colours = config.colors == 1 ? "1 colour" : "3 colours"
    return "Multi-Scale PixelRNN of \(s.base.paperName)s, factor \(s.factor): small network \(counted(s.smallLayers, "layer")), "
        + "h = \(s.smallHidden); conditional network \(counted(config.layers, "layer")), h = \(config.hidden); \(colours), \(output)"
}

/// `model show`'s lines for the three parts of a multi-scale model (after its layer table).
func showMultiScaleParts(_ session: Session, _ network: MultiScaleNetwork) {
    let count = { (prefix: String) in network.namedParameters.filter { $0.0.hasPrefix(prefix) }.reduce(0) { $0 + $1.1.value.count } }
    let biasMaps = network.namedParameters.filter { $0.0.contains(".bias_map.") }.reduce(0) { $0 + $1.1.value.count }
    let k = network.settings.factor
    session.say("small network (\(network.settings.base.paperName) on x[\(k)·r, \(k)·c]): \(count("small.")) parameters; "
                + "upsampler (upsample.1 is the transposed convolution, kernel \(2 * k)×\(2 * k), stride \(k)): \(count("upsample.")); "
                + "conditional network: \(count("cond.")) (of which the bias maps: \(biasMaps))")
}

/// `eval` for a multi-scale model: the two terms apart, and their sum.
func evalMultiScale(_ session: Session, _ network: MultiScaleNetwork, images: Tensor, split: SplitName, about: String) throws {
    let r = try wrap {
        try Interruption.stoppable { try network.evaluateTerms(images, shouldStop: Interruption.shouldStop) }
    }
    ModelProvenance.recordEvaluation(session, split: split, result: r.total, data: about)   // `model save` keeps it
    session.say(String(format: "%@ NLL: %.2f nats/image = %.4f bits/dim  (%d images of %@)", split.rawValue,
                       r.totalNats, r.bitsPerDimension(r.totalNats), r.images, about))
    sayMultiScaleTermLines(session, r, colors: network.config.colors)
}

/// `sample` for a multi-scale model: stage 1 (the small images), then stage 2 (the rest of
/// each image given its small one); one PNG with the small samples beside the full ones.
func sampleMultiScale(_ session: Session, _ network: MultiScaleNetwork, count: Int, height: Int, width: Int,
                      seed: UInt64, method: SamplingMethod) throws {
    var small: Tensor?
    var full: Tensor?
    let seconds = try Benchmark.time {
        full = try runSampler(session, totalDraws: Sampler.drawCount(network, height: height, width: width)) { stop in
            let drawn = try MultiScaleSampler.sample(network: network, count: count, height: height, width: width, seed: seed,
                                                     method: method, shouldStop: stop)
            small = drawn.small
            return drawn.full
        }
    }
    guard let small, let full else { return }
    let config = network.config
    session.say(String(format: "%d image%@ of %d×%d in %.2f s — stage 1: %d×%d small image%@ (%@); stage 2: the other pixels given them (%@)",
                       count, count == 1 ? "" : "s", height, width, seconds, small.shape[2], small.shape[3], count == 1 ? "" : "s",
                       pathDescription(network.small, method), pathDescription(network.conditionalStage, method)))
    let title = "\(counted(count, "sample")) from \(describe(config)) — seed \(seed)"
    do {
        var panels: [Panel] = []
        for (subtitle, images) in [("stage 1: the small images x_small", small), ("stage 2: the full images (small pixels kept)", full)] {
            var grid = try ImageGrid(title: "", images: displayImages(images, levels: config.levels), height: images.shape[2],
                                     width: images.shape[3], channels: config.colors)
            grid.columns = min(8, count)
            panels.append(Panel(subtitle: subtitle, canvas: grid.render()))
        }
        var picture = try Panels(title: title, panels: panels)
        picture.legend = [LegendItem("stage 1 draws x_small = x[\(network.settings.factor)·r, \(network.settings.factor)·c] pixel by pixel; stage 2 each other pixel from p(x_i | x_<i, x_small)"),
                          LegendItem(levelsLegend(config))]
        let pictures = displayImages(full, levels: config.levels)
        try session.show(picture.render(), name: "sample-multiscale-seed\(seed)", title: title,
                         preview: previewLines(session, pictures, height: height, width: width, channels: config.colors))
    } catch let error as CommandError {
        throw error
    } catch {
        throw CommandError("cannot draw the samples: \(error)")
    }
}

/// `rf`'s last lines for a multi-scale model: a pixel outside the small image may see every
/// small pixel (they are drawn first, in stage 1), so only the others count as the future; a
/// pixel of the small image may see only the small pixels before it.
func reportMultiScale(_ session: Session, _ field: ReceptiveField, factor k: Int) {
    let isSmall = { (p: (Int, Int)) in p.0 % k == 0 && p.1 % k == 0 }
    let targetIsSmall = isSmall((field.row, field.col))
    let givenLater = targetIsSmall ? 0 : field.violations.filter(isSmall).count
    let future = field.violations.count - givenLater
    let target = targetIsSmall ? "a pixel of the small image: the small network's prediction"
                               : "a pixel outside the small image: the conditional network's prediction"
    session.say("(\(field.row), \(field.col)) is \(target)")
    if !targetIsSmall {
        session.say("small-image pixels after it that it sees: \(givenLater) (allowed: the small image is drawn first)")
    }
    session.say("other pixels outside the causal context it sees: \(future)" + (future == 0 ? " (as it must be)" : " — THE MODEL SEES THE FUTURE"))
}

/// The hidden pixels of the small image, row-major H·W: what stage 1 of a completion draws.
func hiddenSmallPixels(_ network: MultiScaleNetwork, keep: Tensor) -> [Bool] {
    let (height, width) = (keep.shape[2], keep.shape[3])
    return zip(smallImageMask(network, height: height, width: width), keep.data).map { $0 && $1 == 0 }
}

/// `complete`'s account of a multi-scale model's two stages: "stage 1: the 49 hidden pixels of
/// the small image (fast …); stage 2: the other 343 given it (fast …)".
func completionStages(_ network: MultiScaleNetwork, keep: Tensor, method: SamplingMethod) -> String {
    let small = hiddenSmallPixels(network, keep: keep).filter { $0 }.count
    let hidden = keep.data.filter { $0 == 0 }.count
    return "stage 1: the \(small) hidden pixels of the small image (\(pathDescription(network.small, method))); "
        + "stage 2: the other \(hidden - small) given the whole small image (\(pathDescription(network.conditionalStage, method)))"
}
