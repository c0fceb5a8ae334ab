import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// `study depth|residual` on a tiny grid, through the shell.
final class StudyCommandTests: ShellTestCase {
    /// The residual × skip table: four runs in the paper's order, each with its parameters and
    /// steps, and one PNG.
    func testStudyResidualPrintsTheTableAndDrawsOnePNG() throws {
        run("data load")
        let out = run("study residual --model pixelcnn --layers 2 --hidden 2 --steps 3")
        let header = try XCTUnwrap(out.firstIndex { $0.hasPrefix("run  layers") }, "\(out)")
        let rows = out[(header + 1)...].prefix(4).map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(rows.map { Array($0[0..<6]) }, [["1", "2", "off", "off", "513", "3"], ["2", "2", "off", "on", "513", "3"],
                                                        ["3", "2", "on", "off", "513", "3"], ["4", "2", "on", "on", "513", "3"]])
        for row in rows { XCTAssertTrue(Double(row[7]).map { $0 > 100 && $0 < 2000 } ?? false, "valid NLL of \(row)") }
        XCTAssertEqual(out.last, "wrote \(folder.path)/study-residual-pixelcnn.png")
        // A PNG of two panels side by side: its IHDR says wider than high.
        let png = try Data(contentsOf: folder.appendingPathComponent("study-residual-pixelcnn.png"))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        let word = { (at: Int) in png[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        XCTAssertGreaterThan(word(16), 2 * word(20) - 200, "width \(word(16)), height \(word(20))")
    }

    /// Ctrl-C during the second run: the first run's row and the PNG are kept.
    func testCtrlCStopsTheStudyAndKeepsTheFinishedRuns() throws {
        run("data load")
        var progressLines = 0
        harness.session.writeProgress = { _ in
            progressLines += 1
            if progressLines == 3 { Interruption.requested = true }   // the first step of run 2
        }
        defer { Interruption.clear() }
        let out = run("study depth --model pixelcnn --layers 1,2,3 --hidden 2 --steps 2")
        XCTAssertTrue(out.contains("stopped by Ctrl-C during run 2 of 3; the 1 finished run follows"), "\(out)")
        let header = try XCTUnwrap(out.firstIndex { $0.hasPrefix("run  layers") })
        XCTAssertEqual(out.count - header, 3, "the header, one row, the PNG: \(out.suffix(from: header))")
        XCTAssertTrue(out[header + 1].hasPrefix("1    1        on         off    "))
        XCTAssertEqual(out.last, "wrote \(folder.path)/study-depth-pixelcnn.png")
    }

    func testStudyDepthOneRowPerDepth() {
        run("data load")
        let out = run("study depth --model rowlstm --layers 0,1 --hidden 2 --steps 2")
        XCTAssertTrue(out.contains { $0.hasPrefix("1    0        on         off    ") }, "\(out)")
        XCTAssertTrue(out.contains { $0.hasPrefix("2    1        on         off    ") }, "\(out)")
        XCTAssertEqual(out.last, "wrote \(folder.path)/study-depth-rowlstm.png")
    }

    /// Every validation curve starts at epoch 0 with the NLL before training: that of the fresh
    /// model `model new` makes with the same seed, as `eval --split valid` prints it.
    func testCurvesStartWithTheNLLBeforeTraining() throws {
        run("data load")
        run("model new pixelcnn --layers 2 --hidden 2")
        let eval = try XCTUnwrap(run("eval --split valid").first)
        let fresh = try XCTUnwrap(eval.split(separator: " ").dropFirst(2).first, eval)   // "valid NLL: 561.82 nats/image …"
        let out = run("study depth --model pixelcnn --layers 2 --hidden 2 --steps 2 --seed 0")
        XCTAssertTrue(out.contains { $0.hasPrefix("  valid NLL ") && $0.hasSuffix("; \(fresh) before training)") }, "\(out) vs \(eval)")
    }

    func testBadStudiesFailInOneLine() {
        fails("study depth --model pixelcnn --layers 1,2", saying: "no data loaded")
        run("data load")
        fails("study", saying: "study expects depth or residual")
        fails("study depth --layers 1,2", saying: "study needs --model")
        fails("study depth --model pixelcnn", saying: "study depth needs --layers")
        fails("study depth --model pixelcnn --layers 1,,x", saying: "--layers expects depths")
        fails("study depth --model pixelcnn --layers \((0..<17).map(String.init).joined(separator: ","))", saying: "at most 16 runs")
    }
}
