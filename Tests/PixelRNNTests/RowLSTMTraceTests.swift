import XCTest
@testable import PixelRNN

/// Stepping through a Row LSTM one row at a time gives exactly the ordinary forward pass.
final class RowLSTMTraceTests: XCTestCase {
    private func rowIsNaN(_ map: Tensor, _ r: Int) -> Bool { map.mapRow(r).data.allSatisfy { $0.isNaN } }

    func testTracedValuesEqualTheForwardPassExactly() throws {
        for fast in [true, false] {
            withComputePath(fast: fast) {
                let block = RowLSTMBlock(hidden: 3, colors: 1, seed: 41)
                let x = randomTensor([1, 6, 5, 7], seed: 42, scale: 2)
                let pass = block.forward(x)
                let maps = pass.activations(as: RowLSTMMaps.self)
                let trace = RowLSTMTrace(block: block, input: x)
                XCTAssertEqual(trace.currentRow, 0)
                XCTAssertFalse(trace.isFinished)
                XCTAssertNil(trace.residual)
                for r in 0..<5 { XCTAssertTrue(rowIsNaN(trace.hidden, r)) }
                for r in 0..<5 {
                    XCTAssertEqual(trace.currentRow, r)
                    let step = trace.step()
                    XCTAssertEqual(step.row, r)
                    // This row, exactly as the forward pass computed it.
                    XCTAssertEqual(step.preActivation, maps.gates.mapRow(r).reshaped([12, 7]))
                    XCTAssertEqual(step.gateValues, maps.gateValues.mapRow(r).reshaped([12, 7]))
                    XCTAssertEqual(step.cell, maps.cell.mapRow(r).reshaped([3, 7]))
                    XCTAssertEqual(step.hidden, maps.hidden.mapRow(r).reshaped([3, 7]))
                    // The maps are filled up to this row, NaN below.
                    for q in 0..<5 {
                        if q <= r {
                            XCTAssertEqual(trace.hidden.mapRow(q), maps.hidden.mapRow(q))
                            XCTAssertEqual(trace.cell.mapRow(q), maps.cell.mapRow(q))
                            XCTAssertEqual(trace.gates.mapRow(q), maps.gates.mapRow(q))
                        } else {
                            XCTAssertTrue(rowIsNaN(trace.hidden, q) && rowIsNaN(trace.cell, q) && rowIsNaN(trace.gates, q))
                        }
                    }
                }
                XCTAssertTrue(trace.isFinished)
                XCTAssertEqual(trace.currentRow, 5)
                XCTAssertEqual(trace.hidden, maps.hidden)
                XCTAssertEqual(trace.gateValues, maps.gateValues)
                XCTAssertEqual(trace.residual, pass.residual)
                XCTAssertEqual(trace.steps.count, 5)
            }
        }
    }

    func testGatesAndStatistics() throws {
        let block = RowLSTMBlock(hidden: 4, colors: 1, seed: 43)
        let trace = RowLSTMTrace(block: block, input: randomTensor([1, 8, 3, 6], seed: 44, scale: 3))
        let step = trace.step()
        for gate in LSTMGate.allCases {
            let values = step.gate(gate)
            XCTAssertEqual(values.shape, [4, 6])
            // Channels gate.channels of the 4h-channel row are this gate.
            XCTAssertEqual(values.data, Array(step.gateValues.data[(gate.channels(hidden: 4).lowerBound * 6)..<(gate.channels(hidden: 4).upperBound * 6)]))
            // σ for o, f, i lies in (0, 1); tanh for g in (−1, 1), and takes negative values here.
            let (lo, hi): (Float, Float) = gate == .g ? (-1, 1) : (0, 1)
            XCTAssertTrue(values.data.allSatisfy { $0 > lo && $0 < hi }, "\(gate)")
            let stats = step.statistics[gate.rawValue]
            XCTAssertEqual(stats.gate, gate)
            XCTAssertEqual(stats.min, values.data.min()!)
            XCTAssertEqual(stats.max, values.data.max()!)
            XCTAssertEqual(stats.mean, values.data.reduce(0, +) / Float(values.count), accuracy: 1e-6)
        }
        XCTAssertLessThan(step.gate(.g).data.min()!, 0)
        XCTAssertEqual(LSTMGate.allCases.map(\.activationName), ["σ", "σ", "σ", "tanh"])
        trace.finish()
        XCTAssertTrue(trace.isFinished)
        XCTAssertEqual(trace.steps.map(\.row), [0, 1, 2])
    }

    /// A trace of block l of a network reads the residual stream the network computes before it.
    func testTraceOfANetworkLayer() throws {
        let (trace, pass) = try traceOfANetworkLayer(ModelConfig(kind: .rowlstm, layers: 3, hidden: 2), seed: 45, layer: 2,
                                                     RowLSTMTrace.init, input: \.input)
        trace.finish()
        XCTAssertEqual(trace.hidden, pass.blockPasses[2].activations(as: RowLSTMMaps.self).hidden)
        let cnn = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2))
        XCTAssertThrowsError(try RowLSTMTrace(network: cnn, layer: 0, pixels: Tensor(zeros: [1, 1, 6, 6])))
    }
}
