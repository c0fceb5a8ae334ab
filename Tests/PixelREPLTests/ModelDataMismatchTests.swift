import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// Combinations of models and data, and of model options, that a command cannot honour:
/// one line each, never a crash and never an option silently dropped.
final class ModelDataMismatchTests: ShellTestCase {
    func testAGreyModelRefusesColourDataWhereItReadsAnImage() {
        run("data load emoji")
        run("model new pixelcnn --layers 1 --hidden 2")
        for line in ["factorize 0", "complete --images 1", "eval", "train --steps 1"] {
            fails(line, saying: "the model reads 1 colour (grey) but emoji has 3 colours")
        }
        run("model new rowlstm --layers 1 --hidden 2")
        fails("trace rowlstm 0", saying: "the model reads 1 colour (grey) but emoji has 3 colours")
    }

    func testTheMultiScaleModelRefusesWhatItDoesNotHave() throws {
        for option in ["--bug mask-b-first", "--residual off", "--skip on"] {
            fails("model new multiscale --base pixelcnn --layers 1 --hidden 2 \(option)", saying: "is an option of the single-scale models")
        }
        XCTAssertNil(shell.session.model)
        run("model new multiscale --base pixelcnn --layers 1 --hidden 2 --small-layers 1 --small-hidden 2")
        run("model export pytorch \(folder.path)/ms")             // exported since (Export README)
        XCTAssertTrue(try String(contentsOf: folder.appendingPathComponent("ms/pixelrnn_model.py"), encoding: .utf8)
            .contains("class MultiScalePixelRNN(nn.Module):"))
    }

    func testExportWritesKLevelModelsItsTrainingScriptQuantizesFor() throws {
        run("model new pixelcnn --layers 1 --hidden 2 --levels 16")
        run("model export pytorch \(folder.path)/k16")
        XCTAssertTrue(try String(contentsOf: folder.appendingPathComponent("k16/pixelrnn_model.py"), encoding: .utf8).contains("\nLEVELS = 16\n"))
        XCTAssertTrue(try String(contentsOf: folder.appendingPathComponent("k16/train.py"), encoding: .utf8)
            .contains("levels = ((2 * v * (pm.LEVELS - 1) + 255) // 510)"))
    }
}
