import Foundation
import PixelRNN

/// `trace`, `step`, `next`, `continue`, `where`, `show`: stepping through a forward pass.
let traceCommands: [Command] = [
    Command(
        name: "trace",
        summary: "step through " + ModelKinds.listInWords(BlockTraceStates.kinds.map { "a \($0.paperName)" } + ["sampling"]),
        usage: "trace [\(BlockTraceStates.names)] [image] [--layer l] [--split train|valid|test] | trace sample [--seed s]",
        examples: ["trace rowlstm", "trace diagbilstm 3 --layer 1", "trace", "trace sample --seed 3"],
        subcommands: BlockTraceStates.kinds.map(\.rawValue) + ["sample"],
        options: [OptionSpec("layer", help: "which block to trace (default 0)"),
                  OptionSpec("split", values: ["train", "valid", "test"], help: "the split of the image (default test)"),
                  OptionSpec("seed", help: "for 'trace sample': seed (default 0)")],
        details: """
        Traces the current model on one image of the loaded data. Then 'step' (or an empty line) \
        computes one row (Row LSTM) or one diagonal of one direction (Diagonal BiLSTM) and draws \
        the state so far; 'show gates|state|cell' draws the details ('show stream': what each block \
        adds to the residual stream, |x_l| and |F(x_l)| block by block); 'where' says where you are; \
        'continue' finishes the block and checks the traced result against the ordinary forward \
        pass; 'next' moves on to the next block. 'trace sample' draws a new image from the \
        current model one pixel per 'step', showing p(x_i | x_<i) and the value drawn; \
        'continue' draws the rest. On a multi-scale model it draws the small image x[k·r, k·c] \
        first, pixel by pixel (stage 1), then every other pixel given it (stage 2), the \
        small-image pixels outlined.
        """,
        subcommandsAreExhaustive: false,
        run: startTrace),
    Command(name: "step", summary: "one step of the current trace (an empty line repeats it)", usage: "step",
            examples: ["step"], repeatsOnEmptyLine: true,
            run: { session, args in try expectNoArguments(args, "step"); try currentTrace(session).step(session) }),
    Command(name: "next", summary: "move the trace on to the next block", usage: "next", examples: ["next"],
            repeatsOnEmptyLine: true, run: nextBlock),
    Command(name: "continue", summary: "finish the current block of the trace and check it", usage: "continue",
            examples: ["continue"],
            run: { session, args in try expectNoArguments(args, "continue"); try currentTrace(session).finish(session) }),
    Command(name: "where", summary: "where the current trace stands", usage: "where", examples: ["where"],
            run: { session, args in
                try expectNoArguments(args, "where")
                for line in try currentTrace(session).whereLines() { session.say(line) }
            }),
    Command(name: "show", summary: "draw the gates, hidden state or cell state of the current trace, or the residual stream",
            usage: "show gates|state|cell|stream", examples: ["show gates", "show state", "show stream"],
            subcommands: ["gates", "state", "cell", "stream"],
            run: { session, args in
                guard args.positional.count == 1 else { throw CommandError("show expects gates, state, cell or stream") }
                try currentTrace(session).show(args.positional[0], session)
            }),
]

private func expectNoArguments(_ args: ParsedArguments, _ name: String) throws {
    guard args.positional.isEmpty else { throw CommandError("\(name) takes no arguments") }
}

private func currentTrace(_ session: Session) throws -> TraceState {
    guard let trace = session.trace else {
        throw CommandError("nothing is being traced — start with \(ModelKinds.listInWords(BlockTraceStates.kinds.map { "'trace \($0)'" } + ["'trace sample'"]))")
    }
    return trace
}

private func startTrace(_ session: Session, _ args: ParsedArguments) throws {
    if args.positional.first == "sample" { return try startSampleTrace(session, args) }
    guard args.value("seed") == nil else { throw CommandError("--seed is for 'trace sample'") }
    let network = try session.requireModel()
    var words = args.positional
    if let first = words.first, let kind = ModelKind(rawValue: first) {
        words.removeFirst()
        guard kind == network.config.kind else {
            throw CommandError("the current model is a \(network.config.kind.paperName) — make one with 'model new \(kind.rawValue) --layers 2 --hidden 8'")
        }
    }
    if network is MultiScaleNetwork { throw CommandError("trace steps through the blocks of one network; a multi-scale model has two (not traced yet)") }
    let entry = network.config.kind.entry
    if case .none(let why) = entry.trace { throw CommandError(why) }
    guard case .steps(let unit) = entry.trace, let makeTrace = BlockTraceStates.byKind[entry.kind] else {
        throw CommandError("the REPL has no trace for a \(entry.paperName) yet")
    }
    guard words.count <= 1 else { throw CommandError("trace takes one image index, e.g. 'trace rowlstm 3'") }
    let data = try session.requireData()
    let split = SplitName(rawValue: args.value("split") ?? "test") ?? .test
    var index = 0
    if let word = words.first {
        guard let i = Int(word), (0..<data[split].count).contains(i) else {
            throw CommandError("image index must be 0…\(data[split].count - 1), got '\(word)'")
        }
        index = i
    }
    guard let stack = network.residualStack, !stack.blocks.isEmpty else { throw CommandError("the model has no layers to trace") }
    let layer = try args.int("layer", default: 0, in: 0...(stack.blocks.count - 1))
    try checkGreyModelReadsGreyData(data, network.config)
    // A colour model reads a colour image (grey data as R = G = B), a grey one a grey image.
    let pixels = network.config.colors == 3
        ? colourImageLevels(data, split: split, indices: [index], levels: network.config.levels).0
        : imageLevels(data, split: split, index: index, levels: network.config.levels)
    let name = "\(split.rawValue) image \(index)"
    let trace = try makeTrace(stack, layer, pixels, name)
    session.trace = trace
    session.say("tracing \(trace.title)")
    session.say("type 'step' (or press Enter again after it) for one \(unit); 'where', 'show gates|state|cell|stream', 'continue', 'next'")
}

private func nextBlock(_ session: Session, _ args: ParsedArguments) throws {
    try expectNoArguments(args, "next")
    let trace = try currentTrace(session)
    guard let next = try trace.nextLayer() else {
        throw CommandError("that was the last block — 'continue' finishes it")
    }
    session.trace = next
    session.say("tracing \(next.title)")
}
