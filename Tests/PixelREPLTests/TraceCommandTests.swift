import Foundation
import XCTest
@testable import PixelREPL

/// `trace`, `step`, `where`, `show`, `continue`, `next` on Row LSTM and Diagonal BiLSTM models.
final class TraceCommandTests: ShellTestCase {
    /// The number after "largest difference" in a `continue` report.
    func largestDifference(_ out: [String]) throws -> Double {
        let line = try XCTUnwrap(out.first { $0.contains("largest difference") })
        return try XCTUnwrap(Double(line.split(separator: " ").last!))
    }

    func testRowLSTMTraceStepsRowByRowAndMatchesTheForwardPass() throws {
        XCTAssertTrue(failure("step").contains("nothing is being traced"))
        run("data load")
        run("model new pixelcnn --layers 1 --hidden 4")
        XCTAssertTrue(failure("trace").contains("nothing to step through"))
        run("model new rowlstm --layers 2 --hidden 4")
        XCTAssertTrue(failure("trace diagbilstm").contains("current model is a Row LSTM"))
        run("trace rowlstm 2")
        XCTAssertTrue(run("step").first!.hasPrefix("block 0, row 0 of 28"))
        lines = []
        XCTAssertEqual(shell.execute("", repeatOnEmpty: true), .ran)   // an empty line repeats 'step'
        XCTAssertTrue(lines.first!.hasPrefix("block 0, row 1 of 28"))
        XCTAssertTrue(run("where").contains("rows done: 2 of 28; next: row 2"))
        XCTAssertEqual(run("show gates").filter { $0.contains("gate:") }.count, 4)
        XCTAssertEqual(try largestDifference(run("continue")), 0)
        XCTAssertTrue(failure("step").contains("every row of block 0 is done"))
        XCTAssertEqual(run("next"), ["tracing Row LSTM block 1 of 2 on test image 2"])
        XCTAssertTrue(failure("next").contains("last block"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("trace-rowlstm-b0-row01.png").path))
    }

    func testDiagonalTraceWalksBothDirectionsAndMatchesTheForwardPass() throws {
        run("data load")
        run("model new diagbilstm --layers 1 --hidden 4")
        run("trace diagbilstm 0")
        let first = run("step")
        XCTAssertEqual(first[0], "block 0, fwd, skewed column 0 of 55 (step 1 of 110)")
        XCTAssertEqual(first[1], "  the diagonal holds image pixels (0, 0)")
        for _ in 0..<56 { run("step") }
        XCTAssertTrue(lines[0].hasPrefix("block 0, bwd, skewed column 1 of 55"), lines[0])
        XCTAssertEqual(lines[1], "  the diagonal holds image pixels (0, 26) (1, 27)")   // bwd walks the flipped image
        run("show state")
        XCTAssertEqual(try largestDifference(run("continue")), 0)
    }
}
