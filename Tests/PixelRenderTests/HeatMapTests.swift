import XCTest
@testable import PixelRender

final class HeatMapTests: RenderTestCase {
    func testExtremeCellsHaveTheColormapEnds() throws {
        let values: [Float] = [0, 0.25, 0.5, 0.75, 1, 2]
        let map = try HeatMap(title: "Heat", values: values, rows: 2, cols: 3)
        let png = try roundTrip(map.render(), "heat", size: map.size)
        let g = map.geometry
        let top = g.center(row: 1, col: 2), bottom = g.center(row: 0, col: 0)
        assertColor(png[top.x, top.y], Colormap.viridis.top, "max cell")
        assertColor(png[bottom.x, bottom.y], Colormap.viridis.bottom, "min cell")
        XCTAssertEqual(map.effectiveRange, 0...2)
        // The colour bar runs from the top colour (top) to the bottom colour.
        let barX = g.x + g.width + HeatMap.barGap + HeatMap.barWidth / 2
        assertColor(png[barX, g.y], Colormap.viridis.top, "bar top")
        assertColor(png[barX, g.y + HeatMap.minBarHeight - 1], Colormap.viridis.bottom, "bar bottom")
    }

    func testDivergingRangeIsSymmetricAndValuesAreWritten() throws {
        var map = try HeatMap(title: "Signed", matrix: [[-1, 0.5], [0, 2]], colormap: .diverging)
        map.showValues = true
        XCTAssertEqual(map.effectiveRange, -2...2)
        let png = try roundTrip(map.render(), "signed", size: map.size)
        let zero = map.geometry.rect(row: 1, col: 0)
        assertColor(png[zero.x + 1, zero.y + 1], Colormap.diverging.color(at: 0.5), "zero is the middle colour")
        // "0" is written in dark ink on the light middle colour.
        XCTAssertTrue(contains(png, Palette.text, x: zero.x, y: zero.y, width: zero.width, height: zero.height))
    }

    func testFlatAndNaNValuesDoNotBreakTheMap() throws {
        let flat = try HeatMap(title: "Flat", values: [0, 0, 0, 0], rows: 2, cols: 2)
        XCTAssertEqual(flat.effectiveRange, 0...1)
        let nan = try HeatMap(title: "NaN", values: [.nan, 1, 2, 3], rows: 2, cols: 2)
        let png = try roundTrip(nan.render(), "nan", size: nan.size)
        let c = nan.geometry.center(row: 0, col: 0)
        assertColor(png[c.x, c.y], Palette.gridLine, "NaN cell")
    }

    func testShapeMismatchThrows() {
        XCTAssertThrowsError(try HeatMap(title: "x", values: [1, 2, 3], rows: 2, cols: 2)) { error in
            XCTAssertEqual(error as? RenderError, .shapeMismatch("3 values for a 2×2 heat map"))
        }
        XCTAssertThrowsError(try HeatMap(title: "x", matrix: [[1, 2], [3]]))
    }
}
