import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// `train --resume`, `model load` and `plot loss` on checkpoints whose training state was
/// edited by hand (issue 13): one line each, no crash, and a failed command changes nothing.
final class UntrustedCheckpointTests: ShellTestCase {
    /// A resumable checkpoint after 3 steps of a tiny PixelCNN; returns its path.
    func makeCheckpoint() -> String {
        let file = folder.appendingPathComponent("run.safetensors").path
        run("data load")
        run("model new pixelcnn --layers 1 --hidden 2")
        run("train --steps 3 --batch 8 --checkpoint \(file)")
        return file
    }

    /// A copy of `file` (and its optimizer file) with some metadata entries replaced (nil: removed).
    func edited(_ file: String, _ changes: [String: String?], name: String = "edited") throws -> String {
        let source = URL(fileURLWithPath: file)
        let loaded = try SafeTensors.read(contentsOf: source)
        var metadata = loaded.metadata
        for (key, value) in changes { metadata[key] = value }
        let target = folder.appendingPathComponent("\(name).safetensors")
        try Data(SafeTensors.encode(loaded.tensors, metadata: metadata, file: target.path)).write(to: target)
        // The optimizer file is named by the digest the (unedited) model file records.
        let digest = try XCTUnwrap(loaded.metadata[Checkpoint.optimizerDigestKey])
        let optim = try XCTUnwrap(Checkpoint.optimizerStateURL(for: target, digest: digest))
        try? FileManager.default.removeItem(at: optim)
        try FileManager.default.copyItem(at: XCTUnwrap(Checkpoint.optimizerStateURL(for: source, digest: digest)), to: optim)
        return target.path
    }

    func weights() -> [[Float]] { shell.session.model!.namedParameters.map { $0.1.value.data } }

    /// The crashes of issue 13 and their kind: each is one line, and the session keeps its model and run.
    func testEditedTrainingStateIsOneLineAndChangesNothing() throws {
        let file = makeCheckpoint()
        run("model new rowlstm --layers 1 --hidden 2")
        let model = shell.session.model!, run0 = shell.session.trainer!, before = weights()
        let cases: [String: String?] = [
            "training.epoch_step": "-1", "training.epoch": "-100", "training.step": "99999999999999999999",
            "training.epochs": "nan", "training.batch": "0", "training.lr": "inf", "training.clip": "-1",
            "training.seed": "-1", "training.optimizer": "sgd", "training.loss_history": "1:nan",
            "training.valid_history": "1:1e308", "training.data": nil,
        ]
        for (key, value) in cases where key != "training.data" {
            let bad = try edited(file, [key: value])
            fails("train --resume \(bad) --steps 1", saying: "training state")
            XCTAssertTrue(shell.session.model === model, "\(key) = \(value ?? "nil") replaced the model")
            XCTAssertEqual(weights(), before)
            XCTAssertTrue(shell.session.trainer === run0)
        }
        // A position that the loaded data cannot have (3 steps into an epoch of 1 step).
        let far = try edited(file, ["training.batch": "4000"])
        fails("train --resume \(far) --steps 1", saying: "make only 1 step")
        XCTAssertFalse(failure("train --resume \(far) --steps 1").contains("1 steps"), "one step, not 1 steps")
        XCTAssertTrue(shell.session.model === model)
    }

    /// A seed beyond Int64 used to trap when the run went on with `train`.
    func testAHugeSeedFromAFileDoesNotTrap() throws {
        let file = try edited(makeCheckpoint(), ["training.seed": "9223372036854775808"])
        run("train --resume \(file) --steps 1")
        XCTAssertEqual(shell.session.trainer?.hyperparameters.seed, 9_223_372_036_854_775_808)
        run("train --steps 1")
        XCTAssertEqual(shell.session.trainer?.state.step, 5)
    }

    /// Bad options next to --resume are found before the checkpoint replaces anything.
    func testResumeWithABadOptionChangesNothing() throws {
        let file = makeCheckpoint()
        run("model new rowlstm --layers 1 --hidden 2")
        let model = shell.session.model!, run0 = shell.session.trainer!, before = weights()
        for options in ["--lr abc", "--batch 0", "--epochs -1", "--steps 0", "--every 0", "--clip x", "--seed -4",
                        "--optimizer sgd", "--checkpoint ''"] {
            XCTAssertNotEqual(failure("train --resume \(file) \(options)"), "(did not fail)", options)
            XCTAssertTrue(shell.session.model === model, "'\(options)' replaced the model")
            XCTAssertTrue(shell.session.trainer === run0, options)
            XCTAssertEqual(weights(), before)
        }
        XCTAssertTrue(run("train --resume \(file) --steps 1").contains { $0.hasPrefix("resumed PixelCNN") })
    }

    /// A 5 MB metadata value is shown as an excerpt when the file is loaded.
    func testAHugeMetadataValueIsShownShort() throws {
        let file = try edited(makeCheckpoint(), ["note": String(repeating: "n", count: 5_000_000),
                                                 String(repeating: "k", count: 10_000): "v"])
        let said = run("model load \(file)")
        XCTAssertTrue(said.contains { $0.hasPrefix("metadata: ") && $0.contains("note=nnnn") }, "\(said.map { $0.prefix(100) })")
        XCTAssertTrue(said.allSatisfy { $0.count < 2_000 }, "\(said.map(\.count))")
    }

    /// A plain 'model save' file is not a training run, and says so.
    func testResumingAPlainModelFileSaysItHasNoTrainingState() {
        run("data load")
        run("model new pixelcnn --layers 1 --hidden 2")
        let file = folder.appendingPathComponent("plain.safetensors").path
        run("model save \(file)")
        fails("train --resume \(file)", saying: "has no training state")
    }

    /// Huge (finite) values in the curves draw, clamped to the plot's edge.
    func testPlotLossDrawsHugeValues() throws {
        let file = makeCheckpoint()
        for (i, value) in ["1e308", "1.7976931348623157e308"].enumerated() {
            let huge = try edited(file, ["training.epoch": "1", "training.epoch_step": "0",
                                         "training.valid_history": "1:\(value)",
                                         "training.loss_history": "1:1e308,2:1.7976931348623157e308,3:0"], name: "huge\(i)")
            run("model load \(huge)")
            XCTAssertTrue(run("plot loss").contains { $0.hasSuffix(".png") })
        }
    }

    /// Training, a new model, loading one or new data end a trace built on the old one,
    /// which would otherwise report a false difference from the forward pass.
    func testATraceEndsWhenItsModelOrDataChange() throws {
        run("data load")
        for change in ["train --steps 1 --batch 4", "model new rowlstm --layers 1 --hidden 2", "data load"] {
            run("model new rowlstm --layers 1 --hidden 2")
            run("trace rowlstm 0")
            run("step")
            let said = run(change)
            XCTAssertTrue(said.contains { $0.hasPrefix("note: ") && $0.contains("trace of Row LSTM block 0") && $0.contains("has ended") },
                          "\(change): \(said)")
            fails("continue", saying: "nothing is being traced")
        }
        run("model new rowlstm --layers 1 --hidden 2")
        run("trace sample")
        XCTAssertFalse(run("data load").contains { $0.contains("has ended") })   // sampling reads no data
        run("step")
    }
}
