import Foundation
import PixelRNN

/// `model new|show|save|load`: make, inspect and keep the current network.
let modelCommands: [Command] = [
    Command(
        name: "model",
        summary: "make a new network, show its layers, save, load or export it (PyTorch)",
        usage: "model new \(ModelKinds.allModelNames) [--layers L] [--hidden h] [--levels K] [--colors 1|3] [--seed N] [--residual on|off] [--skip on|off] [--bug NAME] | model show | model save FILE | model load FILE|pretrained:NAME | model export pytorch DIR",
        examples: ["model new pixelcnn --layers 2 --hidden 8", "model new diagbilstm", "model new diagbilstm --layers 2 --bug no-shift", "model show",
                   "model save out/pixelcnn.safetensors", "model load out/pixelcnn.safetensors",
                   "model load pretrained:diagbilstm", "model export pytorch out/pytorch"],
        subcommands: ["new", "show", "save", "load", "export"],
        options: [OptionSpec("layers", help: "L, the number of residual blocks (default 7)"),
                  OptionSpec("hidden", help: "h; the residual stream has 2h channels (default 16)"),
                  OptionSpec("levels", help: "K = 2 (binary, sigmoid) or any 3…256 (a K-way softmax per colour; 256 for 8-bit)"),
                  OptionSpec("colors", values: ["1", "3"], help: "1 (grey) or 3 (RGB)"),
                  OptionSpec("seed", help: "seed of the initial weights (default 0)"),
                  OptionSpec("residual", values: ["on", "off"], help: "x_{l+1} = x_l + F(x_l) (on, default) or F(x_l) (off)"),
                  OptionSpec("skip", values: ["on", "off"], help: "on: the head reads x_1 + … + x_L, every block's output (default off)"),
                  OptionSpec("bug", help: "build in a known bug of public code (below); 'check causality' finds the leaks")] + multiScaleModelOptions,
        details: """
        Defaults follow the paper's binarized-MNIST Diagonal BiLSTM: 7 layers, h = 16, 1 colour, \
        binary output. Every network is the 7×7 mask-A input layer, L residual blocks of its \
        kind, and the head (ReLU, 1×1 mask B 2h→32, ReLU, 1×1 mask B 32→K). \
        'model load pretrained:NAME' loads a trained checkpoint shipped in data/pretrained/ \
        (Tab completes the names; data/README.md gives the command that trained each). \
        'model save' records where the weights came from — the training run, the epoch \
        '--keep best-valid' kept, and every 'eval' of them — and 'model show' prints it. \
        'model export pytorch DIR' writes the model as a PyTorch module (pixelrnn_model.py), its \
        checkpoint (model.safetensors) and a training script (train.py, one process or torchrun \
        with DistributedDataParallel) whose checkpoints 'model load' reads back.
        --bug NAME builds in a known bug of public PixelRNN code; the checkpoint keeps it and \
        'model show' prints it in red. What each one breaks:
        \(knownBugLines)

        """ + multiScaleModelHelp,
        completesFiles: true,
        subcommandArguments: ["new": ModelKinds.allModels.map(\.rawValue), "save": ["<file>"],
                              "load": ["<file>"] + PretrainedModels.names().map { PretrainedModels.prefix + $0 },
                              "export": ["pytorch"]],
        run: runModel)
]

private func runModel(_ session: Session, _ args: ParsedArguments) throws {
    guard let sub = args.positional.first else {
        throw CommandError("model expects new, show, save, load or export — e.g. 'model new pixelcnn'")
    }
    switch sub {
    case "new": try newModel(session, args)
    case "show": try showModel(session)
    case "save", "load": try ModelFiles.run(sub, session, args)
    case "export": try ModelExport.run(session, args)
    default: throw CommandError("unknown 'model \(sub)' — expected new, show, save, load or export")
    }
}

private func newModel(_ session: Session, _ args: ParsedArguments) throws {
    if args.positional.count == 2 && args.positional[1].lowercased() == ModelKind.multiscale.rawValue {
        if let given = ["bug", "residual", "skip"].first(where: { args.value($0) != nil }) {
            throw CommandError("--\(given) is an option of the single-scale models; 'model new multiscale' does not take it yet")
        }
        return try newMultiScaleModel(session, args)
    }
    if let given = multiScaleModelOptions.first(where: { args.value($0.name) != nil }) {
        throw CommandError("--\(given.name) is an option of 'model new multiscale'")
    }
    guard args.positional.count == 2, let kind = ModelKind(rawValue: args.positional[1].lowercased()) else {
        throw CommandError("model new expects \(ModelKinds.namesInWords()), e.g. 'model new rowlstm --layers 2'")
    }
    let bugName = try args.choice("bug", from: KnownBug.allCases.map(\.rawValue), default: "")
    let bug = KnownBug(rawValue: bugName)
    let config = ModelConfig(kind: kind,
                             layers: try args.int("layers", default: 7, in: 0...64),
                             hidden: try args.int("hidden", default: 16, in: 1...512),
                             colors: try args.int("colors", default: 1, in: 1...3),
                             levels: try args.int("levels", default: 2, in: 2...256),
                             bug: bug,
                             residual: try args.choice("residual", from: ["on", "off"], default: "on") == "on",
                             skip: try args.choice("skip", from: ["on", "off"], default: "off") == "on")
    if let bug, let why = bug.refusal(kind: kind, colors: config.colors) { throw CommandError(why) }
    let seed = UInt64(try args.int("seed", default: 0, in: 0...Int(Int32.max)))
    try checkMemory(for: config, available: MachineMemory.available())
    let network: any PixelModel
    do {
        network = try ModelKinds.makeNetwork(config: config, seed: seed)
    } catch {
        throw CommandError("cannot make that model: \(error)")
    }
    session.model = network
    session.say("new \(describe(config)), seed \(seed): \(network.parameterCount) parameters")
    if let bug {
        session.say(bugLine(bug, session))
        if bug.runsPlainPath { session.say("note: this bug exists on the plain path only: the LSTMs run it whatever the fast paths say (slower)") }
    }
}

/// `  sigmoid-g (rowlstm, diagbilstm): …` — one line per known bug, for `help model`.
let knownBugLines = KnownBug.allCases.map { bug in
    let kinds = bug.kinds == ModelKind.allCases ? "any kind" : bug.kinds.map(\.rawValue).joined(separator: ", ")
    return "  \(bug.rawValue) (\(kinds)\(bug == .noColourMask ? ", --colors 3" : "")): \(bug.breaks)"
}.joined(separator: "\n")

/// `bug: no-shift — …`, in red on a terminal.
func bugLine(_ bug: KnownBug, _ session: Session) -> String {
    TerminalStyle.red("bug: \(bug.rawValue) — \(bug.breaks)\(bug.leaks ? "" : " (not a leak)")", in: session)
}

/// Refuses a model whose parameters and training activations (default batch, 28×28)
/// would need more memory than `available` bytes, before anything is built.
func checkMemory(for config: ModelConfig, available: Int) throws {
    let batch = TrainingHyperparameters().batchSize
    let needed: Double
    do { needed = try MemoryEstimate.modelBytes(config: config, batch: batch) } catch {
        throw CommandError("cannot make that model: \(error)")
    }
    guard needed <= Double(available) else {
        throw CommandError("this model needs about \(MachineMemory.describe(Int(needed))) (parameters, optimizer state and the "
            + "activations of a training batch of \(batch) 28×28 images), more than the \(MachineMemory.describe(available)) "
            + "this machine has free — use fewer --layers or a smaller --hidden")
    }
}

/// "PixelCNN, 7 layers, h = 16, 1 colour, binary output".
func describe(_ config: ModelConfig) -> String {
    let colours = config.colors == 1 ? "1 colour" : "3 colours"
    let output = config.levels == 2 ? "binary output (sigmoid)" : "\(config.levels)-way softmax output"
    if let settings = config.multiScale { return describeMultiScale(config, settings, output: output) }
    let connections = (config.residual ? "" : ", no residual connections") + (config.skip ? ", skip connections" : "")
    return "\(config.kind.paperName), \(config.layers) layer\(config.layers == 1 ? "" : "s"), h = \(config.hidden), \(colours), \(output)\(connections)"
}

private func showModel(_ session: Session) throws {
    let network = try session.requireModel()
    session.say(describe(network.config))
    if let bug = network.config.bug { session.say(bugLine(bug, session)) }
    let rows = ModelTable.rows(network)
    let nameWidth = max(5, rows.map { $0.name.count }.max() ?? 0)
    let whatWidth = max(4, rows.map { $0.what.count }.max() ?? 0)
    func line(_ a: String, _ b: String, _ c: String) -> String {
        a.padding(toLength: nameWidth + 2, withPad: " ", startingAt: 0)
            + b.padding(toLength: whatWidth + 2, withPad: " ", startingAt: 0) + c
    }
    session.say(line("layer", "what", "parameters"))
    for row in rows { session.say(line(row.name, row.what, String(row.count))) }
    session.say(line("total", "", String(network.parameterCount)))
    if let multiScale = network as? MultiScaleNetwork { showMultiScaleParts(session, multiScale) }
    for l in ModelProvenance.lines(ModelProvenance.metadataToSave(session, network: network)) { session.say(l) }
}

/// One line of `model show` per layer (a weight and its bias).
enum ModelTable {
    struct Row { let name: String; let what: String; let count: Int }

    static func rows(_ network: any PixelModel) -> [Row] {
        var order: [String] = []
        var groups: [String: [(String, Parameter)]] = [:]
        for (name, p) in network.namedParameters {
            let layer = name.split(separator: ".").dropLast().joined(separator: ".")
            if groups[layer] == nil { order.append(layer) }
            groups[layer, default: []].append((String(name.split(separator: ".").last!), p))
        }
        return order.map { layer in
            let params = groups[layer]!
            let weight = params.first { $0.0 == "weight" }?.1
            return Row(name: layer, what: weight.map(describeWeight) ?? "",
                       count: params.reduce(0) { $0 + $1.1.value.count })
        }
    }

    /// "conv 7×7 1→32, mask A", "1-D conv width 3 16→64", "2-tap column conv 16→64".
    static func describeWeight(_ p: Parameter) -> String {
        let s = p.value.shape
        var text: String
        if s.count == 4 {
            text = "conv \(s[2])×\(s[3]) \(s[1])→\(s[0])"
        } else if s.count == 3 {
            text = "1-D conv width \(s[2]) \(s[1])→\(s[0])"
        } else {
            text = "shape \(s)"
        }
        if let m = p.mask, s.count == 4 {
            // Mask A hides channel 0's own centre; mask B lets it through.
            text += m[0, 0, s[2] / 2, s[3] / 2] == 0 ? ", mask A" : ", mask B"
        } else if s.count == 4 || s.count == 3 {
            text += ", unmasked"
        }
        return text
    }
}
