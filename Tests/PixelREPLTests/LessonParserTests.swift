import Foundation
import XCTest
@testable import PixelREPL

/// The lesson format: cells, expect blocks (exact, `~ ` patterns, `...`), hints,
/// the question, and one-line errors for malformed files.
final class LessonParserTests: XCTestCase {
    let sample = """
    # Masks

    Why it matters: the first paragraph.

    ```pixelrnn
    mask A 5
    # a comment line is not a command
    mask B 5
    ```

    ```expect
    mask A, 5×5 …
    ~ 1 1 [01] 0 0
    ...
    ```

    ```hint
    Look at the centre.
    ```

    Second cell, no expect block.

    ```pixelrnn
    mask A 7 --png
    ```

    Prose with a code block of another kind:

    ```text
    not a command
    ```

    ## Question

    Why is the centre 0?

    ```hint
    The pixel itself.
    ```
    """

    func lesson() throws -> Lesson {
        try LessonParser.parse(sample, number: 2, name: "02-masks")
    }

    func testTitleAndCells() throws {
        let lesson = try lesson()
        XCTAssertEqual(lesson.title, "Masks")
        XCTAssertEqual(lesson.cells.count, 3)
        XCTAssertEqual(lesson.cells[0].commands, ["mask A 5", "mask B 5"])
        XCTAssertEqual(lesson.cells[0].prose, "Why it matters: the first paragraph.")
        XCTAssertEqual(lesson.cells[0].line, 3)
        XCTAssertEqual(lesson.cells[1].commands, ["mask A 7 --png"])
        XCTAssertEqual(lesson.cells[1].expected, [])
        XCTAssertEqual(lesson.commands, ["mask A 5", "mask B 5", "mask A 7 --png"])
    }

    func testExpectLinesAreExactPatternOrSkip() throws {
        XCTAssertEqual(try lesson().cells[0].expected,
                       [.exact("mask A, 5×5 …"), .pattern("1 1 [01] 0 0"), .skip])
    }

    func testHintsBelongToTheirCellAndTheQuestionIsFound() throws {
        let lesson = try lesson()
        XCTAssertEqual(lesson.cells[0].hint, "Look at the centre.")
        XCTAssertNil(lesson.cells[1].hint)
        let question = try XCTUnwrap(lesson.questionCell)
        XCTAssertTrue(question.prose.contains("Why is the centre 0?"))
        XCTAssertEqual(question.hint, "The pixel itself.")
        XCTAssertTrue(question.commands.isEmpty)
    }

    func testOtherFencedBlocksStayProse() throws {
        let prose = try lesson().cells[2].prose
        XCTAssertTrue(prose.contains("```text\nnot a command\n```"), prose)
    }

    func testExpectedLineMatching() {
        XCTAssertTrue(ExpectedLine(parsing: "centre (2, 2) is 0").matches("centre (2, 2) is 0  "))
        XCTAssertFalse(ExpectedLine(parsing: "centre (2, 2) is 0").matches("centre (2, 2) is 1"))
        let pattern = ExpectedLine(parsing: "~ NLL = [0-9.]+ nats")
        XCTAssertTrue(pattern.matches("NLL = 578.73 nats"))
        XCTAssertFalse(pattern.matches("NLL = 578.73 nats/image"), "a pattern matches the whole line")
        XCTAssertFalse(pattern.matches("total NLL = 1 nats"))
        XCTAssertEqual(ExpectedLine(parsing: "..."), .skip)
        XCTAssertEqual(ExpectedLine(parsing: "~ a").description, "~ a")
    }

    func testMatcherNeedsConsecutiveLinesExceptAtGaps() {
        let output = ["a", "b", "c", "d"]
        XCTAssertNil(OutputMatcher.mismatch(expected: [.exact("b"), .exact("c")], output: output))
        XCTAssertNil(OutputMatcher.mismatch(expected: [.exact("a"), .skip, .exact("d")], output: output))
        let miss = OutputMatcher.mismatch(expected: [.exact("a"), .exact("c")], output: output)
        XCTAssertEqual(miss, OutputMismatch(expectedIndex: 1, expected: "c", actual: "b", actualIsNearest: false))
        let nowhere = OutputMatcher.mismatch(expected: [.exact("x"), .exact("a")], output: output)
        XCTAssertEqual(nowhere?.expectedIndex, 0)
        XCTAssertTrue(nowhere?.actualIsNearest ?? false)
        let atEnd = OutputMatcher.mismatch(expected: [.exact("d"), .exact("e")], output: output)
        XCTAssertEqual(atEnd, OutputMismatch(expectedIndex: 1, expected: "e", actual: nil, actualIsNearest: false))
    }

    func testMatcherBacktracksToALaterStart() {
        // The first "a" is followed by "x"; the second by "b".
        XCTAssertNil(OutputMatcher.mismatch(expected: [.exact("a"), .exact("b")], output: ["a", "x", "a", "b"]))
    }

    func testMalformedFilesAreOneLineErrors() {
        func error(_ text: String) -> String {
            do {
                _ = try LessonParser.parse(text, number: 1, name: "01-x")
                return "no error"
            } catch { return "\(error)" }
        }
        XCTAssertEqual(error("no title here"), "01-x.md line 1: no title: the first heading must be '# Title'")
        XCTAssertTrue(error("# T\n```pixelrnn\nmask A 5\n").contains("line 2: the fenced block opened here is never closed"))
        XCTAssertTrue(error("# T\n```expect\nx\n```").contains("must come right after a ```pixelrnn block"))
        XCTAssertTrue(error("# T\n```pixelrnn\n```").contains("needs at least one command"))
        XCTAssertTrue(error("# T\n```pixelrnn\nmask A\n```\n```expect\n~ (unclosed\n```").contains("not a valid regular expression"))
        XCTAssertTrue(error("# T\n```hint\na\n```\n```hint\nb\n```").contains("at most one ```hint block"))
    }

    func testFileNames() {
        XCTAssertEqual(LessonParser.numberAndName(ofFile: "03-pixelcnn.md")?.number, 3)
        XCTAssertEqual(LessonParser.numberAndName(ofFile: "03-pixelcnn.md")?.name, "03-pixelcnn")
        XCTAssertNil(LessonParser.numberAndName(ofFile: "README.md"))
        XCTAssertNil(LessonParser.numberAndName(ofFile: "03pixelcnn.md"))
        XCTAssertNil(LessonParser.numberAndName(ofFile: "03-pixelcnn.txt"))
    }

    func testTerminalTextRewrapsParagraphsAndKeepsTables() {
        let text = String(repeating: "word ", count: 40) + "\n\n    a  b  c\n    1  2  3\n- item one\n- item two"
        let lines = LessonText.lines(text)
        XCTAssertTrue(lines.allSatisfy { $0.count <= LessonText.width }, "\(lines)")
        XCTAssertTrue(lines.contains("    a  b  c"))
        XCTAssertTrue(lines.contains("- item one"))
        XCTAssertTrue(lines.contains("- item two"))
    }
}
