import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// `train --keep best-valid`, what `model save` records about the weights and `model show`
/// prints after a `model load`, and `model load pretrained:NAME`.
final class ProvenanceCommandTests: ShellTestCase {
    func testKeepBestValidAndWhatASavedModelSaysAboutItself() throws {
        run("data load")
        run("model new pixelcnn --layers 1 --hidden 4")
        fails("train --keep bogus", saying: "--keep must be one of last|best-valid, got 'bogus'")
        XCTAssertNil(shell.session.trainer, "a bad option trains nothing")
        // 2 epochs of 4,000 images at batch 500: 16 steps.
        let trained = run("train --epochs 2 --batch 500 --lr 0.01 --keep best-valid")
        let kept = try XCTUnwrap(trained.first { $0.hasPrefix("kept the") }, "\(trained)")
        let trainer = try XCTUnwrap(shell.session.trainer)
        let best = try XCTUnwrap(trainer.bestValidation)
        XCTAssertEqual(best.nll, trainer.state.validationHistory.map(\.nll).min())
        XCTAssertTrue(kept.contains(String(format: "%.2f nats/image", best.nll)), kept)
        // eval of the kept weights: the same number as the kept validation NLL.
        let valid = try XCTUnwrap(run("eval --split valid").first)
        XCTAssertTrue(valid.hasPrefix(String(format: "valid NLL: %.2f nats/image", best.nll)), "\(valid) vs \(best.nll)")
        let test = try XCTUnwrap(run("eval").first)
        let file = folder.appendingPathComponent("kept.safetensors").path
        run("model save \(file)")

        let fresh = ShellHarness(name: "provenance-load")
        defer { fresh.removeFolder() }
        fresh.run("model load \(file)")
        let shown = fresh.run("model show")
        XCTAssertTrue(shown.contains("source: \(file)"), "\(shown)")
        XCTAssertTrue(shown.contains { $0.hasPrefix("trained: 2 epochs (16 steps) on bundled") && $0.contains("batch 500") }, "\(shown)")
        XCTAssertTrue(shown.contains { $0.hasPrefix("kept: the weights after epoch \(best.epoch)") }, "\(shown)")
        // "test NLL: 104.12 nats/image = 0.1916 bits/dim  (500 images …)" → the same figures.
        let testFigures = test.components(separatedBy: "  (").first!
        XCTAssertTrue(shown.contains { $0.hasPrefix(testFigures + " on 500 images of bundled") }, "\(shown) vs \(test)")
        XCTAssertTrue(shown.contains { $0.hasPrefix(valid.components(separatedBy: "  (").first!) }, "\(shown)")

        // Training the loaded weights (the run goes on, with fresh optimizer moments: the file
        // has none) makes the recorded figures stale: show no longer says them.
        fresh.run("data load")
        XCTAssertTrue(fresh.run("train --steps 1").contains { $0.contains("continuing at step 16") }, "\(fresh.lines)")
        let after = fresh.run("model show")
        XCTAssertFalse(after.contains { $0.hasPrefix("test NLL") || $0.hasPrefix("source:") }, "\(after)")
    }

    /// A multi-scale model's `eval` is recorded like any other (it once was not: the shipped
    /// pretrained:multiscale said no NLL in `model show`).
    func testAMultiScaleEvalIsRecordedInTheCheckpoint() throws {
        run("data load")
        run("model new multiscale --base pixelcnn --layers 1 --hidden 2 --small-layers 1 --small-hidden 2")
        run("train --steps 1 --batch 4")
        let figures = try XCTUnwrap(run("eval").first).components(separatedBy: "  (").first!   // "test NLL: 542.85 nats/image = …"
        let path = folder.appendingPathComponent("ms.safetensors").path
        run("model save \(path)")
        run("model new pixelcnn --layers 1 --hidden 2")
        run("model load \(path)")
        XCTAssertTrue(run("model show").contains { $0.hasPrefix(figures + " on 500 images of bundled") }, "\(lines) vs \(figures)")
    }

    func testAFreshModelHasNoProvenanceAndTrainingWithoutKeepForgetsTheKeptEpoch() {
        run("model new rowlstm --layers 1 --hidden 2")
        let shown = run("model show")
        XCTAssertFalse(shown.contains { $0.hasPrefix("trained:") || $0.hasPrefix("kept:") || $0.contains("NLL") }, "\(shown)")
        run("data load")
        run("train --steps 2 --batch 8")
        XCTAssertNil(shell.session.trainer?.bestValidation)
    }

    func testPretrainedNames() throws {
        fails("model load pretrained:nosuch", saying: "no pretrained model 'nosuch'")
        fails("model save pretrained:pixelcnn", saying: "read-only")
        let names = PretrainedModels.names()
        XCTAssertEqual(names, ["diagbilstm", "emoji-pixelcnn", "multiscale", "pixelcnn", "rowlstm"],
                       "data/pretrained/ ships one checkpoint per kind, the multi-scale model and a colour model")
        let offered = Completer(session: shell.session).complete(before: "model load ", word: "pre").words
        XCTAssertEqual(offered, names.map { "pretrained:" + $0 })
        XCTAssertTrue(failure("model load pretrained:nosuch").contains("pretrained:diagbilstm, pretrained:emoji-pixelcnn, pretrained:multiscale, pretrained:pixelcnn, pretrained:rowlstm"))
    }
}
