import PixelRNN

/// One option a command accepts, e.g. `--epochs 3` (takes a value) or `--png` (a flag).
public struct OptionSpec: Sendable {
    /// The name without dashes: `epochs`.
    public let name: String
    /// True for `--name VALUE`, false for a flag `--name`.
    public let takesValue: Bool
    /// Values offered by tab completion (empty: free text; `["<file>"]`: a file path).
    public let values: [String]
    /// One line of help.
    public let help: String

    /// True when `values` is the whole list of allowed values (not a file, not free text):
    /// then `ParsedArguments.parse` rejects any other value, e.g. `--split bogus`.
    public var valuesAreExhaustive: Bool { takesValue && !values.isEmpty && !values.contains("<file>") }

    /// An option; `values` are offered by tab completion and, when they list every
    /// allowed value (`valuesAreExhaustive`), enforced by the argument parser.
    public init(_ name: String, takesValue: Bool = true, values: [String] = [], help: String) {
        self.name = name
        self.takesValue = takesValue
        self.values = values
        self.help = help
    }
}

/// A command of the REPL: its name, its help, and what it does.
///
/// Families of commands live in `Commands/`, one file each, and are listed once in
/// `CommandRegistry.standard`. The shell knows nothing of any particular command.
public struct Command {
    /// The word that starts the command: `mask`, `data`, `model` …
    public let name: String
    /// One line for `help`.
    public let summary: String
    /// The grammar, e.g. `mask A|B [size] [--colors 1|3] [--png]`.
    public let usage: String
    /// Example invocations shown by `help <command>` (at least one).
    public let examples: [String]
    /// Words allowed as the first argument (sub-commands or fixed values), for completion.
    public let subcommands: [String]
    /// Options this command accepts.
    public let options: [OptionSpec]
    /// Longer help text, shown by `help <command>`.
    public let details: String
    /// True when an empty line should repeat this command (`step`, `next` …).
    public let repeatsOnEmptyLine: Bool
    /// True when positional arguments are file paths (for completion).
    public let completesFiles: Bool
    /// Words offered by tab completion for the argument after a given sub-command,
    /// e.g. `["new": ["pixelcnn", "rowlstm", "diagbilstm"]]`. `"<file>"` in a list
    /// also offers file paths.
    public let subcommandArguments: [String: [String]]
    /// True (the default) when `subcommands` lists every word allowed as the first
    /// argument: the shell then rejects any other word with one line and a
    /// suggestion, before `run` is called. Set it to false when the first argument
    /// may also be free text (e.g. `lesson 3` next to `lesson list`).
    public let subcommandsAreExhaustive: Bool
    /// Extra completions computed from the session (e.g. the current model's layer
    /// names). Receives the positional words typed so far after the command name;
    /// returns candidates (the shell keeps those starting with the word being typed).
    public let completions: ((Session, [String]) -> [String])?
    /// Runs the command. Throws `CommandError` for bad input (one clear line).
    public let run: (Session, ParsedArguments) throws -> Void

    /// Makes a command. Only `name`, `summary`, `usage`, `examples` and `run` are
    /// required; `examples` must not be empty (the tests check every command).
    public init(name: String, summary: String, usage: String, examples: [String],
                subcommands: [String] = [], options: [OptionSpec] = [], details: String = "",
                repeatsOnEmptyLine: Bool = false, completesFiles: Bool = false,
                subcommandArguments: [String: [String]] = [:],
                subcommandsAreExhaustive: Bool = true,
                completions: ((Session, [String]) -> [String])? = nil,
                run: @escaping (Session, ParsedArguments) throws -> Void) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.examples = examples
        self.subcommands = subcommands
        self.options = options
        self.details = details
        self.repeatsOnEmptyLine = repeatsOnEmptyLine
        self.completesFiles = completesFiles
        self.subcommandArguments = subcommandArguments
        self.subcommandsAreExhaustive = subcommandsAreExhaustive
        self.completions = completions
        self.run = run
    }
}

/// A user-facing error: one clear line, after which the session goes on.
///
/// The shell prints it as `error: <message>` (in batch mode also naming the
/// failing line), so the message itself has no `error:` prefix and no newline.
public struct CommandError: Error, CustomStringConvertible {
    /// The line shown to the user.
    public let message: String
    /// An error with this message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The words of one command line after the command name, split into positional
/// arguments and `--options`.
public struct ParsedArguments {
    /// Positional words in order.
    public var positional: [String]
    /// `--name value` options.
    public var values: [String: String]
    /// `--flag` options present.
    public var flags: Set<String>
    /// The words after the command name exactly as typed (after tokenizing).
    public var words: [String] = []

    /// Arguments made directly (tests, or a command calling another).
    public init(positional: [String] = [], values: [String: String] = [:], flags: Set<String> = []) {
        self.positional = positional
        self.values = values
        self.flags = flags
    }

    /// The value of `--name`, if given.
    public func value(_ name: String) -> String? { values[name] }
    /// True if `--name` was given as a flag.
    public func flag(_ name: String) -> Bool { flags.contains(name) }
    /// The positional word at `index`, if there is one.
    public func positional(_ index: Int) -> String? {
        index >= 0 && index < positional.count ? positional[index] : nil
    }

    /// An integer option in a range, or the default; a clear error otherwise.
    public func int(_ name: String, default def: Int, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let s = values[name] else { return def }
        guard let v = Int(s) else { throw CommandError("--\(name) expects a whole number, got '\(s.excerpt)'") }
        guard range.contains(v) else { throw CommandError("--\(name) must be in \(range.lowerBound)...\(range.upperBound), got \(v)") }
        return v
    }

    /// A floating-point option in a range, or the default; a clear error otherwise.
    public func double(_ name: String, default def: Double, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude) throws -> Double {
        guard let s = values[name] else { return def }
        guard let v = Double(s), v.isFinite else { throw CommandError("--\(name) expects a number, got '\(s.excerpt)'") }
        guard range.contains(v) else { throw CommandError("--\(name) must be in \(range.lowerBound)...\(range.upperBound), got \(v)") }
        return v
    }
}
