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
