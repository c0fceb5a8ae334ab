import Foundation
import XCTest
@testable import PixelREPL

/// `lesson check`: every real lesson passes, and a doctored one fails with the
/// expected and the actual line — so the check can fail.
final class LessonCheckTests: XCTestCase {
    /// The repository's Lessons/ folder.
    static let realLessons = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Lessons")

    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pixelrnn-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testEveryRealLessonPasses() throws {
        let lessons = try LessonLibrary(folder: Self.realLessons).lessons()
        XCTAssertGreaterThanOrEqual(lessons.count, 5)
        let result = try LessonChecker.runAll(lessonsFolder: Self.realLessons)
        XCTAssertEqual(result.failed, 0, result.reportLines.joined(separator: "\n"))
        XCTAssertEqual(result.passed, lessons.count)
    }

    func testEveryRealLessonHasAQuestionWithAHintAndPictures() throws {
        for lesson in try LessonLibrary(folder: Self.realLessons).lessons() {
            XCTAssertNil(LessonChecker.structureProblem(lesson), lesson.name)
            let prose = lesson.cells.map(\.prose).joined(separator: "\n")
            XCTAssertTrue(prose.contains("## Why it matters"), "\(lesson.name) says why it matters")
            XCTAssertTrue(prose.contains("out/"), "\(lesson.name) points at a picture it writes")
        }
    }

    /// A copy of lesson 2 with one expected line changed must fail at that line.
    func testADoctoredLessonFails() throws {
        let original = try String(contentsOf: Self.realLessons.appendingPathComponent("02-masks.md"), encoding: .utf8)
        let doctored = original.replacingOccurrences(of: "1 1 0 0 0\n0 0 0 0 0", with: "1 1 1 0 0\n0 0 0 0 0")
        XCTAssertNotEqual(doctored, original)
        try doctored.write(to: folder.appendingPathComponent("02-masks.md"), atomically: true, encoding: .utf8)
        var reported: [String] = []
        let result = try LessonChecker.runAll(lessonsFolder: folder, report: { reported.append($0) })
        XCTAssertEqual(result.failed, 1)
        XCTAssertEqual(result.passed, 0)
        let text = reported.joined(separator: "\n")
        XCTAssertTrue(reported[0].hasPrefix("FAIL   2  02-masks"), text)
        XCTAssertTrue(text.contains("cell 1 (line "), text)
        XCTAssertTrue(text.contains("expected line 4: '1 1 1 0 0'"), text)
        XCTAssertTrue(text.contains("actual:           '1 1 0 0 0'"), text)
        XCTAssertEqual(reported.last, "0 of 1 lesson passes, 1 fail")
    }

    func testAMissingCommandFailsTheLesson() throws {
        try lesson("01-x.md", commands: "no-such-command 3", expect: "anything")
        let result = try LessonChecker.runAll(lessonsFolder: folder)
        XCTAssertEqual(result.failed, 1)
        XCTAssertTrue(result.reportLines.joined().contains("'no-such-command 3' failed: unknown command 'no-such-command'"),
                      result.reportLines.joined(separator: "\n"))
    }

    func testALessonWithoutQuestionFails() throws {
        try "# T\n\n```pixelrnn\nmask A 3\n```\n\n```expect\n0 0 0\n```\n"
            .write(to: folder.appendingPathComponent("01-t.md"), atomically: true, encoding: .utf8)
        let result = try LessonChecker.runAll(lessonsFolder: folder)
        XCTAssertTrue(result.reportLines.contains("      the lesson has no '## Question' section"), "\(result.reportLines)")
    }

    func testPicturesAreComparedAsOutFolderPaths() throws {
        try lesson("01-x.md", commands: "mask A 3 --png", expect: "wrote out/mask-A-3x3-1c.png")
        let result = try LessonChecker.runAll(lessonsFolder: folder)
        XCTAssertEqual(result.failed, 0, result.reportLines.joined(separator: "\n"))
    }

    func testLessonCheckCommandFailsInTheREPLOnAMismatch() throws {
        try lesson("01-x.md", commands: "mask A 3", expect: "1 1 1\n9 9 9")
        var printed: [String] = []
        let session = Session(outputDirectory: folder.appendingPathComponent("out"), previewsEnabled: false,
                              writeLine: { printed.append($0) }, writeError: { printed.append($0) })
        LessonContext.attach(to: session, lessonsFolder: folder, progressFolder: folder.appendingPathComponent("home"))
        let outcome = Shell(session: session).execute("lesson check")
        XCTAssertEqual(outcome, .failed("1 of 1 lesson does not match the program (see above)"))
        XCTAssertTrue(printed.contains("      expected line 2: '9 9 9'"), printed.joined(separator: "\n"))
        XCTAssertEqual(Shell(session: session).execute("lesson check 1"), outcome)
        XCTAssertEqual(Shell(session: session).execute("lesson check 4"), .failed("no lesson 4 — there are 1 (type 'lesson list')"))
    }

    /// `pixelrnn lesson check` as a process: exit 0 when the lessons pass, 1 when one fails.
    func testTheExecutableExitsNonZeroOnAMismatch() throws {
        let good = folder.appendingPathComponent("good"), bad = folder.appendingPathComponent("bad")
        for dir in [good, bad] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        let masks = try String(contentsOf: Self.realLessons.appendingPathComponent("02-masks.md"), encoding: .utf8)
        try masks.write(to: good.appendingPathComponent("02-masks.md"), atomically: true, encoding: .utf8)
        try masks.replacingOccurrences(of: "centre (2, 2) is 0", with: "centre (2, 2) is 1")
            .write(to: bad.appendingPathComponent("02-masks.md"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try checkProcess(lessons: good).status, 0)
        let failed = try checkProcess(lessons: bad)
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.output.contains("expected line 7: 'centre (2, 2) is 1: the first layer"), failed.output)
        XCTAssertTrue(failed.output.contains("1 of 1 lesson does not match the program"), failed.output)
    }

    func checkProcess(lessons: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try locateExecutable()
        process.arguments = ["lesson", "check"]
        var environment = ProcessInfo.processInfo.environment
        environment["PIXELRNN_LESSONS"] = lessons.path
        process.environment = environment
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func lesson(_ name: String, commands: String, expect: String) throws {
        let text = "# X\n\n## Why it matters\n\n```pixelrnn\n\(commands)\n```\n\n```expect\n\(expect)\n```\n\n## Question\n\nQ?\n\n```hint\nH.\n```\n"
        try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
}
