import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// Colour models (3 colours, K levels) through the commands, as a user types them.
final class ColourCommandTests: XCTestCase, ShellHarnessTestCase {
    var harness: ShellHarness!

    override func setUpWithError() throws { harness = ShellHarness(name: "colour-commands") }

    override func tearDownWithError() throws { harness.removeFolder() }

    func testModelNewTakesAnyLevelsFromTwoTo256ForEveryKindInColour() throws {
        for kind in ModelKind.allCases {
            for levels in [2, 3, 16, 256] {
                let out = run("model new \(kind.rawValue) --layers 1 --hidden 6 --colors 3 --levels \(levels)")
                let config = try XCTUnwrap(shell.session.model?.config)
                XCTAssertEqual(config, ModelConfig(kind: kind, layers: 1, hidden: 6, colors: 3, levels: levels))
                XCTAssertEqual(shell.session.model?.head[1].weight.value.shape[0], levels == 2 ? 3 : 3 * levels)
                XCTAssertTrue(out[0].contains(levels == 2 ? "binary output" : "\(levels)-way softmax output"), out[0])
            }
        }
        let kept = shell.session.model
        fails("model new pixelcnn --colors 3 --levels 257 --hidden 6", saying: "--levels")
        fails("model new pixelcnn --colors 3 --levels 1 --hidden 6", saying: "--levels")
        fails("model new rowlstm --colors 3 --hidden 4", saying: "multiple of 3")
        XCTAssertTrue(shell.session.model === kept)
    }
}

extension ColourCommandTests {
    func testReceptiveFieldOfEachColour() throws {
        run("model new rowlstm --colors 3 --levels 256 --layers 2 --hidden 6 --seed 1")
        let g = run("rf 3 2 --size 6 --colour G")
        XCTAssertTrue(g.contains("  G sees at its own pixel: R   (allowed: R)"), "\(g)")
        XCTAssertTrue(g.contains("  pixel colours outside the causal context it sees: 0 (as it must be)"), "\(g)")
        XCTAssertTrue(g.last!.hasSuffix("rf-rowlstm-3-2-G.png"), g.last!)
        let all = run("rf 3 2 --size 6")
        XCTAssertEqual(all.filter { $0.contains("sees at its own pixel") },
                       ["  R sees at its own pixel: nothing   (allowed: nothing)", "  G sees at its own pixel: R   (allowed: R)",
                        "  B sees at its own pixel: R, G   (allowed: R, G)"])
        fails("rf 3 2 --size 6 --colour X", saying: "R|G|B")
        fails("rf 3 2 --size 6 --growth", saying: "--colour")
        run("model new rowlstm --layers 1 --hidden 4")
        fails("rf 3 2 --size 6 --colour G", saying: "colour models")
    }
}
