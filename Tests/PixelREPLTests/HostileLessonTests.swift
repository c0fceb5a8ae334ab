import Foundation
import XCTest
@testable import PixelREPL

/// Lesson files, progress files and expect patterns made to break things (issue 13):
/// each gives one line or a correct answer — no crash, no endless recursion, no spin.
final class HostileLessonTests: XCTestCase {
    /// A shell whose lessons and progress live in the harness's folder.
    var harness: ShellHarness!
    var lessonsFolder: URL { harness.folder.appendingPathComponent("Lessons") }
    var homeFolder: URL { harness.folder.appendingPathComponent("home") }
    var lines: [String] { harness.lines }

    override func setUpWithError() throws {
        harness = ShellHarness(name: "hostile-lessons")
        for dir in [lessonsFolder, homeFolder] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        LessonContext.attach(to: harness.session, lessonsFolder: lessonsFolder, progressFolder: homeFolder)
    }

    override func tearDownWithError() throws { harness.removeFolder() }

    func write(_ name: String, _ text: String, in dir: URL? = nil) throws {
        try text.write(to: (dir ?? lessonsFolder).appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func newShell() -> Shell { harness.shell }

    func outcome(_ shell: Shell, _ line: String) -> LineOutcome {
        harness.lines = []
        return shell.execute(line)
    }

    static let lessonText = "# Masks\n\nPrint one.\n\n```pixelrnn\nmask A 3\n```\n\n```expect\n0 0 0\n```\n\nThen B.\n\n```pixelrnn\nmask B 3\n```\n"

    func testWindowsLineEndingsReadAsTheSameLesson() throws {
        let unix = try LessonParser.parse(Self.lessonText, number: 1, name: "01-x")
        for ending in ["\r\n", "\r"] {
            let other = try LessonParser.parse(Self.lessonText.replacingOccurrences(of: "\n", with: ending), number: 1, name: "01-x")
            XCTAssertEqual(other.title, "Masks")
            XCTAssertEqual(other.cells.map(\.commands), unix.cells.map(\.commands))
            XCTAssertEqual(other.cells.map(\.expected), unix.cells.map(\.expected))
            XCTAssertEqual(other.cells.map(\.line), unix.cells.map(\.line))
        }
        XCTAssertEqual("a\r\nb\rc\n\nd".linesOfAnyEnding, ["a", "b", "c", "", "d"])
    }

    func testALessonWithoutCellsIsOneLine() throws {
        for text in ["# Only a title\n", "# Only a title", "# T\r\n\r\n"] {
            XCTAssertThrowsError(try LessonParser.parse(text, number: 1, name: "01-x")) {
                XCTAssertTrue("\($0)".contains("no cells"), "\($0)")
            }
        }
        try write("01-empty.md", "# Empty\r\n")
        let shell = newShell()
        for command in ["lesson 1", "lesson list", "lesson", "lesson check"] {
            guard case .failed(let message) = outcome(shell, command) else { return XCTFail("\(command) did not fail") }
            XCTAssertTrue(message.contains("no cells"), message)
        }
    }

    /// Progress files with values out of range or of the wrong type: the lesson goes on.
    func testOutOfRangeProgressIsKeptInsideTheLesson() throws {
        try write("01-masks.md", Self.lessonText)
        let shell = newShell()
        for progress in [#"{"currentLesson": 1, "currentCell": -5, "finished": []}"#,
                         #"{"currentLesson": 1, "currentCell": 9223372036854775807, "finished": [-3]}"#,
                         #"{"currentLesson": 1, "currentCell": -9223372036854775808, "finished": []}"#,
                         #"{"currentLesson": -1, "currentCell": 0, "finished": []}"#,
                         #"{"currentLesson": 1, "currentCell": "two", "finished": {}}"#,
                         #"{"currentLesson": 1e400, "currentCell": 1.5}"#, "[]", "null", "\u{0}\u{1}"] {
            try write("progress.json", progress, in: homeFolder)
            for command in ["lesson", "lesson list", "lesson hint", "lesson back", "lesson next", "lesson run", "lesson 1"] {
                if case .failed(let message) = outcome(shell, command) {
                    XCTAssertFalse(message.contains("\n"), "\(progress) \(command): \(message)")
                }
                try write("progress.json", progress, in: homeFolder)
            }
        }
        try write("progress.json", #"{"currentLesson": 1, "currentCell": -5, "finished": []}"#, in: homeFolder)
        XCTAssertEqual(outcome(shell, "lesson"), .ran)
        XCTAssertTrue(lines.first!.contains("cell 1 of 2"), "\(lines)")
        XCTAssertEqual(outcome(shell, "lesson next"), .ran)
        XCTAssertTrue(lines.first!.contains("cell 2 of 2"), "\(lines)")
    }

    /// A cell that says `lesson run` or `lesson check` would run itself without end.
    func testLessonCommandsInsideALessonAreRefused() throws {
        try write("01-loop.md", "# Loop\n\nAgain.\n\n```pixelrnn\nlesson run\n```\n\nAnd check.\n\n```pixelrnn\nlesson check\n```\n\n```expect\n...\n```\n\n## Question\n\nWhy?\n\n```hint\nIt loops.\n```\n")
        let shell = newShell()
        XCTAssertEqual(outcome(shell, "lesson 1"), .ran)
        guard case .failed(let message) = outcome(shell, "lesson run") else { return XCTFail("lesson run did not fail") }
        XCTAssertTrue(message.contains("cannot run inside a lesson"), message)
        XCTAssertEqual(outcome(shell, "lesson next"), .ran)
        guard case .failed(let again) = outcome(shell, "lesson run") else { return XCTFail("lesson run did not fail") }
        XCTAssertTrue(again.contains("cannot run inside a lesson"), again)
        let result = try LessonChecker.runAll(lessonsFolder: lessonsFolder)
        XCTAssertEqual(result.failed, 1)
        XCTAssertTrue(result.reportLines.joined().contains("cannot run inside a lesson"), "\(result.reportLines)")
        // Once they are over, both work again.
        XCTAssertEqual(try LessonChecker.runAll(lessonsFolder: lessonsFolder).failed, 1)
    }
}

/// The non-backtracking matcher of `~ pattern` lines: the answers of a regular
/// expression engine, without its catastrophic cases.
final class LinePatternTests: XCTestCase {
    /// Whole-line matches, compared with NSRegularExpression on ordinary patterns.
    func testAgreesWithARegularExpressionEngine() throws {
        let patterns = [#"log p\(x\) = Σ_i log p\(x_i \| x_<i\) = -[0-9.]+ nats"#, #"[0-9.]+e-0[6-9]"#, #"a|b|c"#,
                        #"x(ab)*y"#, #"x(?:ab)+y"#, #"1 pixels?"#, #"[^0-9]+"#, #"\d{2,3}"#, #"\d{2}"#, #"a{2,}"#,
                        #"\w+ \s*\S"#, #"[a-c-]+"#, #".*\(.*\).*"#, #"^abc$"#, #"28×28 → .* \(27, 0\)"#, #"a.c"#, #"(a|ab)(c|bcd)"#,
                        #"[\]x]+"#, #"\.\*\+\?"#, #"(a*)*b"#, #""#, #"g = tanh\(·\) mean .*\(content gate\)"#]
        let lines = ["", "a", "b", "ab", "abc", "xy", "xaby", "xababy", "1 pixel", "1 pixels", "12", "123", "1234", "aa",
                     "word  x", "a-c", "f(x) = 1", "28×28 → 28×55 (27, 0)", "abcd", "]]x", ".*+?", "aaab",
                     "log p(x) = Σ_i log p(x_i | x_<i) = -543.43 nats", "1.5e-07", "1.5e-05", "g = tanh(·) mean 0.1 (content gate)"]
        for pattern in patterns {
            let ours = try XCTUnwrap(LinePattern(pattern), pattern)
            let theirs = try NSRegularExpression(pattern: "^(?:" + pattern + ")$")
            for line in lines {
                let expected = theirs.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
                XCTAssertEqual(ours.matches(line), expected, "'\(pattern)' on '\(line)'")
            }
        }
    }

    func testMalformedPatternsAreRefused() {
        for bad in ["(", ")", "[a", "a{3", "a{5,2}", "*a", "a**b(", #"\1"#, #"\b"#, "a{1000}", "(?=a)", "[z-a]",
                    String(repeating: "(", count: 200) + String(repeating: ")", count: 200), "((a{100}){100}){100}",
                    String(repeating: "a", count: LinePattern.maxLength + 1)] {
            XCTAssertNil(LinePattern(bad), bad)
        }
    }

    /// The pattern of issue 13 on a long line: a plain answer (a backtracking engine spins for a minute).
    func testCatastrophicPatternsAnswerAtOnce() throws {
        let pattern = try XCTUnwrap(LinePattern("~ (.*)*(.*)*(.*)*(.*)*Z".dropFirst(2).description))
        let line = String(repeating: "x", count: 5_000)
        XCTAssertFalse(pattern.matches(line))
        XCTAssertTrue(pattern.matches(line + "Z"))
        XCTAssertFalse(try XCTUnwrap(LinePattern("(a+)+b")).matches(String(repeating: "a", count: 10_000)))
        XCTAssertTrue(ExpectedLine(parsing: "~ (.*)*(.*)*Z").matches(line + "Z"))
    }

    /// Quantified quantifiers (`x++++…`, found by the fuzzer: each `+` copies what it
    /// repeats) are refused or compiled at once, never walked 2ⁿ times.
    func testQuantifiedQuantifiersCompileAtOnce() throws {
        // Before the fix the first of these did not come back (2⁴⁰ compile steps).
        XCTAssertNil(LinePattern("onal" + String(repeating: "+", count: 40)), "2⁴⁰ copies of 'l' are refused")
        XCTAssertNil(LinePattern("(.*)" + String(repeating: "+", count: 64)))
        XCTAssertTrue(try XCTUnwrap(LinePattern("a++")).matches("aaa"), "a few are still fine")
        // Empty groups repeated: no state, but 100⁵ compile steps (found by a second reading).
        XCTAssertNil(LinePattern("(?:(?:(?:(?:(?:()){100}){100}){100}){100}){100}Z"))
    }

    /// Ctrl-C stops a match on a very long line (it then fails).
    func testCtrlCStopsAMatch() throws {
        let pattern = try XCTUnwrap(LinePattern("(.*)*(.*)*Z"))
        let line = String(repeating: "x", count: 100_000) + "Z"
        XCTAssertTrue(pattern.matches(line))
        Interruption.requested = true
        defer { Interruption.clear() }
        XCTAssertFalse(pattern.matches(line))
    }
}

/// Input echoed in messages, option values, empty paths and script files (issue 13).
final class HostileInputTests: ShellTestCase {
    /// A value outside an option's list is refused by the parser, for every command.
    func testEveryExhaustiveOptionRejectsOtherValues() throws {
        var checked = 0
        for command in shell.session.registry.commands {
            for spec in command.options where spec.valuesAreExhaustive {
                let words = command.subcommands.isEmpty ? [] : [command.subcommands[0]]
                XCTAssertThrowsError(try ParsedArguments.parse(words + ["--\(spec.name)", "bogus"], for: command)) {
                    XCTAssertTrue("\($0)".contains("--\(spec.name) must be "), "\(command.name): \($0)")
                }
                XCTAssertNoThrow(try ParsedArguments.parse(words + ["--\(spec.name)=\(spec.values[0])"], for: command))
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 10)
        run("data load")
        run("model new rowlstm --layers 1 --hidden 2")
        fails("trace rowlstm 0 --split bogus", saying: "--split must be one of train|valid|test, got 'bogus'")
        fails("eval --split tset", saying: "did you mean 'test'?")
    }

    /// A 1 MB word in a command is quoted as about 80 characters.
    func testHugeInputIsQuotedShort() {
        let huge = String(repeating: "x", count: 1_000_000)
        for line in [huge, "data \(huge)", "mask A 3 --\(huge)", "train --lr \(huge)", "eval --split \(huge)", "'\(huge)"] {
            let message = failure(line)
            XCTAssertLessThan(message.count, 1_200, String(line.prefix(20)))
            XCTAssertFalse(message.contains("\n"))
        }
        XCTAssertTrue(failure(huge).contains(String(repeating: "x", count: 80) + "…"))
    }

    /// An empty path is not the current folder.
    func testEmptyPathsAreRefused() {
        run("model new pixelcnn --layers 1 --hidden 2")
        fails("model save ''", saying: "needs a file name")
        fails("model load ' '", saying: "needs a file name")
        fails("set out ''", saying: "needs a folder name")
        run("data load")
        fails("train --steps 1 --checkpoint ''", saying: "needs a file name")
        XCTAssertNil(shell.session.trainer)
    }

    /// A notebook that cannot be written says why in words.
    func testNotebookSaveFailureSaysWhy() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        run("mask A 3 --png")
        let blocker = folder.appendingPathComponent("nb_files")
        try Data().write(to: blocker)
        let message = failure("notebook save \(folder.appendingPathComponent("nb.md").path)")
        XCTAssertFalse(message.contains("NSCocoaErrorDomain"), message)
        XCTAssertTrue(message.contains("nb_files"), message)
        XCTAssertEqual(NotebookWriter.reason(CocoaError(.fileWriteNoPermission)), "permission denied")
        XCTAssertFalse(NotebookWriter.reason(CocoaError(.fileWriteUnknown)).contains("couldn’t be completed"))
    }
}
