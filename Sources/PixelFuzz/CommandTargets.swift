import Foundation
import PixelREPL

/// The command-line target: each line of the input goes through the shell as typed
/// — tokenizer, command lookup (with its suggestions), option parsing, the
/// sub-command check — against every real command's name, sub-commands and options.
/// Only `help` really runs; every other command reads each of its options as a
/// whole number, a number and (when it lists them) one of its values, as commands
/// do. Tab completion gets the same lines.
enum CommandTargets {
    static func command(_ input: [UInt8]) -> [String] {
        let shell = FuzzShell(registry: ParsingOnly.registry)
        for line in String(decoding: input, as: UTF8.self).split(separator: "\n").prefix(8).map(String.init) {
            shell.run(line)
            let completer = Completer(session: shell.session)
            let cut = line.lastIndex(of: " ").map { line.index(after: $0) } ?? line.startIndex
            _ = completer.complete(before: String(line[..<cut]), word: String(line[cut...]))
        }
        return shell.errors + ParsingOnly.take()
    }
}

/// Every standard command with its real grammar, whose `run` only reads options.
enum ParsingOnly {
    /// Messages of the option readers since the last `take()`.
    private static var messages: [String] = []

    static func take() -> [String] {
        defer { messages = [] }
        return messages
    }

    static let registry = CommandRegistry(CommandRegistry.standard.commands.map { real in
        if real.name == "help" { return real }
        return Command(name: real.name, summary: real.summary, usage: real.usage, examples: real.examples,
                       subcommands: real.subcommands, options: real.options, details: real.details,
                       repeatsOnEmptyLine: real.repeatsOnEmptyLine, completesFiles: real.completesFiles,
                       subcommandArguments: real.subcommandArguments,
                       subcommandsAreExhaustive: real.subcommandsAreExhaustive,
                       completions: real.completions, run: { _, args in readOptions(args, of: real) })
    })

    /// Reads every option the way commands do, keeping each error's message.
    private static func readOptions(_ args: ParsedArguments, of command: Command) {
        func keep(_ read: () throws -> Void) {
            do { try read() } catch { messages.append(message(of: error)) }
        }
        for spec in command.options where spec.takesValue {
            keep { _ = try args.int(spec.name, default: 0, in: -1_000_000...1_000_000) }
            keep { _ = try args.double(spec.name, default: 0, in: 0...1) }
            let values = spec.values.filter { $0 != "<file>" }
            if !values.isEmpty { keep { _ = try args.choice(spec.name, from: values, default: values[0]) } }
        }
    }
}
