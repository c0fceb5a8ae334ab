import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// "Validate everything before changing anything" (issue 13): each test records
/// what the session and the disk hold, runs a command that fails, and checks that
/// nothing changed — no model, run or setting replaced, no folder or file left.
final class FailedCommandTests: ShellTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Everything under the test folder, relative paths, sorted.
    func files() -> [String] {
        let all = FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []
        return all.sorted()
    }

    func weights() -> [[Float]] {
        harness.session.model?.namedParameters.map { $0.1.value.data } ?? []
    }

    /// A save to a path whose file name is too long used to make every folder on
    /// the way first, and leave them behind.
    func testModelSaveThatCannotWriteLeavesNoFolders() {
        run("model new pixelcnn --layers 1 --hidden 2")
        let before = files()
        let long = String(repeating: "n", count: 300)
        fails("model save \(folder.path)/a/b/c/\(long).safetensors", saying: "too long")
        let deep = (1...29).map { _ in String(repeating: "d", count: 200) }.joined(separator: "/")
        fails("model save \(folder.path)/\(deep)/m.safetensors", saying: "longer than")
        try? Data().write(to: folder.appendingPathComponent("a-file"))
        fails("model save \(folder.path)/a-file/sub/m.safetensors", saying: "a-file is a file, not a folder")
        XCTAssertEqual(files(), (before + ["a-file"]).sorted())
        run("model save \(folder.path)/x/y/m.safetensors")
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("x/y/m.safetensors").path))
    }

    /// `train --checkpoint DIR` trained first and failed to save at the end; a bad
    /// destination is now refused before a step is taken.
    func testTrainWithACheckpointThatCannotBeWrittenDoesNotTrain() throws {
        run("data load")
        run("model new pixelcnn --layers 1 --hidden 2")
        let model = harness.session.model
        let before = weights()
        let directory = folder.appendingPathComponent("a-folder")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        try Data().write(to: folder.appendingPathComponent("a-file"))
        let listed = files()
        fails("train --steps 1 --batch 8 --checkpoint \(directory.path)", saying: "it is a folder")
        fails("train --steps 1 --batch 8 --checkpoint \(folder.path)/a-file/ck.safetensors", saying: "is a file, not a folder")
        fails("train --steps 1 --batch 8 --checkpoint \(folder.path)/\(String(repeating: "c", count: 250)).safetensors",
              saying: "too long")
        fails("train --steps 1 --batch 8 --every 5", saying: "there is no --checkpoint")
        XCTAssertTrue(harness.session.model === model)
        XCTAssertEqual(weights(), before, "no step was taken")
        XCTAssertNil(harness.session.trainer, "no run was started")
        XCTAssertEqual(files(), listed, "nothing was written (no a-folder.optim.safetensors)")
    }

    /// `set out` under a file was accepted, and every later picture failed.
    func testSetOutToAFolderThatCannotBeMadeKeepsTheOldOne() throws {
        let old = harness.session.outputDirectory
        try Data().write(to: folder.appendingPathComponent("a-file"))
        fails("set out \(folder.path)/a-file/pictures", saying: "is a file, not a folder")
        fails("set out \(folder.path)/a-file", saying: "it is a file, not a folder")
        fails("set out \(folder.path)/\(String(repeating: "p", count: 300))", saying: "too long")
        XCTAssertEqual(harness.session.outputDirectory, old)
        run("set out \(folder.path)/new/pictures")
        XCTAssertEqual(harness.session.outputDirectory.path, "\(folder.path)/new/pictures")
    }

    /// A Markdown notebook whose pictures cannot all be read: the pictures folder
    /// used to be made and half filled before the error.
    func testNotebookSaveWithAPictureGoneWritesNothing() throws {
        harness.session.outputDirectory = folder.appendingPathComponent("out")
        _ = harness.shell.executeAndReport("mask A 3 --png")
        _ = harness.shell.executeAndReport("mask B 3 --png")
        let pictures = harness.session.transcript.flatMap(\.pictures)
        XCTAssertEqual(pictures.count, 2)
        // A picture that is there but cannot be read (a folder now has its name).
        try FileManager.default.removeItem(at: pictures[1])
        try FileManager.default.createDirectory(at: pictures[1], withIntermediateDirectories: false)
        let before = files()
        fails("notebook save \(folder.path)/nb.md", saying: "cannot read the picture")
        XCTAssertEqual(files(), before, "no nb.md, no nb_files/")

        // A pictures folder that was there keeps what it had.
        let existing = folder.appendingPathComponent("nb_files")
        try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: false)
        try Data([1, 2, 3]).write(to: existing.appendingPathComponent("mine.png"))
        fails("notebook save \(folder.path)/nb.md", saying: "cannot read the picture")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: existing.path), ["mine.png"])
    }

    /// `lesson check` ran each lesson's commands in a session that shared the
    /// learner's progress file: a cell typing `lesson 2` moved the learner.
    func testLessonCheckLeavesTheLearnersProgressAlone() throws {
        let home = folder.appendingPathComponent("home")
        let lessons = folder.appendingPathComponent("lessons")
        try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
        let original = try String(contentsOf: LessonCheckTests.realLessons.appendingPathComponent("02-masks.md"), encoding: .utf8)
        try (original + "\n```pixelrnn\nlesson 2\nlesson next\n```\n")
            .write(to: lessons.appendingPathComponent("02-masks.md"), atomically: true, encoding: .utf8)
        let saved = ProcessInfo.processInfo.environment[LessonProgressStore.environmentVariable]
        setenv(LessonProgressStore.environmentVariable, home.path, 1)
        defer {
            if let saved { setenv(LessonProgressStore.environmentVariable, saved, 1) } else { unsetenv(LessonProgressStore.environmentVariable) }
        }
        let result = try LessonChecker.runAll(lessonsFolder: lessons)
        XCTAssertEqual(result.failed, 0, result.reportLines.joined(separator: "\n"))
        XCTAssertTrue(result.reportLines[0].contains("commands"), result.reportLines[0])
        XCTAssertFalse(FileManager.default.fileExists(atPath: home.appendingPathComponent("progress.json").path),
                       "the learner's progress file was written by the check")
    }

    /// `data load --labels FILE` without a data file loaded the bundled digits and
    /// ignored the labels (replacing the data set the session had).
    func testDataLoadWithLabelsForTheBundledDigitsIsRefused() throws {
        let labels = folder.appendingPathComponent("labels.idx")
        try Data([0, 0, 8, 1, 0, 0, 0, 1, 7]).write(to: labels)
        fails("data load --labels \(labels.path)", saying: "--labels")
        XCTAssertNil(harness.session.data)
        run("data load")
        let data = try XCTUnwrap(harness.session.data)
        run("model new rowlstm --layers 1 --hidden 2")
        run("trace rowlstm")
        fails("data load bundled --labels \(labels.path)", saying: "--labels")
        XCTAssertTrue(harness.session.data.map { $0.name == data.name && $0.source == data.source } ?? false)
        XCTAssertNotNil(harness.session.trace, "the trace of the loaded data goes on")
    }

    /// What a failing command must leave as it was.
    struct Snapshot: Equatable {
        var model: ObjectIdentifier?
        var weights: [[Float]]
        var data: String?
        var trainer: ObjectIdentifier?
        var step: Int?
        var trace: String?
        var out: URL
        var previews: Bool
        var progress: Data?
        var files: [String]
    }

    func snapshot(progress: URL) -> Snapshot {
        let session = harness.session
        return Snapshot(model: session.model.map(ObjectIdentifier.init), weights: weights(),
                        data: session.data.map { "\($0.name) \($0.source) \($0.binarization) \($0.train.count)" },
                        trainer: session.trainer.map(ObjectIdentifier.init), step: session.trainer?.state.step,
                        trace: session.trace.map { "\($0.title) \($0.whereLines())" },
                        out: session.outputDirectory, previews: session.previewsEnabled,
                        progress: try? Data(contentsOf: progress), files: files())
    }

    /// Every command, with a bad option value, a missing file or a bad combination,
    /// in a session that has data, a trained model, a trace and a lesson under way:
    /// each fails with one line and leaves all of it as it was.
    func testNoFailingCommandChangesTheSession() throws {
        let home = folder.appendingPathComponent("home")
        LessonContext.attach(to: harness.session, lessonsFolder: LessonCheckTests.realLessons, progressFolder: home)
        run("data load")
        run("model new rowlstm --layers 1 --hidden 2")
        run("train --steps 1 --batch 8")
        run("model save \(folder.path)/m.safetensors")
        run("trace rowlstm 2")
        run("step")
        run("lesson 2")
        try Data("not a checkpoint".utf8).write(to: folder.appendingPathComponent("bad.safetensors"))
        try Data().write(to: folder.appendingPathComponent("a-file"))
        let before = snapshot(progress: home.appendingPathComponent("progress.json"))
        let missing = folder.appendingPathComponent("missing").path
        let failing = [
            "data load \(missing)", "data load --binarize nope", "data load --binarize threshold --seed 3",
            "data load --seed -1", "data load \(folder.path)/bad.safetensors", "data load --labels \(missing)",
            "data binarize", "data binarize nope", "data binarize threshold --seed 2", "data show 0..99999",
            "data show 3..1", "data show --split nope", "data info extra",
            "set previews maybe", "set out", "set out ''", "set out \(folder.path)/a-file/x", "set nope",
            "model", "model new", "model new lstm", "model new rowlstm --layers -1", "model new rowlstm --hidden 0",
            "model new rowlstm --levels 1", "model new rowlstm --seed x", "model load \(missing)",
            "model load \(folder.path)/bad.safetensors", "model load ''", "model save", "model save m.txt",
            "model save \(folder.path)/a-file/m.safetensors",
            "train --lr abc", "train --batch 0", "train --epochs -1", "train --clip x", "train --optimizer sgd",
            "train --steps 0", "train --seed -4", "train --every 3", "train --resume \(missing)",
            "train --resume \(folder.path)/bad.safetensors", "train --resume \(folder.path)/m.safetensors",
            "train --checkpoint \(folder.path)", "train --checkpoint \(folder.path)/a-file/c.safetensors --steps 1",
            "eval --split nope", "eval extra", "plot", "plot nope",
            "trace diagbilstm", "trace rowlstm 99999", "trace rowlstm --layer 5", "trace rowlstm --split nope",
            "trace rowlstm --seed 3", "trace sample 3", "trace sample --layer 1", "trace sample --seed -1",
            "step extra", "where extra", "show nope", "show",
            "sample 0", "sample 999", "sample --seed x", "sample --method nope", "sample 2 3",
            "complete --occlude nope", "complete --images 0", "complete --samples 99", "complete --box 1,2",
            "complete extra",
            "factorize 99999", "factorize --split nope", "factorize x",
            "rf 99 99", "rf 1", "rf --trials 0", "rf --size 2", "rf compare --layers 0",
            "mask C", "mask A 0", "mask A 3 --colors 2", "mask A x",
            "skew 0", "skew --image 99999", "skew --diagonal -5", "unskew x",
            "benchmark --model nope", "benchmark --runs 0", "benchmark --steps -1", "benchmark --layers 999",
            "lesson 999", "lesson nope", "lesson check 999", "lesson check x", "lesson 2 3",
            "notebook", "notebook save", "notebook save x.txt", "notebook save \(missing)/x.html",
            "help nope", "quit now",
        ]
        for line in failing {
            XCTAssertTrue(harness.failure(line) != "(did not fail)", "'\(line)' did not fail")
            XCTAssertEqual(snapshot(progress: home.appendingPathComponent("progress.json")), before, "'\(line)' changed the session")
        }
    }
}
