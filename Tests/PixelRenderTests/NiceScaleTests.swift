import XCTest
@testable import PixelRender

final class NiceScaleTests: XCTestCase {
    func testStepsAreOneTwoOrFive() {
        XCTAssertEqual(NiceScale.niceStep(0.148), 0.2, accuracy: 1e-12)
        XCTAssertEqual(NiceScale.niceStep(24), 50)
        XCTAssertEqual(NiceScale.niceStep(1), 1)
        XCTAssertEqual(NiceScale.niceStep(7), 10)
    }

    func testRangeIsRoundedOutwards() {
        let s = NiceScale(min: 0.13, max: 0.87)
        XCTAssertEqual(s.lower, 0)
        XCTAssertEqual(s.upper, 1, accuracy: 1e-12)
        XCTAssertEqual(s.ticks.map(s.label), ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let loss = NiceScale(min: 80.5, max: 210)
        XCTAssertEqual(loss.ticks.map(loss.label), ["50", "100", "150", "200", "250"])
    }

    func testFlatRangeIsWidened() {
        let s = NiceScale(min: 3, max: 3)
        XCTAssertLessThan(s.lower, 3)
        XCTAssertGreaterThan(s.upper, 3)
    }

    func testCompactNumbers() {
        XCTAssertEqual(compactNumber(0), "0")
        XCTAssertEqual(compactNumber(0.25), "0.25")
        XCTAssertEqual(compactNumber(12.5), "12.5")
        XCTAssertEqual(compactNumber(150.4), "150")
        XCTAssertEqual(compactNumber(-1), "-1")
        XCTAssertEqual(compactNumber(3e-5), "3e-05")
    }
}

final class NiceScaleCountTests: XCTestCase {
    func testCountsGetWholeTicks() {
        let s = NiceScale(min: 1, max: 3, targetTicks: 6, minimumStep: 1)
        XCTAssertEqual(s.ticks.map(s.label), ["1", "2", "3"])
    }
}

final class NiceScaleScientificTests: XCTestCase {
    func testTinyStepsUseOneScientificFormat() {
        let s = NiceScale(min: 0.00005, max: 0.00025)
        XCTAssertEqual(s.step, 0.00005, accuracy: 1e-15)
        XCTAssertEqual(s.label(0.00005), "5.0e-05")
        XCTAssertEqual(s.label(0.00025), "2.5e-04")
        XCTAssertEqual(s.label(0.00015), "1.5e-04")
    }
}

/// Huge and extreme ranges (issue 13: a validation NLL of 1e308 trapped in `ticks`).
final class NiceScaleExtremeTests: XCTestCase {
    func testHugeRangesStayFiniteAndHaveFewTicks() {
        let m = Double.greatestFiniteMagnitude
        for (lo, hi) in [(0, 1e308), (-m, m), (m, m), (1e308, 1.7e308), (-m, 0), (-.infinity, .nan), (1e300, 1e300.nextUp)] {
            let s = NiceScale(min: lo, max: hi)
            XCTAssertTrue(s.lower.isFinite && s.upper.isFinite && s.step.isFinite && s.step > 0, "\(lo)…\(hi): \(s)")
            XCTAssertTrue((2...1_001).contains(s.ticks.count), "\(lo)…\(hi): \(s.ticks.count) ticks")
            XCTAssertTrue(s.ticks.allSatisfy(\.isFinite))
            _ = s.ticks.map(s.label)
        }
        let many = NiceScale(min: 0, max: 1, targetTicks: Int.max, minimumStep: 0)
        XCTAssertLessThanOrEqual(many.ticks.count, 1_001)
        let coarse = NiceScale(min: 0, max: 1e300, minimumStep: .infinity)
        XCTAssertTrue(coarse.step.isFinite)
    }

    func testAPlotOfHugeValuesRenders() throws {
        let m = Double.greatestFiniteMagnitude
        let plot = try LinePlot(title: "x", xLabel: "x", yLabel: "y",
                                series: [Series(name: "a", xs: [1, 2, 3, m], ys: [600, m, -m, 1e308])])
        let canvas = plot.render()
        XCTAssertEqual(canvas.width, plot.size.width)
        XCTAssertEqual(plot.position(x: 2, y: m).y, plot.position(x: 2, y: 1e300).y)   // clamped to the scale's limit
    }
}
