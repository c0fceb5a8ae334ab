import XCTest
@testable import PixelRender

final class MatrixGridTests: RenderTestCase {
    func testPlainGridHasTheLayoutSize() throws {
        let grid = try MatrixGrid(title: "T", cells: [["a", "b", "c"], ["d", "e", "f"]])
        // 30-pixel cells; 27 pixels of row indices, 32 of column indices; 14-pixel margins, 28-pixel title band.
        XCTAssertEqual(grid.size.width, 145)
        XCTAssertEqual(grid.size.height, 148)
        _ = try roundTrip(grid.render(), "plain", size: (145, 148))
    }

    func testMaskCellsAreDarkForOneAndLightForZero() throws {
        let mask: [[Float]] = [[1, 1, 1], [1, 0, 0], [0, 0, 0]]
        let grid = try MatrixGrid.mask(mask, title: "Mask A, 3x3", highlight: CellIndex(row: 1, col: 1))
        let png = try roundTrip(grid.render(), "mask", size: grid.size)
        let g = grid.geometry
        for row in 0..<3 {
            for col in 0..<3 {
                let r = g.rect(row: row, col: col)
                let expected = mask[row][col] == 1 ? Palette.maskOn : Palette.maskOff
                assertColor(png[r.x + 5, r.y + 5], expected, "cell (\(row), \(col))")
            }
        }
        // The "1" is written in white on the dark cell.
        let one = g.rect(row: 0, col: 0)
        XCTAssertTrue(contains(png, RGB(hex: 0xFFFFFF), x: one.x + 8, y: one.y + 8, width: 14, height: 14))
        // The centre has the highlight border.
        let centre = g.rect(row: 1, col: 1)
        assertColor(png[centre.x + 2, centre.y + centre.height / 2], Palette.highlight, "centre border")
        // The legend swatches are drawn below the grid.
        XCTAssertTrue(contains(png, Palette.maskOn, x: 0, y: g.y + g.height + 4, width: png.width,
                               height: png.height - g.y - g.height - 4))
    }

    func testCellColoursAndLegend() throws {
        let fills = [[Palette.channels[0], Palette.channels[1]]]
        var grid = try MatrixGrid(title: "Colours", cells: [["R", "G"]], fills: [fills[0]],
                                  legend: [LegendItem("G sees R", color: Palette.channels[1])])
        grid.overlays = [.mark(row: 0, col: 1)]
        let png = try roundTrip(grid.render(), "colours", size: grid.size)
        let r = grid.geometry.rect(row: 0, col: 0)
        assertColor(png[r.x + 4, r.y + 4], Palette.channels[0], "red cell")
        let m = grid.geometry.rect(row: 0, col: 1)
        assertColor(png[m.x - 1, m.y + 10], Palette.marker, "mark")
    }

    func testBadShapesThrow() {
        XCTAssertThrowsError(try MatrixGrid(title: "x", cells: []))
        XCTAssertThrowsError(try MatrixGrid(title: "x", cells: [["1", "2"], ["3"]]))
        XCTAssertThrowsError(try MatrixGrid(title: "x", cells: [["1"]], fills: [[RGB(0, 0, 0), RGB(0, 0, 0)]]))
        XCTAssertThrowsError(try MatrixGrid(title: "x", cells: [["1"]], highlight: CellIndex(row: 1, col: 0)))
    }
}
