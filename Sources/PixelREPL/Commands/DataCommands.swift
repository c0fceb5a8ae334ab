import Foundation
import PixelRNN
import PixelRender

/// The data commands, for `CommandRegistry.families`.
public let dataCommands: [Command] = DataCommands.all

/// The `data` command: load the bundled MNIST digits or a user's file, describe
/// the loaded set, render digits, and choose the binarization.
public enum DataCommands {
    /// Every command of this family (one: `data`), for the registry.
    public static var all: [Command] { [data] }

    /// Options and the sub-commands that accept them.
    static let optionUse: [String: Set<String>] = [
        "binarize": ["load"], "seed": ["load", "binarize"], "labels": ["load"],
        "size": ["load"], "grey": ["load"], "colour": ["load"], "levels": ["load"],
        "split": ["show"], "binarized": ["show"], "quantized": ["show"],
    ]

    /// `data load|info|show|binarize`.
    public static let data = Command(
        name: "data",
        summary: "load, describe and show images (bundled MNIST 5k, bundled colour emoji, IDX, .amat, PNG/JPEG)",
        usage: "data load [bundled|emoji|FILE|DIR] [--binarize MODE] [--seed N] [--labels FILE] [--levels K] "
            + "[--size N] [--grey|--colour] | data info | "
            + "data show i..j [--split train|valid|test] [--binarized|--quantized] | data binarize stochastic|fresh|threshold",
        examples: ["data load", "data info", "data show 0..15", "data show 0..7 --split test --binarized",
                   "data load --binarize fresh --seed 3", "data load binarized_mnist_train.amat",
                   "data binarize threshold", "data load emoji", "data load emoji --levels 8",
                   "data load photos/ --size 16 --colour"],
        subcommands: ["load", "info", "show", "binarize"],
        options: [
            OptionSpec("binarize", values: binarizeModes, help: "how grey pixels become 0/1 (default stochastic)"),
            OptionSpec("seed", help: "seed of stochastic binarization (default 0)"),
            OptionSpec("labels", values: ["<file>"], help: "IDX label file for an IDX image file"),
            OptionSpec("split", values: SplitName.allCases.map(\.rawValue), help: "which split to show (default train)"),
            OptionSpec("binarized", takesValue: false, help: "show the binary images the model sees"),
            OptionSpec("quantized", takesValue: false, help: "show the levels the model sees (K levels, drawn as k/(K−1))"),
            OptionSpec("levels", help: "levels models see, 2…256 (default: 2, binarized, for grey; 256 for colour)"),
            OptionSpec("size", help: "PNG/JPEG: cut the centred square and shrink it to N×N (2…64)"),
            OptionSpec("grey", takesValue: false, help: "PNG/JPEG: load as grey (luma)"),
            OptionSpec("colour", takesValue: false, help: "PNG/JPEG: load as colour (R, G, B)"),
        ],
        details: details,
        completesFiles: true,
        subcommandArguments: ["load": ["bundled", BundledColourData.name, "<file>"], "show": ["0..15"], "binarize": binarizeModes],
        run: run)

    static let binarizeModes = ["stochastic", "fresh", "threshold"]

    static let details = """
        data load                 bundled MNIST: 4,000 train / 500 valid / 500 test
                                  (400/50/50 per class; the rule: data/README.md)
        data load emoji           bundled colour: 1,381 Noto emoji, 16×16 RGB on white,
                                  1,105 / 138 / 138 (8/1/1 of every 10), 256 levels
        data load FILE            an IDX image file, raw or .gz: grey (idx3) or with
                                  colours (4 dimensions, magic 0x00000804), 2…64 pixels
                                  a side (labels found beside it, or --labels FILE),
                                  or a binarized .amat file (…_train/_valid/_test.amat
                                  side by side become the three splits; else 8/1/1 of
                                  every 10 images)
        data load FILE.png|DIR    your own PNG/JPEG images (a folder's, in name order;
                                  8/1/1 of every 10, all in every split if fewer than
                                  10); transparency on white; all one size unless
        --size N                  cuts the centred square and shrinks it to N×N by area
                                  averaging (images smaller than N×N are refused)
        --grey | --colour         luma, or R, G, B (a grey image in a colour load is
                                  refused); default: as the first image is
        --levels K                the levels models see: 2 = binarized (the default for
                                  grey), K = 3…256 = bytes quantized to the nearest of
                                  K levels 255·k/(K−1) (256, the default for colour,
                                  keeps every byte)
        --binarize stochastic     pixel = 1 with probability = intensity, drawn once
                                  from --seed (the data the paper's numbers use)
        --binarize fresh          the same, drawn afresh every epoch
        --binarize threshold      pixel = 1 where intensity > 0.5
        data info                 counts per split and class, split rule, size,
                                  colours, levels (or binarization)
        data show i..j            images i to j (inclusive) as a PNG grid; with
                                  --binarized, the bits the model sees; with
                                  --quantized, the K levels it sees
        data binarize MODE        change the binarization of the loaded set
        A failed load keeps the data set loaded before.
        """

    static func run(_ session: Session, _ args: ParsedArguments) throws {
        let sub = args.positional(0) ?? "info"
        try checkOptions(args, for: sub)
        switch sub {
        case "load": try load(session, args)
        case "info": try info(session, args)
        case "show": try show(session, args)
        case "binarize": try rebinarize(session, args)
        default: throw CommandError("unknown command 'data \(sub)' — 'data' takes load|info|show|binarize")
        }
    }

    /// Rejects an option given to a sub-command that does not use it.
    static func checkOptions(_ args: ParsedArguments, for sub: String) throws {
        for name in args.values.keys.sorted() + args.flags.sorted() where !(optionUse[name]?.contains(sub) ?? false) {
            let users = (optionUse[name] ?? []).sorted().map { "data \($0)" }.joined(separator: ", ")
            throw CommandError("--\(name) is not an option of 'data \(sub)' (it belongs to \(users))")
        }
    }

    /// The binarization chosen by `--binarize` and `--seed`.
    static func binarization(_ args: ParsedArguments, default mode: String = "stochastic") throws -> Binarization {
        let chosen = try args.choice("binarize", from: binarizeModes, default: mode)
        return try binarization(named: chosen, args)
    }

    static func binarization(named mode: String, _ args: ParsedArguments) throws -> Binarization {
        let seed = UInt64(try args.int("seed", default: 0, in: 0...Int.max))
        switch mode {
        case "stochastic": return .stochastic(seed: seed)
        case "fresh": return .freshEachEpoch(seed: seed)
        case "threshold":
            if args.value("seed") != nil { throw CommandError("--seed does not apply to threshold binarization") }
            return .threshold(0.5)
        default:
            let hint = Suggestions.didYouMean(mode, among: binarizeModes)
            throw CommandError("binarization must be one of \(binarizeModes.joined(separator: "|")), got '\(mode)'\(hint)")
        }
    }

    // MARK: data load

    static func load(_ session: Session, _ args: ParsedArguments) throws {
        guard args.positional.count <= 2 else {
            throw CommandError("data load takes one file, got \(args.positional.count - 1) words (quote a path with spaces)")
        }
        let mode = try binarization(args)
        let target = args.positional(1) ?? "bundled"
        let bundled = target == "bundled" || target == BundledColourData.name
        if bundled, args.value("labels") != nil {
            throw CommandError("--labels names the labels of a FILE; the bundled \(target == "bundled" ? "digits have their own" : "emoji have none")")
        }
        let levels = try args.value("levels").map { _ in try args.int("levels", default: 2, in: Quantization.allowedLevels) }
        if let levels, levels > 2, args.value("binarize") != nil {
            throw CommandError("--binarize applies to 2 levels; with --levels \(levels) the bytes are quantized, not binarized")
        }
        if args.flag("grey") && args.flag("colour") { throw CommandError("give --grey or --colour, not both") }
        let url = URL(fileURLWithPath: expandTilde(target))
        let images = !bundled && ImageFiles.isImageSource(url)
        if !images, let option = ["size", "grey", "colour"].first(where: { args.value($0) != nil || args.flag($0) }) {
            throw CommandError("--\(option) applies to PNG and JPEG files (one, or a folder of them), not to \(bundled ? "the bundled set" : "an IDX or .amat file")")
        }
        let loaded: LoadedDataSet
        do {
            if target == "bundled" {
                var set = try LoadedDataSet.bundled(binarization: mode, shouldStop: Interruption.shouldStop)
                set.levels = levels ?? 2
                loaded = set
            } else if target == BundledColourData.name {
                loaded = try LoadedDataSet.bundledColour(levels: levels ?? 256, binarization: mode,
                                                         shouldStop: Interruption.shouldStop)
            } else if images {
                let size = try args.value("size").map { _ in try args.int("size", default: 16, in: DataLimits.sides) }
                let colour: Bool? = args.flag("colour") ? true : args.flag("grey") ? false : nil
                loaded = try ImageFiles.load(url, options: .init(size: size, colour: colour, levels: levels, binarization: mode),
                                             shouldStop: Interruption.shouldStop)
            } else {
                let labels = args.value("labels").map { URL(fileURLWithPath: expandTilde($0)) }
                loaded = try LoadedDataSet.load(url, labels: labels, binarization: mode, levels: levels,
                                                shouldStop: Interruption.shouldStop)
            }
        } catch let error as DataFileError {
            let kept = session.data.map { " (still loaded: \($0.name))" } ?? ""
            if error.fault == .stopped { throw CommandError("interrupted (Ctrl-C) while loading\(kept)") }
            throw CommandError("cannot load: \(error.description)\(kept)")
        }
        let kept = session.data.map { " (still loaded: \($0.name))" } ?? ""
        if loaded.binarization == .givenByFile, let levels, levels > 2 {
            throw CommandError("\(loaded.name) is already binary (given by file): it has 2 levels, not \(levels)\(kept)")
        }
        if loaded.levels > 2, args.value("binarize") != nil {
            throw CommandError("--binarize applies to 2 levels; \(loaded.name) has \(loaded.levels) — add --levels 2 to binarize it\(kept)")
        }
        session.data = loaded
        session.say("loaded \(loaded.name): \(splitCounts(loaded)), \(shapeSummary(loaded))\(labelSummary(loaded))")
        if loaded.binarization == .givenByFile && args.value("binarize") != nil {
            session.say("note: the file is already binary, so --binarize is ignored")
        }
        session.say(levelsLine(loaded))
    }

    /// `28×28` for grey images, `16×16 RGB` for colour ones.
    static func shapeSummary(_ set: LoadedDataSet) -> String {
        "\(set.rows)×\(set.columns)" + (set.colors == 3 ? " RGB" : "")
    }

    /// `binarization: …` for binary data (as it always was), `levels: …` otherwise.
    static func levelsLine(_ set: LoadedDataSet) -> String {
        set.levels == 2 ? "binarization: \(set.binarization)" : "levels: \(set.levelsDescription)"
    }

    /// `, labelled 0–9` when every digit class is there and nothing else; else the label
    /// values really found (`, labelled 255 only`, `, labelled 0–4`, `, labels 3, 7, 200`); empty without labels.
    static func labelSummary(_ set: LoadedDataSet) -> String {
        guard set.isLabelled else { return "" }
        let values = Set(SplitName.allCases.flatMap { set[$0].classCounts.keys }).sorted()
        guard let low = values.first, let high = values.last else { return "" }
        if values.count == 1 { return ", labelled \(low) only" }
        if values == Array(low...high) { return ", labelled \(low)–\(high)" + (high > 9 ? " (not digits 0–9)" : "") }
        let shown = values.prefix(12).map(String.init).joined(separator: ", ")
        return ", labels \(shown)\(values.count > 12 ? ", … (\(values.count) values)" : "")"
    }

    /// `4000 train / 500 valid / 500 test`.
    static func splitCounts(_ set: LoadedDataSet) -> String {
        SplitName.allCases.map { "\(set[$0].count) \($0.rawValue)" }.joined(separator: " / ")
    }

    static func expandTilde(_ path: String) -> String {
        (path as NSString).expandingTildeInPath
    }

    // MARK: data info

    static func info(_ session: Session, _ args: ParsedArguments) throws {
        guard args.positional.count <= 1 else { throw CommandError("data info takes no arguments") }
        let set = try loaded(session)
        session.say("data set: \(set.name)")
        session.say("source: \(set.source)")
        session.say("split: \(set.splitRule)")
        session.say("images: \(set.rows)×\(set.columns), \(set.colors == 3 ? "colour (R, G, B)" : "grey")")
        session.say(levelsLine(set))
        let classes = Set(SplitName.allCases.flatMap { set[$0].classCounts.keys }).sorted()
        let header = classes.map { pad(String($0), 5) }.joined()
        session.say(padRight("split", 7) + pad("images", 7) + pad("mean", 7) + (classes.isEmpty ? "" : "   per class " + header))
        for name in SplitName.allCases {
            let part = set[name]
            let counts = classes.map { pad(String(part.classCounts[$0, default: 0]), 5) }.joined()
            let mean = String(format: "%.3f", part.meanIntensity)
            session.say(padRight(name.rawValue, 7) + pad(String(part.count), 7) + pad(mean, 7)
                        + (classes.isEmpty ? "" : "             " + counts))
        }
        session.say("mean = mean \(set.colors == 3 ? "value over R, G, B" : "pixel intensity") in [0, 1] (the expected fraction of 1s under stochastic binarization)")
    }

    static func pad(_ s: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - s.count)) + s
    }

    static func padRight(_ s: String, _ width: Int) -> String {
        s + String(repeating: " ", count: max(0, width - s.count))
    }

    static func loaded(_ session: Session) throws -> LoadedDataSet {
        guard let set = session.data else { throw CommandError("no data loaded; try 'data load' (the bundled MNIST digits)") }
        return set
    }

    // MARK: data show

    /// The most digits one `data show` draws.
    static let showLimit = 256

    // Not optimised: Swift 6.3.1's SIL optimiser (SimplifyCFG) crashes on this function in a
    // release build ("cannot get borrow introducers for unknown guaranteed value"); it draws
    // at most 256 small images, so nothing is lost.
    @_optimize(none)
    static func show(_ session: Session, _ args: ParsedArguments) throws {
        guard args.positional.count <= 2 else { throw CommandError("data show takes one range, e.g. 'data show 0..15'") }
        let set = try loaded(session)
        let splitName = try args.choice("split", from: SplitName.allCases.map(\.rawValue), default: "train")
        let split = SplitName(rawValue: splitName) ?? .train
        let part = set[split]
        let range = try parseRange(args.positional(1) ?? "0..15", count: part.count, split: splitName)
        let indices = Array(range)
        if args.flag("binarized") && args.flag("quantized") { throw CommandError("give --binarized or --quantized, not both") }
        if args.flag("binarized") && set.levels > 2 {
            throw CommandError("\(set.name) has \(set.levels) levels, not 2: 'data show … --quantized' shows what the model sees")
        }
        let modelView = args.flag("binarized") || args.flag("quantized")
        let images = shownImages(set, split: split, indices: indices, modelView: modelView)
        let per = set.colors * set.rows * set.columns
        let pictures = (0..<indices.count).map { Array(images.data[($0 * per)..<(($0 + 1) * per)]) }
        let captions = indices.map { i in part.labels.map { "#\(i) (\($0[i]))" } ?? "#\(i)" }
        let look = !modelView ? (set.colors == 3 ? "8-bit colours" : "grey intensities")
            : set.levels == 2 ? "binarized: \(set.binarization)" : set.levelsDescription
        let key = part.labels == nil ? "" : "; captions: #index (label)"
        let title = "\(set.name), \(splitName) \(range.lowerBound)..\(range.upperBound) (\(look)\(key))"
        let suffix = !modelView ? "" : set.levels == 2 ? "-binarized" : "-\(set.levels)-levels"
        let file = "data-\(splitName)-\(range.lowerBound)-\(range.upperBound)\(suffix).png"
        try drawImages(session, pictures: pictures, shape: (set.colors, set.rows, set.columns), captions: captions,
                       title: title, fileName: file)
        if let labels = part.labels {
            session.say("labels: " + indices.map { String(labels[$0]) }.joined(separator: " "))
        }
        session.say("\(set.name) \(splitName) \(range.lowerBound)..\(range.upperBound): \(look)")
    }

    /// The images `data show` draws, as intensities: what the model sees (the K levels, or the
    /// bits) with `modelView`, else the file's own values.
    static func shownImages(_ set: LoadedDataSet, split: SplitName, indices: [Int], modelView: Bool) -> Tensor {
        guard modelView else { return set[split].intensities(indices) }
        guard let quantization = set.quantization else { return set.binarized(split, indices: indices) }
        return quantization.intensities(ofLevels: set.levels(split, indices: indices))
    }

    /// `i..j` or `i...j` (inclusive), `i..<j`, or `i`, within `0..<count`.
    static func parseRange(_ text: String, count: Int, split: String) throws -> ClosedRange<Int> {
        let bad = CommandError("expected a range like 0..15 (inclusive) or a single index, got '\(text)'")
        let range: ClosedRange<Int>
        if let single = Int(text) {
            range = single...single
        } else if let r = text.range(of: "..<") {
            guard let a = Int(text[..<r.lowerBound]), let b = Int(text[r.upperBound...]), b > a else { throw bad }
            range = a...(b - 1)
        } else if let r = text.range(of: "...") ?? text.range(of: "..") {
            guard let a = Int(text[..<r.lowerBound]), let b = Int(text[r.upperBound...]), b >= a else { throw bad }
            range = a...b
        } else {
            throw bad
        }
        guard range.lowerBound >= 0, range.upperBound < count else {
            throw CommandError("the \(split) split has images 0..\(count - 1), got \(text)")
        }
        guard range.count <= showLimit else {
            throw CommandError("data show draws at most \(showLimit) images at once, got \(range.count)")
        }
        return range
    }

    /// Writes the grid PNG (PixelRender's `ImageGrid`), reports it, and previews it on a terminal.
    /// `shape` is (colours, rows, columns); each picture is its colour planes one after another.
    static func drawImages(_ session: Session, pictures: [[Float]], shape: (colors: Int, rows: Int, columns: Int),
                           captions: [String], title: String, fileName: String) throws {
        var grid = try ImageGrid(title: title, images: pictures, height: shape.rows, width: shape.columns, channels: shape.colors)
        grid.columns = min(pictures.count, 8)
        grid.captions = captions
        let url: URL
        do {
            url = try PixelRender.save(grid.render(), name: fileName, in: session.outputDirectory)
        } catch {
            throw CommandError("cannot write \(fileName) in \(session.outputDirectory.path): \(error)")
        }
        session.picture(url, title: title)
        guard session.previewsEnabled && session.isTerminal else { return }
        let colour = TerminalPreview.colorWanted(isTerminal: true, environment: ProcessInfo.processInfo.environment)
        let shown = Array(pictures.prefix(previewLimit))
        for line in imagePreview(shown, shape: shape, colour: colour) { session.writeLine(line) }
        if pictures.count > shown.count { session.say("(the preview shows the first \(shown.count); the PNG has all \(pictures.count))") }
    }

    /// The most images a terminal preview shows.
    static let previewLimit = 20

    /// Terminal preview lines: images side by side on a black strip (as many per strip as
    /// fit 150 columns of pixels in colour, 56 in plain characters; 5 and 2 digits of 28×28),
    /// each strip drawn by `TerminalPreview`.
    static func imagePreview(_ pictures: [[Float]], shape: (colors: Int, rows: Int, columns: Int), colour: Bool) -> [String] {
        let (colors, height, side) = shape
        let gap = 2
        let perStrip = max(1, ((colour ? 150 : 58) + gap) / (side + gap))
        let plane = height * side
        var lines: [String] = []
        for start in stride(from: 0, to: pictures.count, by: perStrip) {
            let strip = Array(pictures[start..<min(start + perStrip, pictures.count)])
            let width = perStrip * (side + gap) - gap  // full width always: one scale for every strip
            // One plane per colour, each strip-wide; then grey as it is, or RGB bytes.
            var planes = [[Float]](repeating: [Float](repeating: 0, count: width * height), count: colors)
            for (k, image) in strip.enumerated() {
                for c in 0..<colors {
                    for y in 0..<height {
                        for x in 0..<side { planes[c][y * width + k * (side + gap) + x] = image[c * plane + y * side + x] }
                    }
                }
            }
            guard colors == 3 else {
                lines += TerminalPreview.lines(gray: planes[0], width: width, height: height, color: colour)
                continue
            }
            let byte = { (v: Float) in UInt8(max(0, min(255, (v * 255).rounded()))) }
            let rgb = (0..<(width * height)).map { RGB(byte(planes[0][$0]), byte(planes[1][$0]), byte(planes[2][$0])) }
            lines += TerminalPreview.lines(rgb: rgb, width: width, height: height, color: colour)
        }
        return lines
    }

    // MARK: data binarize

    static func rebinarize(_ session: Session, _ args: ParsedArguments) throws {
        guard let mode = args.positional(1), args.positional.count == 2 else {
            throw CommandError("data binarize takes one mode: \(binarizeModes.joined(separator: "|"))")
        }
        var set = try loaded(session)
        guard set.binarization != .givenByFile else {
            throw CommandError("\(set.name) is already binary (given by file); there is nothing to binarize")
        }
        set.binarization = try binarization(named: mode, args)
        let was = set.levels
        set.levels = 2
        session.data = set
        if was != 2 { session.say("note: \(set.name) had \(was) levels; models now see 2, binarized") }
        session.say("binarization: \(set.binarization)")
    }
}
