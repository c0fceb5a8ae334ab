import XCTest
@testable import PixelRender

final class BarChartTests: RenderTestCase {
    /// Bars rise in proportion to their values from the base; the marked bar is drawn in the
    /// highlight colour, the others in the chart's colour; nothing is drawn above a bar.
    func testBarsAreProportionalAndTheMarkedOneIsHighlighted() throws {
        var chart = try BarChart(title: "p(G | x_<i, R)", xLabel: "level of G", yLabel: "probability",
                                 values: [0.1, 0.4, 0.2, 0.3])
        chart.color = Palette.channels[1]
        chart.marked = (2, "value there: 2")
        let png = try roundTrip(chart.render(), "bars", size: chart.size)
        let a = chart.plotArea, barWidth = a.width / 4
        XCTAssertEqual(Double(chart.barHeight(1)), 2 * Double(chart.barHeight(2)), accuracy: 1)   // rounded to pixels
        XCTAssertEqual(Double(chart.barHeight(3)), 3 * Double(chart.barHeight(0)), accuracy: 1)
        let base = a.y + a.height - 1
        for k in 0..<4 {
            let x = a.x + k * barWidth + 1   // beside the marked bar's dashed centre line
            let expected = k == 2 ? Palette.highlight : Palette.channels[1]
            assertColor(png[x, base], expected, "bar \(k) at its base")
            assertColor(png[x, base - chart.barHeight(k) + 1], expected, "bar \(k) at its top")
            XCTAssertNotEqual(png[x, base - chart.barHeight(k) - 2], expected, "above bar \(k)")
        }
    }

    func testNoBarsOrNegativeOrNaNValuesThrow() {
        XCTAssertThrowsError(try BarChart(title: "x", xLabel: "x", yLabel: "y", values: []))
        XCTAssertThrowsError(try BarChart(title: "x", xLabel: "x", yLabel: "y", values: [0.5, -0.1]))
        XCTAssertThrowsError(try BarChart(title: "x", xLabel: "x", yLabel: "y", values: [.nan]))
    }

    /// 256 bars of 2 pixels each fill the plotting area.
    func testTwoHundredFiftySixLevels() throws {
        let values = (0..<256).map { Float($0 % 7 + 1) / 1000 }
        let chart = try BarChart(title: "", xLabel: "level", yLabel: "p", values: values)
        XCTAssertEqual(chart.plotArea.width, 512)
        _ = try roundTrip(chart.render(), "bars256", size: chart.size)
    }
}
