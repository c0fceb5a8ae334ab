import Foundation
import XCTest
@testable import PixelREPL
@testable import PixelRNN

/// `rf`'s last lines for a multi-scale model: a later small-image pixel is allowed only to a
/// pixel outside the small image (the conditional network's prediction); a small-image pixel
/// is the small network's prediction and may see only the small pixels before it.
final class MultiScaleFieldReportTests: ShellTestCase {
    /// A 4×4 field of (row, col) holding the pixels `seen` (factor 2: the small image is the
    /// even rows and columns).
    private func field(_ row: Int, _ col: Int, seeing seen: [Int]) -> ReceptiveField {
        var binary = [Bool](repeating: false, count: 16)
        for p in seen { binary[p] = true }
        return ReceptiveField(row: row, col: col, height: 4, width: 4, stream: nil,
                              weighted: binary.map { $0 ? 1 : 0 }, binary: binary, trials: 1)
    }

    func testALaterSmallPixelIsAllowedOutsideTheSmallImageOnly() {
        // (0, 1) is outside the small image: (0, 2) is a later small pixel, allowed; (0, 3) is not.
        reportMultiScale(shell.session, field(0, 1, seeing: [0, 2, 3]), factor: 2)
        XCTAssertTrue(lines.contains("small-image pixels after it that it sees: 1 (allowed: the small image is drawn first)"), "\(lines)")
        XCTAssertTrue(lines.contains("other pixels outside the causal context it sees: 1 — THE MODEL SEES THE FUTURE"), "\(lines)")
        lines = []
        // (0, 0) is a small pixel: seeing (0, 2), a later small pixel, is a leak of the small network.
        reportMultiScale(shell.session, field(0, 0, seeing: [2]), factor: 2)
        XCTAssertFalse(lines.contains { $0.hasPrefix("small-image pixels after it") }, "\(lines)")
        XCTAssertTrue(lines.contains("other pixels outside the causal context it sees: 1 — THE MODEL SEES THE FUTURE"), "\(lines)")
    }
}
