import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// `model load pretrained:NAME`: the names, their completion, and the refusals.
final class PretrainedCommandTests: XCTestCase, ShellHarnessTestCase {
    var harness: ShellHarness!

    override func setUp() { harness = ShellHarness(name: "pretrained") }
    override func tearDown() { harness.removeFolder() }

    func testPretrainedNames() throws {
        fails("model load pretrained:nosuch", saying: "no pretrained model 'nosuch'")
        fails("model save pretrained:pixelcnn", saying: "read-only")
        let names = PretrainedModels.names()
        XCTAssertEqual(names, ["diagbilstm", "pixelcnn", "rowlstm"], "data/pretrained/ ships one checkpoint per kind")
        let offered = Completer(session: shell.session).complete(before: "model load ", word: "pre").words
        XCTAssertEqual(offered, names.map { "pretrained:" + $0 })
        XCTAssertTrue(failure("model load pretrained:nosuch").contains("pretrained:diagbilstm, pretrained:pixelcnn, pretrained:rowlstm"))
    }
}
