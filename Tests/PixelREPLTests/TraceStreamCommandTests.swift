import Foundation
import XCTest
@testable import PixelREPL
@testable import PixelRNN

/// Trace's `show stream` and the last line of `continue`: what each block adds to the residual
/// stream of the traced image, the numbers of `ResidualStreamNorms` (as `rf --growth` prints them).
final class TraceStreamCommandTests: ShellTestCase {
    /// The library's norms of the current model on test image `index`.
    private func expectedNorms(_ index: Int) throws -> ResidualStreamNorms {
        let net = try XCTUnwrap(harness.session.model as? PixelNetwork)
        let data = try XCTUnwrap(harness.session.data)
        return try ResidualStreamNorms.measure(stack: net, pixels: imageLevels(data, split: .test, index: index, levels: 2))
    }

    func testShowStreamPrintsAndPlotsEveryBlockOfTheTracedImage() throws {
        run("data load")
        run("model new rowlstm --layers 3 --hidden 4")
        run("trace rowlstm 2 --layer 1")
        let out = run("show stream")
        let norms = try expectedNorms(2)
        XCTAssertEqual(out.first, String(format: "residual stream (RMS over test image 2): |x_0| %.3f", norms.stream[0]))
        XCTAssertEqual(Array(out.dropFirst().prefix(3)), (0..<3).map {
            String(format: "  block %d adds |F(x_%d)| %.3f: |x_%d| %.3f", $0, $0, norms.added[$0], $0 + 1, norms.stream[$0 + 1])
        })
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("trace-rowlstm-stream.png").path))
        XCTAssertTrue(run("continue").contains(String(format: "on this image block 1 adds |F(x_1)| %.3f to the stream |x_1| %.3f: |x_2| %.3f (RMS; 'show stream' plots every block)",
                                    norms.added[1], norms.stream[1], norms.stream[2])))
        fails("show stream 2", saying: "gates, state, cell or stream")
    }

    /// Without residual connections the stream after a block is what the block computed.
    func testWithoutResidualConnectionsTheStreamIsF() throws {
        run("data load")
        run("model new diagbilstm --layers 2 --hidden 3 --residual off")
        run("trace diagbilstm 0")
        let blocks = run("show stream").filter { $0.hasPrefix("  block ") }
        XCTAssertEqual(blocks.count, 2)
        for line in blocks {
            let words = line.split(separator: " ")
            XCTAssertEqual(words[4], words[6] + ":", line)          // |F(x_l)| a: |x_(l+1)| a
        }
        // `continue` says the block replaced the stream, not that it added to it.
        let last = run("continue")
        XCTAssertTrue(last.contains { $0.hasPrefix("on this image block 0 replaces the stream |x_0|") && $0.contains("(residual off;") }, "\(last)")
        XCTAssertFalse(last.contains { $0.hasPrefix("on this image block 0 adds") }, "\(last)")
    }
}
