import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// `model new … --bug NAME`, `check causality`, `rf`'s leak outline and `train`'s warning,
/// driven through the shell as a user types them.
final class KnownBugCommandTests: ShellTestCase {
    func testModelNewWithABugSaysSoAndShowAndCheckpointsKeepIt() {
        let made = run("model new diagbilstm --layers 1 --hidden 2 --bug no-shift")
        XCTAssertTrue(made.contains { $0.hasPrefix("bug: no-shift — ") }, "\(made)")
        XCTAssertEqual(run("model show")[1], "bug: no-shift — \(KnownBug.noShift.breaks)")
        let file = folder.appendingPathComponent("m.safetensors").path
        run("model save \(file)")
        run("model new pixelcnn --layers 1 --hidden 2")
        XCTAssertFalse(run("model show")[1].hasPrefix("bug:"), "a paper model has no bug line")
        run("model load \(file)")
        XCTAssertEqual(run("model show")[1], "bug: no-shift — \(KnownBug.noShift.breaks)")
        // The plain-path-only bugs say so in one line.
        XCTAssertTrue(run("model new diagbilstm --layers 1 --hidden 2 --bug flip-skewed").contains { $0.hasPrefix("note: this bug exists on the plain path only") })
    }

    func testABugThatDoesNotApplyIsRefusedInOneLine() {
        fails("model new pixelcnn --bug sigmoid-g", saying: "a PixelCNN has no LSTM content gate")
        fails("model new rowlstm --bug same-padding", saying: "a bug of the Diagonal BiLSTM only")
        fails("model new pixelcnn --bug no-colour-mask", saying: "needs --colors 3")
        fails("model new pixelcnn --bug mask-a-first", saying: "did you mean 'mask-b-first'")
        XCTAssertNil(harness.session.model, "nothing was made")
    }

    func testHelpModelStatesWhatEachBugBreaks() {
        let help = run("help model").joined(separator: "\n")
        for bug in KnownBug.allCases {
            XCTAssertTrue(help.contains("  \(bug.rawValue) (") && help.contains(bug.breaks), bug.rawValue)
        }
    }

    func testCheckCausalityReportsLeaksAndDrawsThem() throws {
        run("model new diagbilstm --layers 1 --hidden 2 --bug no-shift")
        let leaky = run("check causality --size 6")
        XCTAssertTrue(leaky.contains { $0.hasPrefix("LEAKS: ") && $0.contains("THE MODEL SEES THE FUTURE") }, "\(leaky)")
        let png = try XCTUnwrap(leaky.last { $0.hasPrefix("wrote ") }).dropFirst("wrote ".count)
        XCTAssertTrue(png.hasSuffix("causality-diagbilstm-no-shift.png"))
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: String(png))[.size] as! Int, 1000)
        // The same kind without the bug, and sigmoid-g (not a leak), pass.
        run("model new diagbilstm --layers 1 --hidden 2")
        XCTAssertTrue(run("check causality --size 6").contains("leaks: none — every prediction sees only the pixels before it"))
        run("model new rowlstm --layers 1 --hidden 2 --bug sigmoid-g")
        XCTAssertTrue(run("check causality --size 6").contains("leaks: none — every prediction sees only the pixels before it"),
                      "sigmoid-g is not a leak")
        fails("check", saying: "check expects 'causality'")
        fails("check causality --size 99", saying: "size")
    }

    func testRfOutlinesTheLeakedPixels() {
        run("model new pixelcnn --layers 1 --hidden 2 --bug mask-b-first")
        XCTAssertTrue(run("rf 3 3 --size 8").contains("pixels outside the causal context it sees: 1 — THE MODEL SEES THE FUTURE (outlined in blue)"))
        run("model new pixelcnn --layers 1 --hidden 2")
        XCTAssertTrue(run("rf 3 3 --size 8").contains("pixels outside the causal context it sees: 0 (as it must be)"))
    }

    /// A leaking model trains to a loss no causal model reaches on these digits: `train` warns.
    func testTrainWarnsWhenTheLossIsTooGoodToBeTrue() {
        run("data load")
        run("model new pixelcnn --layers 1 --hidden 4 --bug mask-b-first")
        let out = run("train --steps 80 --batch 8 --lr 0.01")
        XCTAssertTrue(out.last!.hasPrefix("warning: a training loss of ") && out.last!.contains("try 'check causality'"), "\(out.suffix(2))")
        // The same steps without the bug: no warning.
        run("model new pixelcnn --layers 1 --hidden 4")
        XCTAssertFalse(run("train --steps 80 --batch 8 --lr 0.01").contains { $0.hasPrefix("warning:") })
    }
}
