import Foundation
import PixelRNN
import Synchronization

/// How many `lesson run` / `lesson check` are running, one inside the other: a
/// lesson cell that says `lesson run` (or `lesson check`) would otherwise run
/// itself without end.
private let lessonNesting = Atomic<Int>(0)

/// The lesson commands, for `CommandRegistry.families`.
public let lessonCommands: [Command] = [LessonCommands.lesson]

/// `lesson list|N|next|back|hint|run|check`: walk the guided lessons cell by cell.
/// The learner types each cell's commands (`lesson run` types them for them);
/// progress is remembered between sessions.
public enum LessonCommands {
    /// The words allowed after `lesson` besides a lesson number.
    static let subcommands = ["list", "next", "back", "hint", "run", "check"]

    /// The `lesson` command.
    public static let lesson = Command(
        name: "lesson",
        summary: "the guided lessons: list, start one, walk it cell by cell, check them all",
        usage: "lesson [list | N | next | back | hint | run | check [N…]]",
        examples: ["lesson list", "lesson 1", "lesson next", "lesson run", "lesson hint", "lesson check", "lesson check 3"],
        subcommands: subcommands,
        details: """
        A lesson is a short walk through one idea of the paper, in cells: a few \
        paragraphs, then the commands to type, then what you should see. Type the \
        commands yourself (that is how they stick), or 'lesson run' to have the \
        current cell's commands run for you.
          lesson            where you left off (or the list, on a first start)
          lesson list       every lesson, with ✓ for finished and ▶ for the current one
          lesson N          start lesson N at its first cell
          lesson next       the next cell (after the last one, the lesson is finished)
          lesson back       the previous cell
          lesson hint       a hint for the current cell or question
          lesson run        run the current cell's commands in this session
          lesson check [N…] run every lesson (or lessons N…) headless and compare what is \
        printed with what the lesson promises; fails on the first mismatch of each
        Progress is kept in ~/.pixelrnn/progress.json (or $PIXELRNN_HOME/progress.json).
        """,
        subcommandsAreExhaustive: false,
        completions: { session, previous in
            guard previous.isEmpty else { return [] }
            let numbers = (try? LessonContext.of(session).library().lessons().map { String($0.number) }) ?? []
            return subcommands + numbers
        },
        run: run)

    static func run(_ session: Session, _ args: ParsedArguments) throws {
        let context = LessonContext.of(session)
        let word = args.positional(0)
        if word != "check", args.positional.count > 1 {
            throw CommandError("'lesson \(word ?? "")' takes no more words, got '\(args.positional[1])'")
        }
        switch word {
        case nil: try resume(session, context)
        case "list": try list(session, context)
        case "next": try move(session, context, by: 1)
        case "back": try move(session, context, by: -1)
        case "hint": try hint(session, context)
        case "run": try notNested("run") { try runCell(session, context) }
        case "check": try check(session, context, Array(args.positional.dropFirst()))
        case let text?:
            guard let number = Int(text) else {
                let hint = Suggestions.didYouMean(text, among: subcommands, quote: { "lesson \($0)" })
                throw CommandError("unknown command 'lesson \(text)'\(hint) — 'lesson' takes a number or \(subcommands.joined(separator: "|"))")
            }
            try start(session, context, number)
        }
    }

    /// Runs `body` unless a `lesson run` or `lesson check` (`LessonChecker.runAll`)
    /// is already running: then one line says why not.
    static func notNested<T>(_ word: String, _ body: () throws -> T) throws -> T {
        guard lessonNesting.add(1, ordering: .relaxed).newValue == 1 else {
            lessonNesting.subtract(1, ordering: .relaxed)
            throw CommandError("'lesson \(word)' cannot run inside a lesson's own commands (it would run them again without end)")
        }
        defer { lessonNesting.subtract(1, ordering: .relaxed) }
        return try body()
    }

    // MARK: moving through lessons

    /// `lesson`: the current cell again, or the list on a first start.
    static func resume(_ session: Session, _ context: LessonContext) throws {
        let progress = context.store.load()
        guard let number = progress.currentLesson,
              let lesson = try? context.library().lesson(number) else {
            try list(session, context)
            return
        }
        show(session, lesson, cell: progress.cell(in: lesson))
    }

    /// `lesson N`: the first cell of lesson N.
    static func start(_ session: Session, _ context: LessonContext, _ number: Int) throws {
        let lesson = try context.library().lesson(number)
        var progress = context.store.load()
        progress.currentLesson = number
        progress.currentCell = 0
        remember(progress, context, session)
        show(session, lesson, cell: 0)
    }

    /// `lesson next` / `lesson back`; past the last cell the lesson is finished
    /// and the next one starts.
    static func move(_ session: Session, _ context: LessonContext, by step: Int) throws {
        var progress = context.store.load()
        let library = try context.library()
        guard let number = progress.currentLesson else {
            throw CommandError("no lesson started — type 'lesson 1' (or 'lesson list')")
        }
        let lesson = try library.lesson(number)
        let target = progress.cell(in: lesson) + step
        if target < 0 { throw CommandError("already at the first cell of lesson \(number)") }
        if target < lesson.cells.count {
            progress.currentCell = target
            remember(progress, context, session)
            show(session, lesson, cell: target)
            return
        }
        progress.finish(number)
        let following = try library.lessons().first { $0.number > number }
        progress.currentLesson = following?.number
        progress.currentCell = 0
        remember(progress, context, session)
        session.say("✓ Lesson \(number) finished (\(progress.finished.count) done).")
        if let following {
            session.say("")
            show(session, following, cell: 0)
        } else {
            session.say("That was the last lesson. 'lesson list' shows them all; 'notebook save FILE.html' keeps this session.")
        }
    }

    /// Saves progress; a failure (a read-only home folder) is a note, not an
    /// error: the lesson goes on, only the progress is not kept.
    static func remember(_ progress: LessonProgress, _ context: LessonContext, _ session: Session) {
        do {
            try context.store.save(progress)
        } catch {
            session.say("note: \(Shell.describe(error)) — set PIXELRNN_HOME to a writable folder to keep it")
        }
    }

    /// `lesson list`: every lesson with its progress mark.
    static func list(_ session: Session, _ context: LessonContext) throws {
        let lessons = try context.library().lessons()
        let progress = context.store.load()
        session.say("Lessons (✓ finished, ▶ current):")
        for lesson in lessons {
            let current = progress.currentLesson == lesson.number
            let mark = current ? "▶" : (progress.finished.contains(lesson.number) ? "✓" : " ")
            let place = current ? "  (cell \(progress.cell(in: lesson) + 1) of \(lesson.cells.count))" : ""
            session.say(" \(mark) \(String(format: "%2d", lesson.number))  \(lesson.title)\(place)")
        }
        if let current = progress.currentLesson {
            session.say("Type 'lesson' to go on with lesson \(current), or 'lesson N' to start lesson N.")
        } else if let next = lessons.first(where: { !progress.finished.contains($0.number) }) {
            session.say("Type 'lesson \(next.number)' to start.")
        } else {
            session.say("Every lesson is finished. 'lesson N' walks one again.")
        }
    }

    // MARK: the current cell

    /// The current lesson and cell, or a clear error.
    static func currentCell(_ context: LessonContext) throws -> (Lesson, Int) {
        let progress = context.store.load()
        guard let number = progress.currentLesson else {
            throw CommandError("no lesson started — type 'lesson 1' (or 'lesson list')")
        }
        let lesson = try context.library().lesson(number)
        return (lesson, progress.cell(in: lesson))
    }

    /// `lesson hint`.
    static func hint(_ session: Session, _ context: LessonContext) throws {
        let (lesson, index) = try currentCell(context)
        if let hint = lesson.cells[index].hint {
            session.say("Hint:")
            LessonText.lines(hint).forEach(session.say)
        } else {
            let later = lesson.cells[index...].contains { $0.hint != nil }
            session.say("No hint for this cell" + (later ? " — the question further on has one." : "."))
        }
    }

    /// `lesson run`: the current cell's commands, in this session, each shown
    /// after the prompt as if typed.
    static func runCell(_ session: Session, _ context: LessonContext) throws {
        let (lesson, index) = try currentCell(context)
        let commands = lesson.cells[index].commands
        guard !commands.isEmpty else {
            throw CommandError("this cell has no commands to run — 'lesson next' moves on")
        }
        let shell = Shell(session: session)
        for command in commands {
            session.writeLine("pixelrnn> " + command)
            if case .failed(let message) = shell.execute(command) {
                let earlier = index > 0 ? " (this cell builds on the earlier ones: 'lesson back' and 'lesson run' them first)" : ""
                throw CommandError("'\(command)' failed: \(message)\(earlier)")
            }
        }
        session.writeLine("(ran the \(commands.count == 1 ? "command" : "\(commands.count) commands") of lesson \(lesson.number), cell \(index + 1) — 'lesson next' moves on)")
    }

    /// `lesson check [N…]`: every lesson (or the given ones) headless; an error
    /// (a non-zero exit in batch mode) when one fails.
    static func check(_ session: Session, _ context: LessonContext, _ words: [String]) throws {
        let numbers = try words.map { word -> Int in
            guard let n = Int(word) else { throw CommandError("lesson check expects lesson numbers, got '\(word)'") }
            return n
        }
        let folder = try context.library().folder
        session.say("checking the lessons in \(folder.path) …")
        let result = try LessonChecker.runAll(lessonsFolder: folder, only: numbers.isEmpty ? nil : numbers,
                                              report: { session.say($0) })
        if result.failed > 0 {
            throw CommandError("\(result.failed) of \(counted(result.passed + result.failed, "lesson")) \(result.passed + result.failed == 1 ? "does" : "do") not match the program (see above)")
        }
    }

    // MARK: showing a cell

    /// Prints a cell: a header, its prose, the commands to type, and what to do next.
    static func show(_ session: Session, _ lesson: Lesson, cell index: Int) {
        let cell = lesson.cells[index]
        session.say("── Lesson \(lesson.number): \(lesson.title) — cell \(index + 1) of \(lesson.cells.count) ──")
        if !cell.prose.isEmpty {
            session.say("")
            LessonText.lines(cell.prose).forEach(session.say)
        }
        if !cell.commands.isEmpty {
            session.say("")
            session.say("Type:")
            cell.commands.forEach { session.say("  pixelrnn> " + $0) }
        }
        session.say("")
        session.say(footer(lesson, cell: index))
    }

    static func footer(_ lesson: Lesson, cell index: Int) -> String {
        let cell = lesson.cells[index]
        var parts: [String] = []
        if !cell.commands.isEmpty { parts.append("'lesson run' runs \(cell.commands.count == 1 ? "it" : "them") for you") }
        if cell.hint != nil { parts.append("'lesson hint'") }
        parts.append(index + 1 < lesson.cells.count ? "'lesson next'" : "'lesson next' finishes the lesson")
        if index > 0 { parts.append("'lesson back'") }
        return "(" + parts.joined(separator: " · ") + ")"
    }
}

/// Lesson prose for the terminal: paragraphs joined and re-wrapped, lists,
/// headings, tables and code kept line by line.
enum LessonText {
    /// The width prose is wrapped to.
    static let width = 78

    static func lines(_ markdown: String) -> [String] {
        var out: [String] = []
        var paragraph: [String] = []
        var inCode = false
        func flush() {
            guard !paragraph.isEmpty else { return }
            out += wrapped(paragraph.joined(separator: " "))
            paragraph = []
        }
        for line in markdown.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") { flush(); inCode.toggle(); out.append(line); continue }
            if !inCode, let heading = headingText(trimmed) {
                flush()
                out += [heading, String(repeating: "─", count: heading.count)]
                continue
            }
            if inCode || keepsItsLine(line) { flush(); out.append(line); continue }
            if trimmed.isEmpty { flush(); out.append(""); continue }
            if isListItem(trimmed) { flush() }
            paragraph.append(trimmed)
        }
        flush()
        return out
    }

    /// The text of a `## Heading` line, shown underlined in the terminal.
    static func headingText(_ trimmed: String) -> String? {
        let hashes = trimmed.prefix(while: { $0 == "#" }).count
        guard hashes > 0, trimmed.dropFirst(hashes).first == " " else { return nil }
        return trimmed.dropFirst(hashes + 1).trimmingCharacters(in: .whitespaces)
    }

    /// Headings, tables, indented text and block quotes keep their line breaks.
    static func keepsItsLine(_ line: String) -> Bool {
        line.hasPrefix("#") || line.hasPrefix("|") || line.hasPrefix("    ") || line.hasPrefix(">")
    }

    static func isListItem(_ trimmed: String) -> Bool {
        trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ")
            || (trimmed.first?.isNumber == true && trimmed.contains(". ") && trimmed.prefix(while: \.isNumber).count <= 2
                && trimmed.dropFirst(trimmed.prefix(while: \.isNumber).count).hasPrefix(". "))
    }

    /// One paragraph broken at spaces into lines of at most `width` characters;
    /// list items continue indented under their text.
    static func wrapped(_ text: String) -> [String] {
        let indent = isListItem(text) ? String(repeating: " ", count: text.hasPrefix("- ") || text.hasPrefix("* ") ? 2 : 3) : ""
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = indent
            }
            current += (current.isEmpty || current == indent) ? String(word) : " " + word
        }
        if !current.isEmpty && current != indent { lines.append(current) }
        return lines
    }
}
