import XCTest
@testable import PixelRNN

/// Stepping a Diagonal BiLSTM block one diagonal at a time.
final class DiagonalBiLSTMTraceTests: XCTestCase {
    private func checkTrace(fast: Bool) {
        withComputePath(fast: fast) {
            let (hh, ww) = (4, 5)
            let block = DiagonalBiLSTMBlock(hidden: 2, colors: 1, seed: 81)
            let x = randomTensor([2, 4, hh, ww], seed: 82)
            let reference = block.forward(x)
            let referenceMaps = block.skewedMaps(reference)
            let trace = DiagonalTrace(block: block, input: x)
            let ws = hh + ww - 1
            XCTAssertEqual(trace.totalSteps, 2 * ws)
            XCTAssertNil(trace.column)
            XCTAssertTrue(trace.pixelsInImage.isEmpty)
            for s in 0..<(2 * ws) {
                XCTAssertTrue(trace.step())
                let d: DiagonalTrace.Direction = s < ws ? .fwd : .bwd
                let k = s % ws
                XCTAssertEqual(trace.direction, d)
                XCTAssertEqual(trace.column, k)
                XCTAssertEqual(trace.stepsDone, s + 1)
                // The column holds the anti-diagonal r + c = k of the direction's own map;
                // for bwd that is image column W−1−c.
                let own = (0..<hh).compactMap { r in (0..<ww).contains(k - r) ? [r, k - r] : nil }
                XCTAssertEqual(trace.pixelsInDirectionFrame.map { [$0.row, $0.column] }, own)
                XCTAssertEqual(trace.pixelsInImage.map { [$0.row, $0.column] },
                               d == .fwd ? own : own.map { [$0[0], ww - 1 - $0[1]] })
                // The state so far is the final state in columns ≤ k and zero after: exactly.
                for (now, final) in [(trace.skewedState, referenceMaps["\(d).hidden"]!),
                                     (trace.skewedCell, referenceMaps["\(d).cell"]!),
                                     (trace.skewedGates, referenceMaps["\(d).gates"]!)] {
                    XCTAssertEqual(now.shape, final.shape)
                    for i in 0..<now.count {
                        let col = i % ws
                        XCTAssertEqual(now.data[i], col <= k ? final.data[i] : 0, "step \(s) \(d) column \(col)")
                    }
                }
                if d == .bwd {   // fwd is complete and unchanged while bwd walks
                    XCTAssertEqual(trace.walk(.fwd).hidden, referenceMaps["fwd.hidden"]!)
                }
            }
            XCTAssertTrue(trace.isFinished)
            XCTAssertFalse(trace.step())
            let traced = trace.result()
            XCTAssertEqual(traced.residual, reference.residual, "traced F(x) equals the forward pass exactly")
            XCTAssertEqual(Set(traced.saved.keys), Set(reference.saved.keys))
            for (name, map) in reference.saved { XCTAssertEqual(traced.saved[name], map, name) }
            XCTAssertEqual(trace.skewedInputToState, Skew.skew(block.bwd.inputToState.forward(DiagonalBiLSTMBlock.flipLeftRight(x))))
        }
    }

    func testTraceEqualsForwardPlain() { checkTrace(fast: false) }
    func testTraceEqualsForwardFast() { checkTrace(fast: true) }

    func testTraceOfANetworkLayer() throws {
        let (trace, pass) = try traceOfANetworkLayer(.init(kind: .diagbilstm, layers: 2, hidden: 3), seed: 3, layer: 1,
                                                     DiagonalTrace.init, input: \.input)
        trace.run()
        XCTAssertEqual(trace.result().residual, pass.blockPasses[1].residual)
        let cnn = try PixelNetwork(config: .init(kind: .pixelcnn, layers: 1, hidden: 3))
        XCTAssertThrowsError(try DiagonalTrace(network: cnn, layer: 0, pixels: Tensor(zeros: [1, 1, 6, 6])))
    }
}
