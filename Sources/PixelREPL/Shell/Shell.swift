import Foundation
import PixelRNN

/// What became of one line given to the shell.
public enum LineOutcome: Equatable {
    /// A command ran to completion.
    case ran
    /// Nothing to do (blank line or comment, no command to repeat).
    case nothing
    /// The line failed; the message is one line, without the `error: ` prefix.
    case failed(String)
    /// `quit` ran: stop reading lines.
    case quit
}

/// Runs command lines against a session: tokenizes, finds the command in the
/// session's registry, parses its options, runs it, and turns every failure into
/// one line. Reading lines (readline, a file, standard input) is the caller's job
/// (`LineEditor`, `PixelREPLMain`); the shell knows no particular command.
public final class Shell {
    /// The session commands act on.
    public let session: Session
    /// The last line whose command repeats on an empty line (`step`, `next` …).
    public private(set) var repeatableLine: String?

    /// A shell for `session`.
    public init(session: Session) {
        self.session = session
    }

    /// Runs one line and reports what happened, printing nothing itself.
    ///
    /// An empty line (or only a comment) repeats `repeatableLine` when
    /// `repeatOnEmpty` is true (interactive mode), else does nothing.
    public func execute(_ line: String, repeatOnEmpty: Bool = false) -> LineOutcome {
        let words: [String]
        do {
            words = try Tokenizer.split(line)
        } catch {
            session.beginEntry(line)
            return .failed(Shell.describe(error))
        }
        guard let first = words.first else {
            if repeatOnEmpty, let again = repeatableLine {
                return execute(again, repeatOnEmpty: false)
            }
            return .nothing
        }
        session.beginEntry(line)
        guard let command = session.registry.command(named: first) else {
            return .failed(Shell.describe(CommandError(session.registry.unknownCommandMessage(first))))
        }
        do {
            let arguments = try ParsedArguments.parse(Array(words.dropFirst()), for: command)
            try Shell.checkSubcommand(arguments, of: command)
            if command.repeatsOnEmptyLine { repeatableLine = line }
            Interruption.clear()
            defer { session.endProgress() }
            try command.run(session, arguments)
        } catch {
            return .failed(Shell.describe(error))
        }
        if session.wantsToQuit { return .quit }
        return .ran
    }

    /// Runs one line and prints its error, if any, as `error: …` (interactive use).
    @discardableResult
    public func executeAndReport(_ line: String, repeatOnEmpty: Bool = false) -> LineOutcome {
        let outcome = execute(line, repeatOnEmpty: repeatOnEmpty)
        if case .failed(let message) = outcome { session.sayError("error: " + message) }
        return outcome
    }

    /// Rejects a first argument that is not one of an exhaustive list of sub-commands.
    static func checkSubcommand(_ arguments: ParsedArguments, of command: Command) throws {
        guard command.subcommandsAreExhaustive, !command.subcommands.isEmpty,
              let word = arguments.positional.first, !command.subcommands.contains(word) else { return }
        let hint = Suggestions.didYouMean(word, among: command.subcommands,
                                          fallback: " — '\(command.name)' takes \(command.subcommands.joined(separator: "|"))",
                                          quote: { "\(command.name) \($0)" })
        throw CommandError("unknown command '\(command.name) \(word.excerpt)'\(hint)")
    }

    /// One line for any error: a `CommandError`'s message, or the description of
    /// another Swift error (several lines joined into one).
    public static func describe(_ error: Error) -> String {
        let text: String
        if let commandError = error as? CommandError {
            text = commandError.message
        } else if let localized = error as? LocalizedError, let description = localized.errorDescription {
            text = description
        } else if error is CocoaError || type(of: error as Any) is NSError.Type {
            text = (error as NSError).localizedDescription
        } else {
            text = "\(type(of: error)): \(error)"
        }
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        // Whatever a message quotes — a typed word, a file's bytes — one line stays readable
        // and small, and no control character reaches the terminal (ESC → `\e`, …).
        return QuotedText.escaped(line, limit: maxMessageLength)
    }

    /// The longest error line (longer ones, which can only be quoting input, are cut).
    static let maxMessageLength = 1_000
}
