import Foundation
import XCTest
@testable import PixelREPL

/// `factorize --numbers`: the table of p(x_i | x_<i) agrees with the listed pixels. A trained
/// model is sure of the background: p rounds to 1, which the table once printed as ".00".
final class FactorizeNumbersTests: ShellTestCase {
    func testTableCellsAgreeWithTheListedProbabilities() throws {
        run("data load")
        run("model load pretrained:pixelcnn")
        let out = run("factorize 0 --numbers")
        let header = try XCTUnwrap(out.firstIndex(of: "p(x_i | x_<i), row by row:"), "\(out)")
        let table = out[(header + 1)...].prefix(28).map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(table.map(\.count), Array(repeating: 28, count: 28))
        // "  i =    0  ( 0,  0)  x_i =   0  p(x_i | x_<i) = 0.9990"
        let listed = out.filter { $0.hasPrefix("  i = ") }
        XCTAssertEqual(listed.count, 6)
        var sure = 0
        for line in listed {
            let i = try XCTUnwrap(Int(line.split(separator: " ")[2]), line)
            let p = try XCTUnwrap(Double(line.split(separator: " ").last!), line)
            let cell = table[i / 28][i % 28]
            XCTAssertEqual(cell.count, 3, cell)
            XCTAssertEqual(try XCTUnwrap(Double(cell.hasPrefix(".") ? "0" + cell : cell), cell), p, accuracy: 0.0051, "pixel \(i): \(line) vs '\(cell)'")
            if p >= 0.995 { sure += 1 }
        }
        XCTAssertGreaterThan(sure, 0, "a listed pixel the model is sure of (p rounds to 1): \(listed)")
    }

    func testCellFormat() {
        XCTAssertEqual([0, 0.004, 0.07, 0.5, 0.994, 0.996, 1].map { probabilityCell($0) }, [".00", ".00", ".07", ".50", ".99", "1.0", "1.0"])
    }
}
