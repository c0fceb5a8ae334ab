import XCTest
@testable import PixelRNN

/// Long library loops stop when their `shouldStop` says so, at a fine grain (before
/// every block of every pass), throwing `Stopped` and leaving nothing behind. The grain
/// is measured by counting `shouldStop`'s calls, never by timing.
final class StoppingTests: XCTestCase {
    /// A `shouldStop` that says stop at its `at`-th call (1-based).
    private final class StopAt: @unchecked Sendable {
        var calls = 0
        let at: Int
        init(_ at: Int) { self.at = at }
        func shouldStop() -> Bool { calls += 1; return calls >= at }
    }

    private func images(_ n: Int, seed: UInt64 = 1) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: [n, 1, 8, 8], data: (0..<(n * 64)).map { _ in Float(rng.next() % 2) })
    }

    func testEvaluationIsAskedBeforeEveryBlockOfEveryBatch() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .diagbilstm, layers: 3, hidden: 4), seed: 2)   // the batch in one pass
        let all = try Evaluation.evaluate(network: net, images: images(40), batchSize: 8)
        let never = StopAt(.max)
        XCTAssertEqual(try Evaluation.evaluate(network: net, images: images(40), batchSize: 8, shouldStop: never.shouldStop), all)
        XCTAssertEqual(never.calls, 5 * 4, "5 batches × (3 blocks + the head)")
        for (at, done) in [(1, 0), (4, 0), (5, 8), (10, 16), (20, 32)] {
            let stop = StopAt(at)
            XCTAssertThrowsError(try Evaluation.evaluate(network: net, images: images(40), batchSize: 8, shouldStop: stop.shouldStop)) {
                XCTAssertEqual($0 as? Stopped, Stopped(done: done, of: 40, "images"), "stop at call \(at)")
            }
            XCTAssertEqual(stop.calls, at, "no work after the stop")
        }
    }

    /// A PixelCNN's or a Row LSTM's evaluation takes the images in turn on two cores, each core asking before
    /// the blocks of the images it runs (one at a time): every image is asked 3 + 1 times
    /// whichever core took it, and a stop ends the batch with no call after it.
    func testAnEvaluationInTurnStopsWhicheverCoreTookTheImages() throws {
        for kind in [ModelKind.pixelcnn, .rowlstm] { try assertEvaluationInTurnStops(kind) }
    }

    private func assertEvaluationInTurnStops(_ kind: ModelKind) throws {
        let net = try PixelNetwork(config: ModelConfig(kind: kind, layers: 3, hidden: 4), seed: 2)
        let never = StopAt(.max)
        _ = try Evaluation.evaluate(network: net, images: images(16), batchSize: 8, shouldStop: never.shouldStop)
        XCTAssertEqual(never.calls, 16 * 4, "\(kind): 16 images × (3 blocks + the head)")
        for (at, done) in [(1, 0), (3, 0), (9, 0), (32, 0), (33, 8)] {
            let stop = StopAt(at)
            XCTAssertThrowsError(try Evaluation.evaluate(network: net, images: images(16), batchSize: 8, shouldStop: stop.shouldStop)) {
                XCTAssertEqual($0 as? Stopped, Stopped(done: done, of: 16, "images"), "\(kind): stop at call \(at)")
            }
            XCTAssertEqual(stop.calls, at, "\(kind): no call after the stop")
        }
    }

    func testAStoppedForwardPassSaysHowManyBlocksWereDone() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .diagbilstm, layers: 2, hidden: 3), seed: 1)
        let stop = StopAt(2)
        XCTAssertThrowsError(try net.forward(images(1), shouldStop: stop.shouldStop)) {
            XCTAssertEqual($0 as? Stopped, Stopped(done: 1, of: 3, "blocks"))
        }
        XCTAssertEqual(try net.forward(images(2), shouldStop: { false }).logits, net.forward(images(2)).logits)
    }

    func testAStoppedReceptiveFieldLeavesNoGradients() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4), seed: 3)
        let whole = try ReceptiveField.compute(network: net, row: 4, col: 4, height: 8, width: 8, trials: 3, shouldStop: { false })
        XCTAssertEqual(whole.binary, ReceptiveField.compute(network: net, row: 4, col: 4, height: 8, width: 8, trials: 3).binary)
        // Per trial: 3 checks in the forward pass (2 blocks + head); from a stream, 2 more in the backward.
        for (at, trial) in [(1, 0), (3, 0), (4, 1), (9, 2)] {
            let stop = StopAt(at)
            XCTAssertThrowsError(try ReceptiveField.compute(network: net, row: 4, col: 4, height: 8, width: 8, trials: 3,
                                                            shouldStop: stop.shouldStop)) {
                XCTAssertEqual($0 as? Stopped, Stopped(done: trial, of: 3, "trials"), "stop at call \(at)")
            }
        }
        let stop = StopAt(5)                                   // inside the backward pass of the first trial
        XCTAssertThrowsError(try ReceptiveField.compute(network: net, row: 4, col: 4, height: 8, width: 8, stream: 2,
                                                        trials: 3, shouldStop: stop.shouldStop))
        XCTAssertTrue(net.namedParameters.allSatisfy { $0.1.grad.data.allSatisfy { $0 == 0 } }, "gradients are zeroed")
    }
}
