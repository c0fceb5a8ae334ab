import Foundation
import XCTest
@testable import PixelREPL
@testable import PixelRNN

/// `check causality` and colour `rf` on a multi-scale model: the small image is allowed to a
/// prediction outside it (later pixels too), nothing else after the pixel is.
final class MultiScaleInspectionCommandTests: ShellTestCase {
    func testCheckCausalityAllowsTheSmallImage() throws {
        run("model new multiscale --base rowlstm --layers 2 --hidden 3 --small-layers 1 --small-hidden 2")
        let said = run("check causality --size 6")
        XCTAssertTrue(said.contains("leaks: none — every prediction sees only the pixels before it and, outside the small image, the small image's pixels"), "\(said)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("causality-multiscale.png").path))
        // The leaking variant (its conditional network sees the pixel it predicts), put in the session as a user's model would be.
        let config = try XCTUnwrap(shell.session.model?.config)
        shell.session.model = try MultiScaleNetwork(config: config, seed: 1, conditionalInputMask: .B)
        let leaking = run("check causality --size 6")
        XCTAssertTrue(leaking.contains { $0.contains("LEAKS: ") && $0.contains("outside the small image — THE MODEL SEES THE FUTURE") }, "\(leaking)")
    }

    func testColourFieldCountsTheSmallImageApart() throws {
        run("model new multiscale --base pixelcnn --layers 2 --hidden 3 --small-layers 1 --small-hidden 3 --colors 3 --levels 4")
        let outside = run("rf 5 5 --size 10 --colour B")
        XCTAssertTrue(outside.contains { $0.hasPrefix("  small-image pixel colours after it that it sees: ") && !$0.contains("sees: 0 ") }, "\(outside)")
        XCTAssertTrue(outside.contains("  pixel colours outside the causal context and the small image it sees: 0 (as it must be)"), "\(outside)")
        let small = run("rf 4 4 --size 10 --colour R")
        XCTAssertFalse(small.contains { $0.contains("small-image pixel colours after it") }, "a small-image pixel's field: the small network's")
        XCTAssertTrue(small.contains("  pixel colours outside the causal context it sees: 0 (as it must be)"), "\(small)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("rf-multiscale-5-5-B.png").path))
    }
}
