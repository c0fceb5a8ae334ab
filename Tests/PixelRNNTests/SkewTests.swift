import XCTest
@testable import PixelRNN

/// Skewing (paper §3.2): the n×m → n×(n+m−1) map that turns diagonals into columns.
final class SkewTests: XCTestCase {
    private func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.nextUniform(-1, 1) })
    }

    private func dot(_ a: Tensor, _ b: Tensor) -> Double {
        zip(a.data, b.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    func testSkewOfASmallMapByHand() {
        // pixel value = 10·row + column + 1
        let x = Tensor(shape: [1, 1, 3, 4], data: (0..<12).map { (i: Int) -> Float in Float(10 * (i / 4) + i % 4 + 1) })
        let y = Skew.skew(x)
        XCTAssertEqual(y.shape, [1, 1, 3, 6])
        let expected: [Float] = [1, 2, 3, 4, 0, 0,
                                 0, 11, 12, 13, 14, 0,
                                 0, 0, 21, 22, 23, 24]
        XCTAssertEqual(y.data, expected)
        XCTAssertEqual(Skew.unskew(y, width: 4), x)
    }

    func testIndexMapping() {
        XCTAssertEqual(Skew.skewedWidth(height: 3, width: 4), 6)
        XCTAssertEqual(Skew.skewedColumn(row: 2, column: 1), 3)
        XCTAssertEqual(Skew.column(row: 2, skewedColumn: 3, width: 4), 1)
        XCTAssertNil(Skew.column(row: 2, skewedColumn: 1, width: 4))
        XCTAssertNil(Skew.column(row: 0, skewedColumn: 4, width: 4))
        let table = Skew.indexTable(height: 3, width: 4)
        XCTAssertEqual(table.map { $0.map { $0.map(String.init) ?? "·" }.joined(separator: " ") },
                       ["0 1 2 3 · ·", "· 0 1 2 3 ·", "· · 0 1 2 3"])
        // Skewed column k holds the anti-diagonal r + c = k, top to bottom.
        for k in 0..<6 {
            let pixels = Skew.pixels(inSkewedColumn: k, height: 3, width: 4)
            let expected = (0..<3).compactMap { r in (0..<4).contains(k - r) ? (r, k - r) : nil }
            XCTAssertEqual(pixels.map { [$0.row, $0.column] }, expected.map { [$0.0, $0.1] }, "column \(k)")
            for (r, c) in expected {
                XCTAssertEqual(Skew.skewedColumn(row: r, column: c), k)
                XCTAssertTrue(Skew.isPixel(row: r, skewedColumn: k, width: 4))
            }
        }
        XCTAssertEqual(Skew.pixelRows(skewedColumn: 0, height: 3, width: 4), 0...0)
        XCTAssertEqual(Skew.pixelRows(skewedColumn: 3, height: 3, width: 4), 0...2)
        XCTAssertEqual(Skew.pixelRows(skewedColumn: 5, height: 3, width: 4), 2...2)
        XCTAssertNil(Skew.pixelRows(skewedColumn: 6, height: 3, width: 4))
    }

    func testRoundTripAndZerosOutsidePixels() {
        for (h, w) in [(1, 1), (1, 5), (5, 1), (4, 7), (7, 4), (6, 6)] {
            let x = random([2, 3, h, w], seed: UInt64(h * 10 + w))
            let y = Skew.skew(x)
            XCTAssertEqual(y.shape, [2, 3, h, h + w - 1])
            XCTAssertEqual(Skew.unskew(y, width: w), x, "\(h)×\(w)")
            for n in 0..<2 { for c in 0..<3 { for r in 0..<h { for k in 0..<(h + w - 1) {
                if let col = Skew.column(row: r, skewedColumn: k, width: w) {
                    XCTAssertEqual(y[n, c, r, k], x[n, c, r, col])
                } else {
                    XCTAssertEqual(y[n, c, r, k], 0)
                }
            }}}}
            // skew(unskew(y)) = y for a map that is zero off the pixels.
            XCTAssertEqual(Skew.skew(Skew.unskew(y, width: w)), y)
        }
    }

    /// The backward of skew is unskew of the gradient and vice versa: ⟨skew(x), g⟩ = ⟨x, unskew(g)⟩
    /// for every x and every g (also g non-zero off the pixels), and ⟨unskew(y), g⟩ = ⟨y, skew(g)⟩.
    func testBackwardsAreAdjoint() {
        let x = random([2, 2, 5, 3], seed: 1)
        let gSkewed = random([2, 2, 5, 7], seed: 2)
        XCTAssertEqual(dot(Skew.skew(x), gSkewed), dot(x, Skew.skewBackward(outputGradient: gSkewed, width: 3)), accuracy: 1e-9)
        let y = random([2, 2, 5, 7], seed: 3)
        let g = random([2, 2, 5, 3], seed: 4)
        XCTAssertEqual(dot(Skew.unskew(y, width: 3), g), dot(y, Skew.unskewBackward(outputGradient: g)), accuracy: 1e-9)
    }

    /// The fast path's packed column-by-column layout holds the same skewed map.
    func testPackedColumnsAgreeWithSkew() {
        for (hh, w) in [(4, 5), (5, 4), (1, 3), (3, 1)] {
            for pad in [0, 1] {
                let x = random([3, 2, hh, w], seed: 9)
                let columns = SkewedColumns(skewing: x, pad: pad)
                XCTAssertEqual(columns.skewedTensor(), Skew.skew(x))
                XCTAssertEqual(columns.unskewedTensor(), x)
                XCTAssertEqual(SkewedColumns(packing: Skew.skew(x), width: w, pad: pad).data, columns.data)
                // Mirrored: the packing of flip(x), without flip(x); unpacked mirrored, x again.
                let mirrored = SkewedColumns(skewing: x, pad: pad, mirrored: true)
                XCTAssertEqual(mirrored.data, SkewedColumns(skewing: DiagonalBiLSTMBlock.flipLeftRight(x), pad: pad).data)
                XCTAssertEqual(mirrored.unskewedTensor(mirrored: true), x)
                XCTAssertEqual(columns.unskewedTensor(mirrored: true), DiagonalBiLSTMBlock.flipLeftRight(x))
                // Only the pixel cells (and the zero pad rows) are stored: pixels·C·B + 2·pad rows per column.
                XCTAssertEqual(columns.data.count, 3 * 2 * (hh * w + 2 * pad * (hh + w - 1)))
                let lay = columns.layout
                for k in 0..<(hh + w - 1) {
                    let rows = Skew.pixelRows(skewedColumn: k, height: hh, width: w)!
                    for c in 0..<2 { for n in 0..<3 {
                        for r in rows { XCTAssertEqual(columns.data[lay.offset(k, c, r) + n], x[n, c, r, k - r]) }
                        if pad == 1 {
                            XCTAssertEqual(columns.data[lay.offset(k, c, rows.lowerBound - 1) + n], 0)
                            XCTAssertEqual(columns.data[lay.offset(k, c, rows.upperBound + 1) + n], 0)
                        }
                    }}
                    // Each channel of a column is one run of (rows)·B floats.
                    XCTAssertEqual(lay.offset(k, 1, rows.lowerBound) - lay.offset(k, 0, rows.lowerBound), lay.leading(k))
                    XCTAssertEqual(lay.leading(k), (rows.count + 2 * pad) * 3)
                }
            }
        }
    }
}
