import Foundation
import PixelREPL

/// The lesson targets: a lesson file, an expect block against output, and the
/// progress file. Cells only ever reach `HarmlessCommands.registry`, so no fuzzed
/// lesson trains a model or writes outside the workspace.
enum LessonTargets {
    /// The lesson written as `01-fuzz.md` alone in a folder: parsed from the file,
    /// walked cell by cell, and checked headless.
    static func lesson(_ input: [UInt8]) -> [String] {
        let file = FuzzWorkspace.file("lessons/01-fuzz.md", input)
        var errors: [String] = []
        do {
            let lesson = try LessonParser.parse(file: file)
            _ = LessonChecker.check(lesson, registry: HarmlessCommands.registry)   // its report quotes the lesson
        } catch {
            errors.append(message(of: error))
        }
        let progress = FuzzWorkspace.file("lesson-progress/progress.json", [])
        return errors + walk(file.deletingLastPathComponent(), progress: progress.deletingLastPathComponent(),
                             ["lesson list", "lesson 1", "lesson hint", "lesson run", "lesson next", "lesson next",
                              "lesson back", "lesson"])
    }

    /// The lines before the first NUL byte as an ```expect block, the lines after it
    /// as a cell's output; the mismatch (if any) is formed, never an error.
    static func matcher(_ input: [UInt8]) -> [String] {
        let nul = input.firstIndex(of: 0) ?? input.endIndex
        let expected = String(decoding: input[..<nul], as: UTF8.self).components(separatedBy: "\n")
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(ExpectedLine.init(parsing:))
        let output = nul < input.endIndex
            ? String(decoding: input[(nul + 1)...], as: UTF8.self).components(separatedBy: "\n") : []
        _ = OutputMatcher.mismatch(expected: expected, output: output)
        return []
    }

    /// The bytes as `progress.json` beside two small lessons; each lesson command
    /// starts from the file as given.
    static func progress(_ input: [UInt8]) -> [String] {
        let home = FuzzWorkspace.folder.appendingPathComponent("progress-home")
        var errors: [String] = []
        for line in ["lesson", "lesson list", "lesson next", "lesson back", "lesson hint", "lesson run"] {
            _ = FuzzWorkspace.file("progress-home/progress.json", input)
            errors += walk(TwoLessons.folder, progress: home, [line])
        }
        _ = FuzzWorkspace.file("progress-home/progress.json", input)
        _ = LessonWelcome.lines(context: LessonContext(lessonsFolder: TwoLessons.folder,
                                                       store: LessonProgressStore(folder: home)))
        return errors
    }

    /// Runs `lines` in a harmless shell whose lessons and progress are the given folders.
    private static func walk(_ lessons: URL, progress: URL, _ lines: [String]) -> [String] {
        let shell = FuzzShell(registry: HarmlessCommands.registry)
        LessonContext.attach(to: shell.session, lessonsFolder: lessons, progressFolder: progress)
        for line in lines { shell.run(line) }
        return shell.errors
    }
}

/// Two lessons of three cells (one with a hint), for the progress target.
enum TwoLessons {
    static let folder: URL = {
        let cell = "Some prose.\n\n```pixelrnn\necho hello\n```\n\n```expect\nhello\n```\n"
        let question = "## Question\n\nWhy?\n\n```pixelrnn\necho why\n```\n\n```hint\nBecause.\n```\n"
        for number in [1, 2] {
            let text = "# Lesson \(number)\n\n" + cell + "\nMore prose.\n\n" + cell + "\n" + question
            _ = FuzzWorkspace.file("progress-lessons/0\(number)-lesson.md", Array(text.utf8))
        }
        return FuzzWorkspace.folder.appendingPathComponent("progress-lessons")
    }()
}

/// The commands a fuzzed lesson may run: `echo` (prints its words), `help`, and
/// `lesson` without `check` (which would run the lessons with every command).
enum HarmlessCommands {
    static let registry: CommandRegistry = {
        let echo = Command(name: "echo", summary: "print the words", usage: "echo WORDS…", examples: ["echo hi"],
                           subcommandsAreExhaustive: false,
                           run: { session, args in session.say(args.positional.joined(separator: " ")) })
        let real = LessonCommands.lesson
        let lesson = Command(name: real.name, summary: real.summary, usage: real.usage, examples: real.examples,
                             subcommands: real.subcommands, options: real.options,
                             subcommandsAreExhaustive: real.subcommandsAreExhaustive,
                             run: { session, args in
                                 if args.positional(0) == "check" { throw CommandError("lesson check is not fuzzed") }
                                 try real.run(session, args)
                             })
        let help = CommandRegistry.standard.command(named: "help").map { [$0] } ?? []
        return CommandRegistry([echo, lesson] + help)
    }()
}
