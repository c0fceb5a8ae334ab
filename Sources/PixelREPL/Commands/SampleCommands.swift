import Foundation
import PixelRNN
import PixelRender

/// `sample [n]` and `complete`: drawing images pixel by pixel from the current model
/// (paper §2 and Figure 1). The sampling itself is `Sampler` in PixelRNN.
let sampleCommands: [Command] = [
    Command(
        name: "sample",
        summary: "draw new images pixel by pixel from the current model",
        usage: "sample [n] [--seed s] [--size N] [--method automatic|reference|incremental]",
        examples: ["sample", "sample 8 --seed 3", "sample 4 --method reference", "sample 16 --size 16"],
        options: [seedOption, methodOption,
                  OptionSpec("size", help: "image size N×N (default: the data's, else 28)")],
        details: """
        Draws n images (default 16) of the data's size (28×28 when no data is loaded) in raster \
        order: pixel i is drawn from p(x_i | x_<i), given every pixel drawn before it. Same seed, \
        same images. The incremental path computes each position of each layer once; the \
        reference path runs a full forward pass per pixel (slow, but obviously right). \
        An untrained model draws noise. Ctrl-C stops.
        """,
        run: runSample),
    Command(
        name: "complete",
        summary: "fill in hidden parts of test images (the paper's Figure 1)",
        usage: "complete [--occlude bottom-half|right-half|box] [--box r,c,h,w] [--images k] [--samples s] [--seed s] [--split train|valid|test]",
        examples: ["complete", "complete --occlude right-half --images 2 --samples 4", "complete --box 8,8,12,12"],
        options: [OptionSpec("occlude", values: ["bottom-half", "right-half", "box"], help: "pixels to hide (default bottom-half)"),
                  OptionSpec("box", help: "hidden box row,col,height,width"),
                  OptionSpec("images", help: "the first k images (default 4)"),
                  OptionSpec("samples", help: "completions per image (default 3)"),
                  seedOption,
                  OptionSpec("split", values: ["train", "valid", "test"], help: "split of the images (default test)"),
                  methodOption],
        details: """
        Hides part of each image and lets the model draw the hidden pixels, in raster order, each \
        from p(x_i | x_<i) given every pixel before it — the pixels kept are never changed. One \
        PNG: per image a row with the occluded input, the completions and the original. A \
        multi-scale model completes in two stages: the small image first (its given pixels kept, \
        the hidden ones drawn by the small network, outlined in orange), then the rest given it.
        """,
        run: runComplete),
]

/// `--seed s`, shared by `sample`, `complete` and `trace sample`.
let seedOption = OptionSpec("seed", help: "seed of the draws (default 0)")
/// `--method`, shared by `sample` and `complete`.
let methodOption = OptionSpec("method", values: SamplingMethod.allCases.map(\.rawValue),
                              help: "stepper (default automatic)")

// MARK: - sample

private func runSample(_ session: Session, _ args: ParsedArguments) throws {
    let network = try session.requireModel()
    let count = try sampleCount(args)
    let seed = try seedValue(args)
    let method = try samplingMethod(args)
    var (height, width) = session.imageSize
    if args.value("size") != nil { (height, width) = (try args.int("size", default: 28, in: 1...64), try args.int("size", default: 28, in: 1...64)) }
    if let multiScale = network as? MultiScaleNetwork {
        return try sampleMultiScale(session, multiScale, count: count, height: height, width: width, seed: seed, method: method)
    }
    let draws = height * width * network.config.colors
    var images: Tensor?
    let seconds = try Benchmark.time {
        images = try runSampler(session, totalDraws: draws) { stop in
            try Sampler.sample(network: network, count: count, height: height, width: width, seed: seed,
                               method: method, shouldStop: stop)
        }
    }
    guard let images else { return }
    session.say(String(format: "%d image%@ of %d×%d in %.2f s — %@", count, count == 1 ? "" : "s", height, width,
                       seconds, pathDescription(network, method)))
    try renderSamples(session, images, network: network, seed: seed)
}

/// `n` from the first positional word (default 16).
private func sampleCount(_ args: ParsedArguments) throws -> Int {
    guard args.positional.count <= 1 else { throw CommandError("sample takes one number, e.g. 'sample 16'") }
    guard let word = args.positional.first else { return 16 }
    guard let n = Int(word), (1...256).contains(n) else {
        throw CommandError("the number of images must be 1…256, got '\(word)'")
    }
    return n
}

private func renderSamples(_ session: Session, _ images: Tensor, network: any PixelModel, seed: UInt64) throws {
    let config = network.config
    let title = "\(counted(images.shape[0], "sample")) from \(describe(config)) — seed \(seed)"
    let pictures = displayImages(images, levels: config.levels)
    do {
        var grid = try ImageGrid(title: "", images: pictures, height: images.shape[2], width: images.shape[3],
                                 channels: config.colors)
        grid.columns = min(8, pictures.count)
        var panels = try Panels(title: title, panels: [Panel(subtitle: "", canvas: grid.render())])
        panels.legend = [LegendItem("each image drawn pixel by pixel in raster order, pixel i from p(x_i | x_<i)"),
                         LegendItem(levelsLegend(config))]
        try session.show(panels.render(), name: "sample-\(config.kind.rawValue)-seed\(seed)", title: title,
                         preview: previewLines(session, pictures, height: images.shape[2], width: images.shape[3],
                                               channels: config.colors))
    } catch let error as CommandError {
        throw error
    } catch {
        throw CommandError("cannot draw the samples: \(error)")
    }
}

// MARK: - complete

private func runComplete(_ session: Session, _ args: ParsedArguments) throws {
    let network = try session.requireModel()
    let data = try session.requireData()
    guard args.positional.isEmpty else { throw CommandError("complete takes only options, e.g. 'complete --occlude right-half'") }
    let split = SplitName(rawValue: try args.choice("split", from: SplitName.allCases.map(\.rawValue), default: "test"))!
    let count = try args.int("images", default: 4, in: 1...min(16, data[split].count))
    let perImage = try args.int("samples", default: 3, in: 1...8)
    let (seed, method) = (try seedValue(args), try samplingMethod(args))
    let (height, width) = (data[split].images.shape[2], data[split].images.shape[3])
    let occlusion = try parseOcclusion(args, height: height, width: width)
    let keep = occlusion.keepMask(height: height, width: width)
    try checkGreyModelReadsGreyData(data, network.config)
    let images = network.config.colors == 3
        ? colourImageLevels(data, split: split, indices: Array(0..<count), levels: network.config.levels).0
        : levelBatch(data, split: split, count: count, levels: network.config.levels)
    let multiScale = network as? MultiScaleNetwork
    var completions: Tensor?
    let seconds = try Benchmark.time {
        completions = try runSampler(session, totalDraws: Sampler.drawCount(network, height: height, width: width)) { stop in
            if let multiScale {
                return try MultiScaleSampler.complete(network: multiScale, images: images, keep: keep, samplesPerImage: perImage,
                                                      seed: seed, method: method, shouldStop: stop).full
            }
            return try Sampler.complete(network: network, images: images, keep: keep, samplesPerImage: perImage,
                                        seed: seed, method: method, shouldStop: stop)
        }
    }
    guard let completions else { return }
    let hidden = keep.data.filter { $0 == 0 }.count
    session.say("occluded: \(describe(occlusion, height: height, width: width)) — \(hidden) of \(height * width) pixels of each image")
    session.say(String(format: "drew %d pixels × %d completions (%d image%@ × %d) = %d pixels in %.2f s — %@",
                       hidden, count * perImage, count, count == 1 ? "" : "s", perImage, hidden * count * perImage,
                       seconds, multiScale.map { completionStages($0, keep: keep, method: method) } ?? pathDescription(network, method)))
    let changed = changedGivenPixels(images, completions, keep: keep)
    session.say("given pixels changed in the completions: \(changed)"
                + (changed == 0 ? " — the \(height * width - hidden) given pixels of each image are kept in every completion"
                                : " — THE SAMPLER OVERWROTE GIVEN PIXELS"))
    var figure = CompletionFigure(images: images, completions: completions, keep: keep, occlusion: occlusion,
                                  split: split, labels: data[split].labels, config: network.config, seed: seed)
    figure.stageOne = multiScale.map { hiddenSmallPixels($0, keep: keep) }
    try figure.render(session)
}

/// How many given (kept) pixel colours of the completions differ from their image — 0
/// unless the sampler is wrong. Completions of image n are n·s ..< (n+1)·s; `keep` is one
/// H×W plane for every colour.
private func changedGivenPixels(_ images: Tensor, _ completions: Tensor, keep: Tensor) -> Int {
    let plane = keep.count
    let size = images.count / images.shape[0]       // C·H·W
    let perImage = completions.shape[0] / images.shape[0]
    var changed = 0
    for k in 0..<completions.shape[0] {
        let (drawn, original) = (k * size, (k / perImage) * size)
        for i in 0..<size where keep.data[i % plane] != 0 && completions.data[drawn + i] != images.data[original + i] { changed += 1 }
    }
    return changed
}

/// The occlusion `--occlude` and `--box` ask for.
private func parseOcclusion(_ args: ParsedArguments, height: Int, width: Int) throws -> Occlusion {
    let boxWord = args.value("box")
    let name = try args.choice("occlude", from: ["bottom-half", "right-half", "box"],
                               default: boxWord == nil ? "bottom-half" : "box")
    if boxWord != nil && name != "box" {
        throw CommandError("--box goes with --occlude box, not --occlude \(name)")
    }
    switch name {
    case "bottom-half": return .bottomHalf
    case "right-half": return .rightHalf
    default:
        guard let boxWord else { return .box(row: height / 4, column: width / 4, height: height / 2, width: width / 2) }
        return try parseBox(boxWord, height: height, width: width)
    }
}

/// `r,c,h,w`: a box that starts inside the image and is at least 1×1.
private func parseBox(_ word: String, height: Int, width: Int) throws -> Occlusion {
    let parts = word.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 4, let r = parts[0], let c = parts[1], let h = parts[2], let w = parts[3] else {
        throw CommandError("--box expects row,column,height,width — four whole numbers such as 8,8,12,12 — got '\(word)'")
    }
    guard (0..<height).contains(r), (0..<width).contains(c) else {
        throw CommandError("--box must start inside the \(height)×\(width) image: row 0…\(height - 1), column 0…\(width - 1), got \(r),\(c)")
    }
    guard h >= 1, w >= 1 else { throw CommandError("--box height and width must be at least 1, got \(h)×\(w)") }
    return .box(row: r, column: c, height: min(h, height - r), width: min(w, width - c))
}

/// "the bottom half (rows 14…27)".
private func describe(_ occlusion: Occlusion, height: Int, width: Int) -> String {
    switch occlusion {
    case .bottomHalf: return "the bottom half (rows \(height / 2)…\(height - 1))"
    case .rightHalf: return "the right half (columns \(width / 2)…\(width - 1))"
    case .box(let r, let c, let h, let w):
        return "a \(h)×\(w) box (rows \(r)…\(r + h - 1), columns \(c)…\(c + w - 1))"
    }
}

/// The first `count` images of a split as the model reads them: (count, 1, H, W) levels.
private func levelBatch(_ data: LoadedDataSet, split: SplitName, count: Int, levels: Int) -> Tensor {
    data.levels(split, indices: Array(0..<count), levels: levels)
}

/// The figure of `complete`: per image a row — occluded input, completions, original.
private struct CompletionFigure {
    let images: Tensor
    let completions: Tensor
    let keep: Tensor
    let occlusion: Occlusion
    let split: SplitName
    let labels: [Int]?
    let config: ModelConfig
    let seed: UInt64

    var count: Int { images.shape[0] }
    var perImage: Int { completions.shape[0] / count }
    var height: Int { images.shape[2] }
    var width: Int { images.shape[3] }
    /// True where a pixel is hidden (drawn by the model).
    var hiddenMask: [Bool] { keep.data.map { $0 == 0 } }
    /// For a multi-scale model: the hidden pixels of the small image (drawn in stage 1), outlined.
    var stageOne: [Bool]?

    func render(_ session: Session) throws {
        let (pictures, captions, overlays) = cells()
        let occluded = describe(occlusion, height: height, width: width)
        let title = "Completions by \(describe(config)): \(occluded) hidden — seed \(seed)"
        do {
            var grid = try ImageGrid(title: "", images: pictures, height: height, width: width, channels: config.colors)
            grid.columns = perImage + 2
            grid.captions = captions
            grid.overlays = overlays
            var panels = try Panels(title: title, panels: [Panel(subtitle: "", canvas: grid.render())])
            panels.legend = legend
            try session.show(panels.render(), name: "complete-\(config.kind.rawValue)-\(occlusionName)-seed\(seed)",
                             title: title, preview: previewLines(session, session.previewColour ? [pictures[0], pictures[1]] : [pictures[1]],
                                                                 height: height, width: width, channels: config.colors))
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError("cannot draw the completions: \(error)")
        }
    }

    private var occlusionName: String {
        switch occlusion {
        case .bottomHalf: return "bottom-half"
        case .rightHalf: return "right-half"
        case .box(let r, let c, let h, let w): return "box-\(r)-\(c)-\(h)-\(w)"
        }
    }

    /// Every cell of the grid, row by row: pictures, captions and overlays.
    private func cells() -> ([[Float]], [String], [[Overlay]]) {
        let originals = displayImages(images, levels: config.levels)
        let drawn = displayImages(completions, levels: config.levels)
        let mask = hiddenMask
        let outline = Overlay.outline(mask: mask, color: Palette.marker)
        var pictures: [[Float]] = [], captions: [String] = [], overlays: [[Overlay]] = []
        for i in 0..<count {
            let digit = labels.map { ", digit \($0[i])" } ?? ""
            pictures.append(originals[i].enumerated().map { mask[$0.offset % mask.count] ? 0.5 : $0.element })
            captions.append("\(split.rawValue) \(i): occluded")
            overlays.append([.shade(mask: mask, color: Palette.shade, opacity: 0.35), outline])
            for k in 0..<perImage {
                pictures.append(drawn[i * perImage + k])
                captions.append("completion \(k + 1)")
                overlays.append([outline] + (stageOne.map { [Overlay.outline(mask: $0, color: Palette.highlight)] } ?? []))
            }
            pictures.append(originals[i])
            captions.append("original\(digit)")
            overlays.append([outline])
        }
        return (pictures, captions, overlays)
    }

    private var legend: [LegendItem] {
        [LegendItem("red: the hidden pixels — shaded in the occluded input, drawn by the model in each completion",
                    color: Palette.shade),
         LegendItem("each row: one \(split.rawValue) image — the occluded input, \(perImage) completion\(perImage == 1 ? "" : "s"), the original"),
         LegendItem("pixels outside the red outline are given and kept; inside, pixel i is drawn from p(x_i | x_<i)")]
            + (stageOne == nil ? [] : [LegendItem("orange: the hidden pixels of the small image, drawn first (stage 1, the small network); "
                                                  + "then the rest given them (stage 2)", color: Palette.highlight)])
            + [LegendItem(levelsLegend(config))]
    }
}

// MARK: - shared by sample, complete and trace sample

extension Session {
    /// The size of the loaded data's images, or 28×28 without data.
    var imageSize: (height: Int, width: Int) {
        guard let shape = data?.test.images.shape, shape.count == 4 else { return (28, 28) }
        return (shape[2], shape[3])
    }
}

/// `--seed` as an unsigned seed (default 0).
func seedValue(_ args: ParsedArguments) throws -> UInt64 {
    UInt64(try args.int("seed", default: 0, in: 0...Int.max))
}

/// `--method` (default automatic).
private func samplingMethod(_ args: ParsedArguments) throws -> SamplingMethod {
    SamplingMethod(rawValue: try args.choice("method", from: SamplingMethod.allCases.map(\.rawValue),
                                             default: SamplingMethod.automatic.rawValue))!
}

/// Which path the sampling takes, in words: "incremental path (…)" or "reference path (…)".
func pathDescription(_ network: any PixelModel, _ method: SamplingMethod = .automatic) -> String {
    let incremental = method == .incremental || (method == .automatic && Sampler.hasIncrementalPath(network))
    if incremental { return "fast incremental path (each position of each layer computed once)" }
    let why = method == .reference ? "as asked" : Sampler.whyNoIncrementalPath(network) ?? "no incremental form"
    return "slow reference path (a full forward pass per pixel; \(why))"
}

/// Runs a sampling call with a progress line and Ctrl-C; nil (after one line) when stopped.
func runSampler(_ session: Session, totalDraws: Int,
                _ body: (() -> Bool) throws -> Tensor) throws -> Tensor? {
    var draws = 0
    let every = max(1, totalDraws / 28)
    let stop: () -> Bool = {
        if draws % every == 0 { session.progress("sampling: \(draws) of \(totalDraws) pixels drawn (Ctrl-C stops)") }
        draws += 1
        return Interruption.requested
    }
    do {
        return try body(stop)
    } catch let error as SamplingError {
        if case .interrupted(let done, let total) = error {
            session.say("stopped after \(done) of \(counted(total, "pixel")) (Ctrl-C); nothing was kept")
            return nil
        }
        throw CommandError(error.description)
    }
}

/// Each image of a (N, C, H, W) batch of levels as C·H·W intensities in [0, 1] for drawing.
func displayImages(_ images: Tensor, levels: Int) -> [[Float]] {
    let per = images.count / max(1, images.shape[0])
    let scale = 1 / Float(levels - 1)
    return (0..<images.shape[0]).map { n in images.data[(n * per)..<((n + 1) * per)].map { $0 * scale } }
}

/// What black and white mean in the pictures.
func levelsLegend(_ config: ModelConfig) -> String {
    config.levels == 2 ? "binary pixels: white = 1, black = 0"
        : "\(config.levels) levels: level k drawn as intensity k / \(config.levels - 1)" + (config.colors == 3 ? " in each of R, G, B" : "")
}

/// A terminal preview: the first images side by side at full size, as many as fit in
/// 80 columns (two in colour, one in plain characters), a gray column between them.
func previewLines(_ session: Session, _ pictures: [[Float]], height: Int, width: Int, channels: Int) -> [String] {
    let colour = session.previewColour
    let fit = max(1, min(pictures.count, (80 / (colour ? 1 : 2) + 1) / (width + 1)))
    let stripWidth = fit * (width + 1) - 1
    var strip = [RGB](repeating: Palette.separator, count: height * stripWidth)
    for (k, picture) in pictures.prefix(fit).enumerated() {
        for y in 0..<height {
            for x in 0..<width {
                strip[y * stripWidth + k * (width + 1) + x] = pixelColour(picture, y * width + x, plane: height * width,
                                                                          channels: channels)
            }
        }
    }
    return TerminalPreview.lines(rgb: strip, width: stripWidth, height: height, color: colour)
}

/// The colour of pixel `i` of a CHW picture in [0, 1] (grey, or R, G, B planes).
private func pixelColour(_ picture: [Float], _ i: Int, plane: Int, channels: Int) -> RGB {
    guard channels == 3 else { return RGB(gray: picture[i]) }
    let byte = { (v: Float) in UInt8((min(max(v.isNaN ? 0 : v, 0), 1) * 255).rounded()) }
    return RGB(byte(picture[i]), byte(picture[plane + i]), byte(picture[2 * plane + i]))
}
