import XCTest
@testable import PixelRNN

/// The binary receptive field of every pixel of a height×width image, computed by
/// back-propagation through `network`, equals `expected(r, c)` (a set of [row, column])
/// and never leaves the causal context.
func assertFieldsEverywhere(_ network: any PixelModel, height: Int, width: Int, trials: Int,
                            expected: (_ row: Int, _ column: Int) -> Set<[Int]>,
                            file: StaticString = #filePath, line: UInt = #line) {
    for r in 0..<height {
        for c in 0..<width {
            let field = ReceptiveField.compute(network: network, row: r, col: c, height: height, width: width,
                                               trials: trials, seed: UInt64(r * width + c))
            var got = Set<[Int]>()
            for i in 0..<(height * width) where field.binary[i] { got.insert([i / width, i % width]) }
            XCTAssertEqual(got, expected(r, c), "pixel (\(r), \(c))", file: file, line: line)
            XCTAssertTrue(field.violations.isEmpty, "pixel (\(r), \(c)) sees the future: \(field.violations)", file: file, line: line)
        }
    }
}
