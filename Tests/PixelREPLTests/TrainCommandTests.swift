import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// `train`, `eval`, `plot loss` through the shell: continuing, Ctrl-C, checkpoints, bad input.
final class TrainCommandTests: XCTestCase, ShellOutput {
    var folder: URL!
    var lines: [String] = []

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pixelrnn-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func makeShell() -> Shell {
        Shell(session: Session(outputDirectory: folder, previewsEnabled: false, isTerminal: false,
                               writeLine: { [unowned self] in self.lines.append($0) },
                               writeError: { [unowned self] in self.lines.append($0) }))
    }


    func values(_ network: any PixelModel) -> [[Float]] { network.namedParameters.map { $0.1.value.data } }

    func testTrainingContinuesAndEvalMatchesTheLibrary() throws {
        let shell = makeShell()
        XCTAssertTrue(failure(shell, "train").contains("no model"))
        run(shell, "model new pixelcnn --layers 1 --hidden 4")
        XCTAssertTrue(failure(shell, "train").contains("no data loaded"))
        run(shell, "data load")
        XCTAssertTrue(run(shell, "train --steps 3 --batch 4").contains { $0.hasPrefix("stopped after the requested steps at step 3") })
        XCTAssertTrue(run(shell, "train --steps 2").contains { $0.contains("continuing at step 3") })
        XCTAssertEqual(shell.session.trainer?.state.step, 5)
        let plotted = run(shell, "plot loss")
        XCTAssertTrue(plotted.contains { $0.hasSuffix("loss-pixelcnn.png") })
        let out = run(shell, "eval --split valid")
        let nats = try XCTUnwrap(Double(out[0].split(separator: " ")[2]))
        let expected = try Evaluation.evaluate(network: shell.session.model!, images: shell.session.data!.binarized(.valid))
        XCTAssertEqual(nats, expected.natsPerImage, accuracy: 0.006)
    }

    func testBadHyperparametersAreOneLineAndChangeNothing() {
        let shell = makeShell()
        run(shell, "data load")
        run(shell, "model new pixelcnn --layers 1 --hidden 4")
        let before = values(shell.session.model!)
        XCTAssertTrue(failure(shell, "train --batch 0").contains("batch size must be at least 1"))
        XCTAssertTrue(failure(shell, "train --lr -1").contains("learning rate must be a positive number"))
        XCTAssertTrue(failure(shell, "train --epochs 0").contains("epochs must be at least 1"))
        XCTAssertTrue(failure(shell, "train --optimizer sgd").contains("--optimizer must be one of adam|rmsprop"))   // the argument parser's check
        XCTAssertTrue(failure(shell, "train --clip x").contains("--clip"))
        XCTAssertEqual(values(shell.session.model!), before)
        run(shell, "model new rowlstm --layers 7 --hidden 16")
        XCTAssertTrue(failure(shell, "train --batch 4000").contains("GB to train with batch 4000"))
    }

    func testAHugeLearningRateStopsWithTheLastGoodWeights() {
        let shell = makeShell()
        run(shell, "data load")
        run(shell, "model new pixelcnn --layers 1 --hidden 4")
        let message = failure(shell, "train --steps 20 --lr 1e30 --clip off")
        XCTAssertTrue(message.contains("stopped, the weights are those after step"), message)
        XCTAssertTrue(message.hasSuffix(" — try a lower learning rate or --clip"), "the REPL names its options: \(message)")
        XCTAssertTrue(shell.session.model!.namedParameters.allSatisfy { $0.1.value.data.allSatisfy { $0.isFinite } })
    }

    func testCtrlCStopsAtAStepBoundaryAndKeepsTheModel() throws {
        let shell = makeShell()
        run(shell, "data load")
        run(shell, "model new pixelcnn --layers 1 --hidden 4")
        let command = try XCTUnwrap(shell.session.registry.command(named: "train"))
        Interruption.requested = true          // as if Ctrl-C came before the first step ended
        defer { Interruption.clear() }
        lines = []
        try command.run(shell.session, ParsedArguments.parse(["--steps", "5"], for: command))
        XCTAssertTrue(lines.contains { $0.hasPrefix("stopped by Ctrl-C at step 0") }, "\(lines)")
        XCTAssertNotNil(shell.session.model)
    }

    /// Resume equals uninterrupted: 4 steps straight == 2 steps, save, new session, resume 2 steps.
    func testResumeFromACheckpointEqualsAnUninterruptedRun() throws {
        let straight = makeShell()
        run(straight, "data load")
        run(straight, "model new rowlstm --layers 1 --hidden 3 --seed 2")
        run(straight, "train --steps 4 --batch 4")

        let first = makeShell()
        let file = folder.appendingPathComponent("run.safetensors").path
        run(first, "data load")
        run(first, "model new rowlstm --layers 1 --hidden 3 --seed 2")
        run(first, "train --steps 2 --batch 4 --checkpoint \(file)")
        let second = makeShell()
        run(second, "data load")
        run(second, "train --resume \(file) --steps 2")
        XCTAssertEqual(values(second.session.model!), values(straight.session.model!))
    }
}
