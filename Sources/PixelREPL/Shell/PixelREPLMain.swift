import Foundation
import PixelRNN

/// The program `pixelrnn`: reads the command line, then runs commands
/// interactively (readline) or in batch (`-c`, a script file, or standard input).
///
/// `Sources/pixelrnn/main.swift` is just `exit(PixelREPLMain.run(CommandLine.arguments))`.
public enum PixelREPLMain {
    /// The command-line help.
    public static let usage = """
    usage: pixelrnn [options]                 interactive (a terminal), or commands on standard input
           pixelrnn [options] -c CMD [-c CMD…]  run the commands, then exit
           pixelrnn [options] FILE             run the commands in FILE (one a line, # comments)

    PixelRNN, step by step: a REPL that teaches Pixel Recurrent Neural Networks.

    options:
      -c, --command CMD   run CMD (repeatable); no prompt
      -i, --init CMD      run CMD at start, then stay interactive (repeatable)
      --out DIR           write PNG files to DIR (default: out)
      --no-preview        draw no pictures in the terminal
      --version           print the version
      -h, --help          print this help

    In batch mode the first failing command stops the run with exit status 1 and
    one line naming it. Inside the program, type 'help'.
    """

    /// What the command line asked for.
    struct Options: Equatable {
        var commands: [String] = []
        var initCommands: [String] = []
        var file: String?
        var outputDirectory: String?
        var previews = true
        var showHelp = false
        var showVersion = false
    }

    /// Parses the arguments after the program name.
    static func parseOptions(_ arguments: [String]) throws -> Options {
        var options = Options()
        var index = 0
        func value(for name: String) throws -> String {
            guard index < arguments.count else { throw CommandError("\(name) needs a value (see pixelrnn --help)") }
            defer { index += 1 }
            return arguments[index]
        }
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                guard options.file == nil else {
                    throw CommandError("one script file at a time, got '\(options.file!)' and '\(argument)'")
                }
                options.file = argument
                continue
            }
            switch argument {
            case "-c", "--command": options.commands.append(try value(for: argument))
            case "-i", "--init": options.initCommands.append(try value(for: argument))
            case "--out":
                let folder = try value(for: argument)
                _ = try userFileURL(folder, what: "--out", isDirectory: true)   // not empty
                options.outputDirectory = folder
            case "--no-preview", "--no-previews": options.previews = false
            case "-h", "--help": options.showHelp = true
            case "--version": options.showVersion = true
            case "--": optionsEnded = true
            default:
                let known = ["--command", "--init", "--out", "--no-preview", "--version", "--help"]
                let hint = Suggestions.didYouMean(String(argument.drop(while: { $0 == "-" })),
                                                  among: known.map { String($0.dropFirst(2)) },
                                                  quote: { "--" + $0 })
                throw CommandError("unknown option '\(argument)'\(hint) (see pixelrnn --help)")
            }
        }
        if !options.commands.isEmpty && options.file != nil {
            throw CommandError("give either -c commands or a script file, not both")
        }
        return options
    }

    /// Runs the program; returns the exit status (0 success, 1 a failed command,
    /// 2 a bad command line, 130 interrupted between batch commands).
    public static func run(_ arguments: [String]) -> Int32 {
        let options: Options
        do {
            options = try parseOptions(Array(arguments.dropFirst()))
        } catch {
            Session.standardError("error: " + Shell.describe(error))
            return 2
        }
        if options.showHelp { print(usage); return 0 }
        if options.showVersion {
            print("pixelrnn \(PixelREPLVersion.string)")
            for line in BLASDescription.lines() { print(line) }
            return 0
        }

        Interruption.installHandler()
        let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        let session = Session(previewsEnabled: options.previews, isTerminal: stdoutIsTerminal)
        if let out = options.outputDirectory {
            session.outputDirectory = URL(fileURLWithPath: NSString(string: out).expandingTildeInPath, isDirectory: true)
        }
        let shell = Shell(session: session)

        if !options.commands.isEmpty {
            return runBatch(shell, lines: options.commands.makeIterator(), label: { "command \($0)" })
        }
        if let file = options.file {
            if file == "-" {
                return runBatch(shell, lines: StandardInputLines(), label: { "line \($0)" })
            }
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                let reason = FileManager.default.fileExists(atPath: file) ? "cannot read it as UTF-8 text" : "no such file"
                session.sayError("error: \(file): \(reason)")
                return 1
            }
            var lines = text.linesOfAnyEnding
            if lines.last == "" { lines.removeLast() }
            let name = (file as NSString).lastPathComponent
            return runBatch(shell, lines: lines.makeIterator(), label: { "\(name) line \($0)" })
        }
        if isatty(STDIN_FILENO) != 1 {
            return runBatch(shell, lines: StandardInputLines(), label: { "line \($0)" })
        }
        return runInteractive(shell, initCommands: options.initCommands)
    }

    /// Runs lines until the first failure (exit status 1, one line naming it),
    /// `quit`, or the end (0). Blank lines and comments are skipped.
    static func runBatch<Lines: IteratorProtocol>(_ shell: Shell, lines: Lines,
                                                  label: (Int) -> String) -> Int32 where Lines.Element == String {
        var lines = lines
        var number = 0
        while let raw = lines.next() {
            number += 1
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            switch shell.execute(line) {
            case .ran, .nothing:
                break
            case .quit:
                return 0
            case .failed(let message):
                let shown = QuotedText.escaped(line.trimmingCharacters(in: .whitespaces).excerpt, limit: 200)
                shell.session.sayError("error: \(label(number)) (\(shown)): \(message)")
                return 1
            }
            if Interruption.requested {
                shell.session.sayError("error: interrupted (Ctrl-C) after \(label(number))")
                return 130
            }
        }
        if Interruption.requested {
            shell.session.sayError("error: interrupted (Ctrl-C) while reading commands")
            return 130
        }
        return 0
    }

    /// The banner, the `--init` commands, then a prompt until `quit` or Ctrl-D.
    static func runInteractive(_ shell: Shell, initCommands: [String]) -> Int32 {
        let session = shell.session
        session.isInteractive = true
        print("pixelrnn \(PixelREPLVersion.string) — PixelRNN, step by step.")
        print("Type 'help' for the commands, 'help <command>' for one; Tab completes; Ctrl-D quits.")
        // The first start offers lesson 1; later starts say where the learner left off.
        if session.registry.command(named: "lesson") != nil {
            LessonWelcome.lines().forEach { print($0) }
        }
        func runLine(_ line: String) -> LineOutcome {
            Interruption.printsNewline = session.isTerminal
            defer { Interruption.printsNewline = false }
            return shell.executeAndReport(line, repeatOnEmpty: true)
        }
        for command in initCommands {
            print(prompt + command)
            if runLine(command) == .quit { return 0 }
        }
        let note: (String) -> Void = { session.writeError($0) }
        let editor = LineEditor(completer: Completer(session: session),
                                history: LineEditor.historyFromEnvironment(note: note), note: note)
        defer { editor.close() }
        while true {
            guard case .line(let line) = editor.readLine(prompt: prompt) else { return 0 }
            editor.remember(line)
            if runLine(line) == .quit { return 0 }
        }
    }

    /// The interactive prompt.
    static let prompt = "pixelrnn> "
}

/// Lines of standard input, read one at a time (so a pipe is followed as it comes).
struct StandardInputLines: IteratorProtocol {
    mutating func next() -> String? {
        Swift.readLine(strippingNewline: true)
    }
}
