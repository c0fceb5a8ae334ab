import XCTest
@testable import PixelRNN

/// The one switch between plain and fast paths reaches every block that has both, and is
/// restored afterwards (the tests of each pair run through it: `withComputePath`).
final class ComputePathTests: XCTestCase {
    func testTheSwitchReachesTheLSTMsAndIsRestored() {
        let row = RowLSTMBlock(hidden: 2, colors: 1, seed: 1)
        let diagonal = DiagonalLSTM(hidden: 2, colors: 1, seed: 2)
        let x = Tensor(zeros: [1, 4, 3, 3])
        XCTAssertEqual(ComputePath.current, .fast)
        for path in [ComputePath.plain, .fast] {
            ComputePath.with(path) {
                XCTAssertEqual(row.usesFastPath, path == .fast)
                XCTAssertEqual(diagonal.beginWalk(x).fastPath, path == .fast)
            }
        }
        ComputePath.with(.plain) { XCTAssertEqual(ComputePath.current, .plain) }
        XCTAssertEqual(ComputePath.current, .fast)
        // The test-only buggy Row LSTM variants always run plain.
        let buggy = RowLSTMBlock(hidden: 2, colors: 1, seed: 1, knownBug: .sigmoidOnContent)
        XCTAssertFalse(buggy.usesFastPath)
    }

    /// Layers draw their weights from derived seeds: two blocks of one network, and the two
    /// directions of one Diagonal BiLSTM block, never share weights.
    func testDerivedSeedsGiveEachPartItsOwnWeights() throws {
        let block = DiagonalBiLSTMBlock(hidden: 2, colors: 1, seed: 3)
        XCTAssertNotEqual(block.fwd.stateToState.weight.value, block.bwd.stateToState.weight.value)
        XCTAssertNotEqual(SeededGenerator.derivedSeed(3, stream: 1), SeededGenerator.derivedSeed(4, stream: 0))
        XCTAssertNotEqual(SeededGenerator.derivedSeed(3, stream: 1), 3 &+ 1)
    }
}
