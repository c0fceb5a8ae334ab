/// What tab completion offers for the word under the cursor.
public struct Completion: Equatable {
    /// Words that start with the typed text, sorted.
    public var words: [String]
    /// True when file paths are offered as well (readline lists those itself).
    public var files: Bool

    /// A completion result.
    public init(words: [String] = [], files: Bool = false) {
        self.words = words
        self.files = files
    }
}

/// Decides what tab completion offers, from the line before the word being typed.
/// Knows nothing of readline, so it is tested directly.
public struct Completer {
    /// The session: its registry and (for `Command.completions`) its state.
    public let session: Session

    /// A completer for `session`'s commands.
    public init(session: Session) { self.session = session }

    /// Completion of `word`, the text being typed, given everything on the line
    /// before it (`before`, which ends with a space or an opening quote).
    ///
    /// - First word: command names.
    /// - After an option that takes a value: that option's values (files for `<file>`).
    /// - A word starting with `-`: the command's options not yet given.
    /// - First argument: the sub-commands (and `completions`, files if `completesFiles`
    ///   and there are no sub-commands).
    /// - After a sub-command: `subcommandArguments[sub]`.
    /// - Otherwise: files when `completesFiles`, else the options.
    public func complete(before: String, word: String) -> Completion {
        var line = before
        if let last = line.last, last == "\"" || last == "'",
           (try? Tokenizer.split(line)) == nil {
            line.removeLast()   // readline passes the word without its opening quote
        }
        let previous = Tokenizer.splitLeniently(line)
        let registry = session.registry
        guard let name = previous.first else {
            return matching(registry.names, word)
        }
        guard let command = registry.command(named: name) else { return Completion() }
        let arguments = Array(previous.dropFirst())

        // A value for the option just before the cursor?
        if let last = arguments.last, last.hasPrefix("--"), !last.contains("="),
           let spec = command.options.first(where: { "--" + $0.name == last }), spec.takesValue {
            return matching(spec.values, word)
        }
        let optionNames = unusedOptions(command, arguments)
        if word.hasPrefix("-") {
            return matching(optionNames, word)
        }
        let positional = positionals(command, arguments)
        var candidates: [String] = []
        if positional.isEmpty {
            candidates = command.subcommands
            if command.completesFiles && command.subcommands.isEmpty { candidates.append("<file>") }
        } else if positional.count == 1, let extra = command.subcommandArguments[positional[0]] {
            candidates = extra
        } else if command.completesFiles && command.subcommandArguments.isEmpty {
            candidates = ["<file>"]
        }
        if let dynamic = command.completions {
            candidates += dynamic(session, positional)
        }
        if candidates.isEmpty && word.isEmpty {
            candidates = optionNames
        }
        return matching(candidates, word)
    }

    /// The candidates that start with `word`; `"<file>"` becomes `files`.
    private func matching(_ candidates: [String], _ word: String) -> Completion {
        var seen = Set<String>()
        let words = candidates
            .filter { $0 != "<file>" && $0.hasPrefix(word) && seen.insert($0).inserted }
            .sorted()
        return Completion(words: words, files: candidates.contains("<file>"))
    }

    /// `--name` for each option not given yet.
    private func unusedOptions(_ command: Command, _ arguments: [String]) -> [String] {
        let given = Set(arguments.filter { $0.hasPrefix("--") }.map { String($0.split(separator: "=", maxSplits: 1)[0]) })
        return command.options.map { "--" + $0.name }.filter { !given.contains($0) }
    }

    /// The positional words among `arguments` (skipping options and their values).
    private func positionals(_ command: Command, _ arguments: [String]) -> [String] {
        (try? ParsedArguments.parse(arguments, for: command).positional)
            ?? arguments.filter { !$0.hasPrefix("--") }
    }
}
