import Foundation
import XCTest
@testable import PixelREPL

/// `lesson list|N|next|back|hint|run` through the shell, with progress kept in a
/// temporary $PIXELRNN_HOME-style folder and a small lessons folder of its own.
final class LessonCommandTests: XCTestCase, ShellOutput {
    var folder: URL!
    var lessonsFolder: URL { folder.appendingPathComponent("Lessons") }
    var homeFolder: URL { folder.appendingPathComponent("home") }
    var lines: [String] = []

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pixelrnn-lessons-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: lessonsFolder, withIntermediateDirectories: true)
        try write("01-first.md", """
        # First steps

        Print a mask.

        ```pixelrnn
        mask A 3
        ```

        ```expect
        0 0 0
        ```

        ```hint
        Three rows.
        ```

        Then mask B.

        ```pixelrnn
        mask B 3
        ```

        ## Question

        What differs?

        ```hint
        The centre.
        ```
        """)
        try write("02-second.md", "# Second\n\nOnly prose.\n\n```pixelrnn\nmask A 1\n```\n")
        try write("README.md", "# Not a lesson\n")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: lessonsFolder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// A fresh session (as after a restart) sharing the same progress folder.
    func newShell() -> Shell {
        let session = Session(outputDirectory: folder.appendingPathComponent("out"), previewsEnabled: false,
                              isTerminal: false, writeLine: { [unowned self] in self.lines.append($0) },
                              writeError: { [unowned self] in self.lines.append($0) })
        LessonContext.attach(to: session, lessonsFolder: lessonsFolder, progressFolder: homeFolder)
        return Shell(session: session)
    }


    func testListShowsLessonsWithProgressMarks() {
        let shell = newShell()
        let fresh = run(shell, "lesson list")
        XCTAssertEqual(fresh[1], "    1  First steps")
        XCTAssertEqual(fresh[2], "    2  Second")
        XCTAssertEqual(fresh.last, "Type 'lesson 1' to start.")
        run(shell, "lesson 1")
        XCTAssertEqual(run(shell, "lesson list")[1], " ▶  1  First steps  (cell 1 of 3)")
    }

    func testWalkingALessonCellByCell() {
        let shell = newShell()
        let first = run(shell, "lesson 1")
        XCTAssertEqual(first[0], "── Lesson 1: First steps — cell 1 of 3 ──")
        XCTAssertTrue(first.contains("Print a mask."))
        XCTAssertTrue(first.contains("  pixelrnn> mask A 3"))
        XCTAssertTrue(first.last!.contains("'lesson run'"))
        XCTAssertEqual(run(shell, "lesson hint"), ["Hint:", "Three rows."])
        XCTAssertTrue(run(shell, "lesson next").contains("  pixelrnn> mask B 3"))
        XCTAssertEqual(run(shell, "lesson hint"), ["No hint for this cell — the question further on has one."])
        XCTAssertTrue(run(shell, "lesson back")[0].hasSuffix("cell 1 of 3 ──"))
        XCTAssertEqual(failure(shell, "lesson back"), "already at the first cell of lesson 1")
        run(shell, "lesson next")
        let question = run(shell, "lesson next")
        XCTAssertTrue(question.contains("What differs?"))
        XCTAssertEqual(run(shell, "lesson hint"), ["Hint:", "The centre."])
        let finished = run(shell, "lesson next")
        XCTAssertEqual(finished[0], "✓ Lesson 1 finished (1 done).")
        XCTAssertTrue(finished.contains("── Lesson 2: Second — cell 1 of 1 ──"))
        XCTAssertEqual(run(shell, "lesson list")[1], " ✓  1  First steps")
    }

    func testProgressIsRememberedBetweenSessions() throws {
        let shell = newShell()
        run(shell, "lesson 1")
        run(shell, "lesson next")
        let store = LessonProgressStore(folder: homeFolder)
        XCTAssertEqual(store.load(), LessonProgress(currentLesson: 1, currentCell: 1, finished: []))
        let again = newShell()
        XCTAssertTrue(run(again, "lesson")[0].hasSuffix("cell 2 of 3 ──"), "'lesson' resumes where the last session stopped")
        let welcome = LessonWelcome.lines(context: LessonContext(lessonsFolder: lessonsFolder, store: store))
        XCTAssertEqual(welcome, ["Welcome back: you were at lesson 1 (First steps), cell 2 of 3 — type 'lesson' to go on."])
    }

    func testProgressFileRoundTripAndAtomicWrite() throws {
        let store = LessonProgressStore(folder: homeFolder.appendingPathComponent("nested"))
        XCTAssertFalse(store.exists)
        XCTAssertEqual(store.load(), LessonProgress())
        var progress = LessonProgress(currentLesson: 3, currentCell: 2)
        progress.finish(2); progress.finish(1); progress.finish(2)
        try store.save(progress)
        XCTAssertEqual(store.load(), LessonProgress(currentLesson: 3, currentCell: 2, finished: [1, 2]))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.file.deletingLastPathComponent().path)
        XCTAssertEqual(leftovers, ["progress.json"], "no temporary file is left behind")
        try Data("{ broken".utf8).write(to: store.file)
        XCTAssertEqual(store.load(), LessonProgress(), "an unreadable file means no progress")
    }

    func testStandardStoreFollowsPixelrnnHome() {
        let store = LessonProgressStore.standard(environment: ["PIXELRNN_HOME": "/tmp/somewhere"])
        XCTAssertEqual(store.file.path, "/tmp/somewhere/progress.json")
        XCTAssertTrue(LessonProgressStore.standard(environment: [:]).file.path.hasSuffix("/.pixelrnn/progress.json"))
    }

    func testFirstStartOffersLessonOne() {
        let context = LessonContext(lessonsFolder: lessonsFolder, store: LessonProgressStore(folder: homeFolder))
        XCTAssertEqual(LessonWelcome.lines(context: context),
                       ["New here? Type 'lesson 1' for the first guided lesson (First steps); 'lesson list' shows all 2."])
    }

    func testLessonRunRunsTheCellsCommandsInTheSession() {
        let shell = newShell()
        run(shell, "lesson 1")
        let out = run(shell, "lesson run")
        XCTAssertEqual(out.first, "pixelrnn> mask A 3")
        XCTAssertTrue(out.contains("0 0 0"))
        XCTAssertTrue(shell.session.transcript.map(\.command).contains("mask A 3"), "the commands are in the transcript")
        run(shell, "lesson next"); run(shell, "lesson next")
        XCTAssertEqual(failure(shell, "lesson run"), "this cell has no commands to run — 'lesson next' moves on")
    }

    func testAnUnwritableProgressFolderIsANoteNotAnError() throws {
        let blocker = folder.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: blocker)
        let session = Session(outputDirectory: folder.appendingPathComponent("out"), previewsEnabled: false,
                              isTerminal: false, writeLine: { [unowned self] in self.lines.append($0) })
        LessonContext.attach(to: session, lessonsFolder: lessonsFolder, progressFolder: blocker.appendingPathComponent("home"))
        let out = run(Shell(session: session), "lesson 1")
        XCTAssertTrue(out[0].hasPrefix("note: cannot save lesson progress to "), out[0])
        XCTAssertTrue(out.contains("── Lesson 1: First steps — cell 1 of 3 ──"))
    }

    func testBadInputIsOneLine() {
        let shell = newShell()
        XCTAssertEqual(failure(shell, "lesson next"), "no lesson started — type 'lesson 1' (or 'lesson list')")
        XCTAssertEqual(failure(shell, "lesson 9"), "no lesson 9 — there are 1, 2 (type 'lesson list')")
        XCTAssertTrue(failure(shell, "lesson nxt").contains("did you mean 'lesson next'?"))
        XCTAssertTrue(failure(shell, "lesson check x").contains("expects lesson numbers"))
    }
}
