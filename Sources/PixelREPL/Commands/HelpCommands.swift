import Foundation

/// `help`, `quit`/`exit` and `set`: the commands of the shell itself.
public let helpCommands: [Command] = [
    Command(
        name: "help",
        summary: "list the commands, or explain one: usage, options, examples",
        usage: "help [command]",
        examples: ["help", "help help", "help set"],
        details: """
        With no argument, lists every command with one line each. With a command \
        name, shows its usage, what it does, its options and examples.
        Tab completes command names, sub-commands, options and file names. An empty \
        line repeats the last stepping command (step, next …). Ctrl-C interrupts the \
        running command; Ctrl-D or 'quit' leaves.
        """,
        subcommandsAreExhaustive: false,
        completions: { session, previous in previous.isEmpty ? session.registry.names : [] },
        run: { session, arguments in
            guard let name = arguments.positional.first else {
                showCommandList(session)
                return
            }
            guard let command = session.registry.command(named: name) else {
                throw CommandError(session.registry.unknownCommandMessage(name))
            }
            showHelp(for: command, session)
        }),
    Command(
        name: "quit",
        summary: "leave pixelrnn (also: exit, or Ctrl-D)",
        usage: "quit",
        examples: ["quit"],
        details: "Leaves the program. History is saved in ~/.pixelrnn_history (or $PIXELRNN_HISTORY; $PIXELRNN_HISTORY_SIZE=N keeps only the last N lines).",
        run: { session, arguments in try quit(session, arguments) }),
    Command(
        name: "exit",
        summary: "the same as quit",
        usage: "exit",
        examples: ["exit"],
        run: { session, arguments in try quit(session, arguments) }),
    Command(
        name: "set",
        summary: "show or change settings: terminal previews, the folder for PNG files",
        usage: "set [previews on|off | out DIR]",
        examples: ["set", "set previews off", "set out pictures"],
        subcommands: ["previews", "out"],
        details: """
        With no argument, shows every setting. 'set previews off' stops drawing \
        pictures in the terminal (PNG files are still written); 'set out DIR' writes \
        PNG files to DIR from now on (created when needed). The command-line options \
        --no-preview and --out DIR set the same at start.
        """,
        completesFiles: true,
        subcommandArguments: ["previews": ["on", "off"], "out": ["<file>"]],
        run: { session, arguments in
            let p = arguments.positional
            switch p.first {
            case nil:
                let previews = session.previewsEnabled ? "on" : "off"
                let terminal = session.isTerminal ? "" : " (standard output is not a terminal: none drawn)"
                session.say("previews  \(previews)\(terminal)")
                session.say("out       \(session.outputDirectory.path)")
            case "previews":
                guard p.count == 2, let value = ["on": true, "off": false][p[1]] else {
                    throw CommandError("set previews expects on or off (usage: set previews on|off)")
                }
                session.previewsEnabled = value
                session.say("previews \(p[1])")
            case "out":
                guard p.count == 2 else {
                    throw CommandError("set out expects one folder (usage: set out DIR)")
                }
                let folder = try userFileURL(p[1], what: "set out: cannot use", isDirectory: true)   // not empty or blank
                // A folder that could never be made (under a file, unwritable) is refused now.
                try WritableDestination.check(folder, what: "set out: cannot use", isDirectory: true)
                session.outputDirectory = URL(fileURLWithPath: folder.path)
                session.say("PNG files go to \(session.outputDirectory.path)")
            default:
                break   // the shell has rejected other words already
            }
        }),
]

private func quit(_ session: Session, _ arguments: ParsedArguments) throws {
    guard arguments.positional.isEmpty else {
        throw CommandError("quit takes no arguments, got '\(arguments.positional[0])'")
    }
    session.wantsToQuit = true
}

/// Every command with its summary, then how to learn more.
func showCommandList(_ session: Session) {
    let commands = session.registry.commands
    let width = (commands.map(\.name.count).max() ?? 0) + 2
    session.say("Commands:")
    for command in commands {
        session.say("  " + command.name.padding(toLength: width, withPad: " ", startingAt: 0) + command.summary)
    }
    session.say("Type 'help <command>' for its usage, options and examples.")
    session.say("Tab completes; an empty line repeats a stepping command; Ctrl-C interrupts; Ctrl-D quits.")
}

/// `help <command>`: summary, usage, details, sub-commands, options, examples.
func showHelp(for command: Command, _ session: Session) {
    session.say("\(command.name) — \(command.summary)")
    session.say("usage: \(command.usage)")
    if !command.details.isEmpty {
        session.say("")
        for line in wrap(command.details, width: 80) { session.say(line) }
    }
    if !command.options.isEmpty {
        session.say("")
        session.say("options:")
        let shown = command.options.map { spec in
            spec.takesValue ? "--\(spec.name) \(ParsedArguments.valueHint(spec))" : "--\(spec.name)"
        }
        let width = (shown.map(\.count).max() ?? 0) + 2
        for (text, spec) in zip(shown, command.options) {
            session.say("  " + text.padding(toLength: width, withPad: " ", startingAt: 0) + spec.help)
        }
    }
    session.say("")
    session.say(command.examples.count == 1 ? "example:" : "examples:")
    for example in command.examples { session.say("  " + example) }
}

/// `text` broken into lines of at most `width` characters at spaces; existing
/// line breaks are kept, and indented lines (tables, code) are left as they are.
func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if paragraph.hasPrefix(" ") || paragraph.count <= width {
            lines.append(String(paragraph))
            continue
        }
        var current = ""
        for word in paragraph.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += current.isEmpty ? String(word) : " " + word
        }
        if !current.isEmpty { lines.append(current) }
    }
    return lines
}

/// Commands for testing the shell itself (Ctrl-C, errors, repeating lines).
/// Registered only when `PIXELRNN_DEBUG_COMMANDS=1`.
public let debugCommands: [Command] = [
    Command(
        name: "debug-wait",
        summary: "(debugging) wait SECONDS, stopping early on Ctrl-C",
        usage: "debug-wait SECONDS",
        examples: ["debug-wait 5"],
        details: "Polls Interruption.check() every 20 ms, as a long command does.",
        run: { session, arguments in
            guard arguments.positional.count == 1, let seconds = Double(arguments.positional[0]),
                  seconds >= 0 else {
                throw CommandError("debug-wait expects a number of seconds (usage: debug-wait SECONDS)")
            }
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                try Interruption.check()
                usleep(20_000)
            }
            session.say("waited \(arguments.positional[0]) s")
        }),
    Command(
        name: "debug-fail",
        summary: "(debugging) throw an error that is not a CommandError",
        usage: "debug-fail",
        examples: ["debug-fail"],
        run: { _, _ in throw DebugFailure.broken(detail: "on purpose\nsecond line") }),
    Command(
        name: "debug-step",
        summary: "(debugging) count; an empty line repeats it",
        usage: "debug-step",
        examples: ["debug-step"],
        repeatsOnEmptyLine: true,
        run: { session, _ in
            debugStepCount += 1
            session.say("step \(debugStepCount)")
        }),
]

private var debugStepCount = 0

private enum DebugFailure: Error {
    case broken(detail: String)
}
