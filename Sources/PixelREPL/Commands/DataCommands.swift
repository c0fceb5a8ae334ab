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
        "split": ["show"], "binarized": ["show"],
    ]

    /// `data load|info|show|binarize`.
    public static let data = Command(
        name: "data",
        summary: "load, describe and show the digits (bundled MNIST 5k, IDX or .amat files)",
        usage: "data load [bundled|FILE] [--binarize MODE] [--seed N] [--labels FILE] | data info | "
            + "data show i..j [--split train|valid|test] [--binarized] | data binarize stochastic|fresh|threshold",
        examples: ["data load", "data info", "data show 0..15", "data show 0..7 --split test --binarized",
                   "data load --binarize fresh --seed 3", "data load binarized_mnist_train.amat",
                   "data binarize threshold"],
        subcommands: ["load", "info", "show", "binarize"],
        options: [
            OptionSpec("binarize", values: binarizeModes, help: "how grey pixels become 0/1 (default stochastic)"),
            OptionSpec("seed", help: "seed of stochastic binarization (default 0)"),
            OptionSpec("labels", values: ["<file>"], help: "IDX label file for an IDX image file"),
            OptionSpec("split", values: SplitName.allCases.map(\.rawValue), help: "which split to show (default train)"),
            OptionSpec("binarized", takesValue: false, help: "show the binary images the model sees"),
        ],
        details: details,
        completesFiles: true,
        subcommandArguments: ["load": ["bundled", "<file>"], "show": ["0..15"], "binarize": binarizeModes],
        run: run)

    static let binarizeModes = ["stochastic", "fresh", "threshold"]

    static let details = """
        data load                 bundled MNIST: 4,000 train / 500 valid / 500 test
                                  (400/50/50 per class; the rule: data/README.md)
        data load FILE            an MNIST IDX image file, raw or .gz (labels found
                                  beside it, or --labels FILE), or a binarized .amat
                                  file (…_train/_valid/_test.amat side by side become
                                  the three splits; else 8/1/1 of every 10 images)
        --binarize stochastic     pixel = 1 with probability = intensity, drawn once
                                  from --seed (the data the paper's numbers use)
        --binarize fresh          the same, drawn afresh every epoch
        --binarize threshold      pixel = 1 where intensity > 0.5
        data info                 counts per split and class, split rule, binarization
        data show i..j            digits i to j (inclusive) as a PNG grid; with
                                  --binarized, the bits the model sees
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
        if target == "bundled", args.value("labels") != nil {
            throw CommandError("--labels names the labels of a FILE; the bundled digits have their own")
        }
        let loaded: LoadedDataSet
        do {
            if target == "bundled" {
                loaded = try LoadedDataSet.bundled(binarization: mode, shouldStop: Interruption.shouldStop)
            } else {
                let labels = args.value("labels").map { URL(fileURLWithPath: expandTilde($0)) }
                loaded = try LoadedDataSet.load(URL(fileURLWithPath: expandTilde(target)), labels: labels,
                                                binarization: mode, shouldStop: Interruption.shouldStop)
            }
        } catch let error as DataFileError {
            let kept = session.data.map { " (still loaded: \($0.name))" } ?? ""
            if error.fault == .stopped { throw CommandError("interrupted (Ctrl-C) while loading\(kept)") }
            throw CommandError("cannot load: \(error.description)\(kept)")
        }
        session.data = loaded
        session.say("loaded \(loaded.name): \(splitCounts(loaded)), 28×28\(labelSummary(loaded))")
        if loaded.binarization == .givenByFile && args.value("binarize") != nil {
            session.say("note: the file is already binary, so --binarize is ignored")
        }
        session.say("binarization: \(loaded.binarization)")
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
        session.say("binarization: \(set.binarization)")
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
        session.say("mean = mean pixel intensity in [0, 1] (the expected fraction of 1s under stochastic binarization)")
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

    static func show(_ session: Session, _ args: ParsedArguments) throws {
        guard args.positional.count <= 2 else { throw CommandError("data show takes one range, e.g. 'data show 0..15'") }
        let set = try loaded(session)
        let splitName = try args.choice("split", from: SplitName.allCases.map(\.rawValue), default: "train")
        let split = SplitName(rawValue: splitName) ?? .train
        let part = set[split]
        let range = try parseRange(args.positional(1) ?? "0..15", count: part.count, split: splitName)
        let indices = Array(range)
        let binarized = args.flag("binarized")
        let images = binarized ? set.binarized(split, indices: indices) : part.intensities(indices)
        let per = 28 * 28
        let pictures = (0..<indices.count).map { Array(images.data[($0 * per)..<(($0 + 1) * per)]) }
        let captions = indices.map { i in part.labels.map { "#\(i) (\($0[i]))" } ?? "#\(i)" }
        let look = binarized ? "binarized: \(set.binarization)" : "grey intensities"
        let key = part.labels == nil ? "" : "; captions: #index (label)"
        let title = "\(set.name), \(splitName) \(range.lowerBound)..\(range.upperBound) (\(look)\(key))"
        let file = "data-\(splitName)-\(range.lowerBound)-\(range.upperBound)\(binarized ? "-binarized" : "").png"
        try drawDigits(session, pictures: pictures, captions: captions, title: title, fileName: file)
        if let labels = part.labels {
            session.say("labels: " + indices.map { String(labels[$0]) }.joined(separator: " "))
        }
        session.say("\(set.name) \(splitName) \(range.lowerBound)..\(range.upperBound): \(look)")
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
            throw CommandError("data show draws at most \(showLimit) digits at once, got \(range.count)")
        }
        return range
    }

    /// Writes the grid PNG (PixelRender's `ImageGrid`), reports it, and previews it on a terminal.
    static func drawDigits(_ session: Session, pictures: [[Float]], captions: [String],
                           title: String, fileName: String) throws {
        var grid = try ImageGrid(title: title, images: pictures, height: 28, width: 28)
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
        for line in digitPreview(shown, colour: colour) { session.writeLine(line) }
        if pictures.count > shown.count { session.say("(the preview shows the first \(shown.count); the PNG has all \(pictures.count))") }
    }

    /// The most digits a terminal preview shows.
    static let previewLimit = 20

    /// Terminal preview lines: digits side by side on a black strip (5 per strip in
    /// colour, 2 in plain characters), each strip drawn by `TerminalPreview`.
    static func digitPreview(_ pictures: [[Float]], colour: Bool) -> [String] {
        let perStrip = colour ? 5 : 2, gap = 2
        var lines: [String] = []
        for start in stride(from: 0, to: pictures.count, by: perStrip) {
            let strip = Array(pictures[start..<min(start + perStrip, pictures.count)])
            let width = perStrip * (28 + gap) - gap  // full width always: one scale for every strip
            var pixels = [Float](repeating: 0, count: width * 28)
            for (k, image) in strip.enumerated() {
                for y in 0..<28 { for x in 0..<28 { pixels[y * width + k * (28 + gap) + x] = image[y * 28 + x] } }
            }
            lines += TerminalPreview.lines(gray: pixels, width: width, height: 28, color: colour)
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
        session.data = set
        session.say("binarization: \(set.binarization)")
    }
}
