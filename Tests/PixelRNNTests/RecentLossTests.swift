import XCTest
@testable import PixelRNN

/// `TrainingState.recentLoss`: the mean of the last 50 steps' losses, what `train`'s summary
/// and its too-good-loss warning both print.
final class RecentLossTests: XCTestCase {
    private func state(losses: [Double]) -> TrainingState {
        var s = TrainingState(hyperparameters: TrainingHyperparameters())
        s.lossHistory = losses.enumerated().map { .init(step: $0.offset + 1, loss: $0.element) }
        s.step = losses.count
        return s
    }

    func testTheMeanOfTheLastFiftyStepsOrOfAShorterRun() throws {
        XCTAssertNil(state(losses: []).recentLoss)
        let short = try XCTUnwrap(state(losses: [3, 4, 8]).recentLoss)
        XCTAssertEqual(short.mean, 5)
        XCTAssertEqual(short.steps, 3)
        // 60 steps: losses 1 … 60, the last 50 are 11 … 60, mean 35.5.
        let long = try XCTUnwrap(state(losses: (1...60).map(Double.init)).recentLoss)
        XCTAssertEqual(long.steps, 50)
        XCTAssertEqual(long.mean, 35.5)
        XCTAssertTrue(try XCTUnwrap(state(losses: [1, .nan]).recentLoss).mean.isNaN)
    }
}
