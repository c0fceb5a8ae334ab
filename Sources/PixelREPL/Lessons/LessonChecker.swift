import Foundation
import PixelRNN

/// The outcome of checking one lesson.
public struct LessonCheckResult {
    /// The lesson checked.
    public var lesson: Lesson
    /// nil when it passed; else the lines describing the first mismatch.
    public var failure: [String]?
    /// Commands that ran.
    public var commandsRun: Int
    /// Wall-clock seconds.
    public var seconds: Double

    /// True when every cell printed what the lesson says it must.
    public var passed: Bool { failure == nil }

    /// `ok  3  03-pixelcnn  (4 cells, 7 commands, 1.2 s)`, or FAIL and the mismatch.
    public var reportLines: [String] {
        let number = String(format: "%2d", lesson.number)
        let stats = "(\(lesson.cells.count) cell\(lesson.cells.count == 1 ? "" : "s"), \(commandsRun) command\(commandsRun == 1 ? "" : "s"), \(String(format: "%.1f", seconds)) s)"
        guard let failure else { return ["ok    \(number)  \(lesson.name)  \(stats)"] }
        return ["FAIL  \(number)  \(lesson.name)  \(stats)"] + failure.map { "      " + $0 }
    }
}

/// Runs lessons headless and compares what their commands print with their
/// ```expect blocks, so a lesson that no longer matches the program fails.
///
/// Each lesson runs in a fresh `Session` of its own: previews off, not a
/// terminal, lesson progress kept in its own file, PNG files in a temporary folder (shown as `out/` in the compared
/// output, as a learner with the default folder sees it), removed afterwards.
/// The first failing command or mismatch ends that lesson's check.
public enum LessonChecker {
    /// Checks every lesson in `lessonsFolder` (or only the numbers in `only`),
    /// calling `report` with each lesson's lines as soon as it is done.
    public static func runAll(lessonsFolder: URL, only: [Int]? = nil,
                              report: (String) -> Void = { _ in }) throws -> (passed: Int, failed: Int, reportLines: [String]) {
        try LessonCommands.notNested("check") { try checkAll(lessonsFolder: lessonsFolder, only: only, report: report) }
    }

    private static func checkAll(lessonsFolder: URL, only: [Int]?,
                                 report: (String) -> Void) throws -> (passed: Int, failed: Int, reportLines: [String]) {
        let library = LessonLibrary(folder: lessonsFolder)
        var lessons = try library.lessons()
        if let only {
            for number in only where !lessons.contains(where: { $0.number == number }) {
                _ = try library.lesson(number)   // throws the "no lesson N" error
            }
            lessons = lessons.filter { only.contains($0.number) }
        }
        guard !lessons.isEmpty else { throw CommandError("no lessons in \(lessonsFolder.path)") }
        var lines: [String] = []
        var passed = 0
        for lesson in lessons {
            try Interruption.check()
            let result = check(lesson)
            if result.passed { passed += 1 }
            result.reportLines.forEach(report)
            lines += result.reportLines
        }
        let summary = "\(passed) of \(counted(lessons.count, "lesson")) pass\(lessons.count == 1 ? "es" : "")" + (passed == lessons.count ? "" : ", \(lessons.count - passed) fail")
        report(summary)
        return (passed, lessons.count - passed, lines + [summary])
    }

    /// Checks one lesson: its structure, then every cell in order.
    public static func check(_ lesson: Lesson, registry: CommandRegistry = .standard) -> LessonCheckResult {
        let start = Date()
        var run = HeadlessRun(registry: registry, lessonsFolder: lesson.file?.deletingLastPathComponent())
        defer { run.cleanUp() }
        var failure = structureProblem(lesson).map { [$0] }
        if failure == nil {
            for (index, cell) in lesson.cells.enumerated() where !cell.commands.isEmpty {
                if let problem = run.check(cell, number: index + 1) { failure = problem; break }
            }
        }
        return LessonCheckResult(lesson: lesson, failure: failure, commandsRun: run.commandsRun,
                                 seconds: Date().timeIntervalSince(start))
    }

    /// What a lesson lacks: commands, a question, a hint for it.
    static func structureProblem(_ lesson: Lesson) -> String? {
        if lesson.title.isEmpty { return "the lesson has no title" }
        if !lesson.cells.contains(where: { !$0.commands.isEmpty }) { return "the lesson has no ```pixelrnn commands" }
        if !lesson.cells.contains(where: { !$0.expected.isEmpty }) { return "the lesson has no ```expect block: nothing would be checked" }
        guard let question = lesson.questionCell else { return "the lesson has no '## Question' section" }
        if question.hint == nil { return "the question has no ```hint block" }
        return nil
    }
}

/// One lesson's fresh session, its captured output and its temporary folder.
private struct HeadlessRun {
    let folder: URL
    let session: Session
    let shell: Shell
    private let captured: CapturedLines
    private(set) var commandsRun = 0

    /// A session of its own, with a progress file of its own: a cell's `lesson N`
    /// or `lesson next` never moves the learner's real progress.
    init(registry: CommandRegistry, lessonsFolder: URL?) {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("pixelrnn-lesson-check-\(UUID().uuidString)")
        let lines = CapturedLines()
        captured = lines
        session = Session(outputDirectory: folder.appendingPathComponent("out"), previewsEnabled: false,
                          isTerminal: false, writeLine: { lines.add($0) }, writeError: { lines.add($0) })
        session.writeProgress = { _ in }
        session.registry = registry
        shell = Shell(session: session)
        LessonContext.attach(to: session, lessonsFolder: lessonsFolder, progressFolder: folder.appendingPathComponent("progress"))
    }

    /// Runs a cell's commands and matches their output; nil when it matches.
    mutating func check(_ cell: LessonCell, number: Int) -> [String]? {
        captured.lines = []
        let place = "cell \(number) (line \(cell.line))"
        for command in cell.commands {
            commandsRun += 1
            switch shell.execute(command) {
            case .ran, .nothing: continue
            case .quit: return ["\(place): '\(command)' quits the session — a lesson may not"]
            case .failed(let message): return ["\(place): '\(command)' failed: \(message)"]
            }
        }
        let output = captured.lines.map(shownAsDefaultFolder)
        guard let miss = OutputMatcher.mismatch(expected: cell.expected, output: output) else { return nil }
        let after = cell.commands.count == 1 ? cell.commands[0] : cell.commands.joined(separator: "; ")
        let actual = miss.actual.map { "'\($0)'" } ?? "(end of the output)"
        return ["\(place), after: \(after)",
                "expected line \(miss.expectedIndex + 1): '\(miss.expected)'",
                (miss.actualIsNearest ? "nearest output:   " : "actual:           ") + actual]
    }

    /// A printed line with the temporary output folder written as `out`.
    private func shownAsDefaultFolder(_ line: String) -> String {
        let out = folder.appendingPathComponent("out")
        var shown = line
        for path in Set([out.path, out.standardizedFileURL.path, out.resolvingSymlinksInPath().path]) {
            shown = shown.replacingOccurrences(of: path, with: "out")
        }
        return shown
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Lines printed by a headless session.
private final class CapturedLines {
    var lines: [String] = []
    func add(_ line: String) { lines.append(contentsOf: line.components(separatedBy: "\n")) }
}

extension LessonChecker {
    /// `pixelrnn lesson check [N…]` (or any `pixelrnn lesson …`) as a process:
    /// runs `lesson …` in batch mode and returns the exit status (0 when every
    /// lesson passes, 1 otherwise). nil when the arguments are not a lesson
    /// command (or a script file named `lesson` exists), so that
    /// `main.swift` can go on as usual.
    public static func commandLineStatus(_ arguments: [String]) -> Int32? {
        let words = Array(arguments.dropFirst())
        guard words.first == "lesson", !FileManager.default.fileExists(atPath: "lesson") else { return nil }
        let line = words.map { $0.contains(" ") || $0.isEmpty ? "\"\($0)\"" : $0 }.joined(separator: " ")
        return PixelREPLMain.run([arguments.first ?? "pixelrnn", "--no-preview", "-c", line])
    }
}
