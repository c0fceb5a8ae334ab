import XCTest
@testable import PixelRender

final class LinePlotTests: RenderTestCase {
    func testSeriesPointsAxesAndLegend() throws {
        let train = Series(name: "train", ys: [200, 150, 120, 100, 95])
        let valid = Series(name: "validation", ys: [210, 160, 130, 115, 110])
        var plot = try LinePlot(title: "Loss", xLabel: "epoch", yLabel: "NLL (nats per image)",
                                series: [train, valid])
        plot.references = [ReferenceLine(y: 80.54, label: "paper 80.54")]
        let png = try roundTrip(plot.render(), "loss", size: plot.size)
        XCTAssertEqual(plot.yScale.lower, 50)
        XCTAssertEqual(plot.yScale.upper, 250)
        let p = plot.position(x: 3, y: 120)
        assertColor(png[p.x, p.y], Palette.series(0), "train point")
        let q = plot.position(x: 5, y: 110)
        assertColor(png[q.x, q.y], Palette.series(1), "validation point")
        // The axis box's left edge and the legend swatches below the plot.
        let a = plot.plotArea
        assertColor(png[a.x - 1, a.y + a.height / 2], Palette.axis, "y axis")
        let below = a.y + a.height + 20
        XCTAssertTrue(contains(png, Palette.series(1), x: 0, y: below, width: png.width, height: png.height - below))
    }

    func testEmptyPlotThrowsAndNaNIsSkipped() throws {
        XCTAssertThrowsError(try LinePlot(title: "x", xLabel: "x", yLabel: "y", series: [Series(name: "a", ys: [])]))
        let plot = try LinePlot(title: "x", xLabel: "x", yLabel: "y",
                                series: [Series(name: "a", ys: [1, .nan, 3]), Series(name: "b", ys: [.infinity])])
        XCTAssertEqual(plot.yScale.lower, 0.5) // 1…3 padded by 3%, NaN and infinity left out
        XCTAssertEqual(plot.yScale.upper, 3.5)
        _ = try roundTrip(plot.render(), "nan", size: plot.size)
    }

    func testSinglePointPlot() throws {
        let plot = try LinePlot(title: "One", xLabel: "step", yLabel: "loss", series: [Series(name: "a", ys: [5])])
        let png = try roundTrip(plot.render(), "one", size: plot.size)
        let p = plot.position(x: 1, y: 5)
        assertColor(png[p.x, p.y], Palette.series(0), "the point")
    }
}
