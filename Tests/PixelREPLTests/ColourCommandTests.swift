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
