import Foundation

/// The commands a session knows, by name.
///
/// Adding a family of commands is one line in `families` below: a file in
/// `Commands/` defines `let fooCommands: [Command] = [ … ]`, and its name goes in
/// the list. The shell, help and completion pick the commands up from here.
public struct CommandRegistry {
    /// Every command family of the program, in the order `help` lists them
    /// (the shell's own `help`, `quit`, `set` … come last).
    public static let families: [[Command]] = [
        dataCommands,
        maskCommands,
        modelCommands,
        factorizeCommands,
        receptiveFieldCommands,
        checkCommands,
        skewCommands,
        traceCommands,
        sampleCommands,
        benchmarkCommands,
        trainCommands,
        evalCommands,
        verifyCommands,
        studyCommands,
        lessonCommands,
        notebookCommands,
        helpCommands,
    ]

    /// The registry of the program: every family, plus the debugging commands
    /// when the environment variable `PIXELRNN_DEBUG_COMMANDS` is `1`.
    public static let standard: CommandRegistry = {
        var commands = families.flatMap { $0 }
        if ProcessInfo.processInfo.environment["PIXELRNN_DEBUG_COMMANDS"] == "1" {
            commands += debugCommands
        }
        return CommandRegistry(commands)
    }()

    /// The commands, in order.
    public private(set) var commands: [Command] = []
    private var index: [String: Int] = [:]

    /// A registry of `commands`; names must be unique.
    public init(_ commands: [Command]) {
        add(commands)
    }

    /// Adds commands (a family). A name already present is a programming error.
    public mutating func add(_ more: [Command]) {
        for command in more {
            precondition(index[command.name] == nil, "two commands named '\(command.name)'")
            precondition(!command.examples.isEmpty, "command '\(command.name)' has no example")
            index[command.name] = commands.count
            commands.append(command)
        }
    }

    /// The command called `name`, if any.
    public func command(named name: String) -> Command? {
        index[name].map { commands[$0] }
    }

    /// Every command name, in order.
    public var names: [String] { commands.map(\.name) }

    /// `unknown command 'foo' — did you mean 'food'?` (without `error: `).
    public func unknownCommandMessage(_ word: String) -> String {
        let hint = Suggestions.didYouMean(word, among: names,
                                          fallback: " — type 'help' for the list of commands")
        return "unknown command '\(word.excerpt)'\(hint)"
    }
}
