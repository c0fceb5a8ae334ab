import Foundation
import XCTest
@testable import PixelREPL

/// `skew` and `unskew` print the index mapping and draw before/after.
final class SkewCommandTests: ShellTestCase {
    func testSkewPrintsTheMappingAndTheDiagonalBecomesAColumn() throws {
        XCTAssertEqual(shell.execute("skew 3 4 --diagonal 2"), .ran)
        XCTAssertEqual(Array(lines[2...4]), ["0,0 0,1 0,2 0,3  ·   · ",
                                             " ·  1,0 1,1 1,2 1,3  · ",
                                             " ·   ·  2,0 2,1 2,2 2,3"])
        XCTAssertTrue(lines.contains("3×4 → 3×6; diagonal r + c = 2 becomes skewed column 2: (0, 2) (1, 1) (2, 0)"))
        XCTAssertTrue(lines.contains("unskew(skew(x)) = x: exact"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("skew-3x4-d2.png").path))
        guard case .failed(let message) = shell.execute("skew 3 --diagonal 9") else { return XCTFail("accepted diagonal 9") }
        XCTAssertTrue(message.contains("--diagonal"), message)
        guard case .failed(let noData) = shell.execute("unskew --image 0") else { return XCTFail("no data, yet ran") }
        XCTAssertTrue(noData.contains("no data loaded"), noData)
    }
}
