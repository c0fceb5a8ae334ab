import XCTest
@testable import PixelRNN

/// The conditioning bias of the multi-scale PixelRNN's blocks (ConditionedBlock): without one a
/// block computes what it always did; with one, its gradient is right (finite differences) on
/// both compute paths, and for the LSTMs a bias that is the same at every position is exactly
/// a change of the input-to-state convolution's own bias.
final class ConditionedBlockTests: XCTestCase {
    private let kinds: [ModelKind] = [.pixelcnn, .rowlstm, .diagbilstm]

    private func block(_ kind: ModelKind, hidden: Int = 2, seed: UInt64 = 3) -> ConditionedBlock {
        kind.entry.makeBlock(hidden, 1, seed, .paper) as! ConditionedBlock
    }

    func testBiasChannels() {
        XCTAssertEqual(block(.pixelcnn, hidden: 3).conditioningChannels, 6)
        XCTAssertEqual(block(.rowlstm, hidden: 3).conditioningChannels, 12)
        XCTAssertEqual(block(.diagbilstm, hidden: 3).conditioningChannels, 24)
    }

    func testNoBiasAndAZeroBiasChangeNothing() {
        let x = randomTensor([2, 4, 4, 5], seed: 1)
        for kind in kinds {
            for fast in [false, true] {
                withComputePath(fast: fast) {
                    let b = block(kind)
                    let plain = b.forward(x).residual
                    XCTAssertEqual(b.forward(x, conditioning: nil).residual, plain, "\(kind) nil")
                    let zero = Tensor(zeros: [2, b.conditioningChannels, 4, 5])
                    assertClose(b.forward(x, conditioning: zero).residual, plain, tolerance: 1e-6, "\(kind) zeros")
                }
            }
        }
    }

    /// A bias map equal to v at every position is the input-to-state layer's bias plus v.
    func testAConstantBiasIsTheInputToStateBias() {
        let x = randomTensor([1, 4, 3, 4], seed: 2)
        let v = randomTensor([8], seed: 3)
        let constant = Tensor(shape: [1, 8, 3, 4], data: (0..<96).map { v.data[$0 / 12] })
        let row = block(.rowlstm) as! RowLSTMBlock
        let biased = row.forward(x, conditioning: constant).residual
        row.inputToState.bias.value += v
        assertClose(row.forward(x).residual, biased, tolerance: 1e-5, "Row LSTM")

        let diag = block(.diagbilstm) as! DiagonalBiLSTMBlock
        let both = Tensor.concatChannels([constant, Tensor(zeros: [1, 8, 3, 4])])
        let biasedDiag = diag.forward(x, conditioning: both).residual
        diag.fwd.inputToState.bias.value += v
        assertClose(diag.forward(x).residual, biasedDiag, tolerance: 1e-5, "Diagonal BiLSTM fwd")
    }

    func testBiasGradientsAgainstFiniteDifferences() {
        let x = randomTensor([2, 4, 4, 3], seed: 5)
        for kind in kinds {
            var plainGradient: Tensor?
            for fast in [false, true] {
                withComputePath(fast: fast) {
                    let b = block(kind)
                    var bias = randomTensor([2, b.conditioningChannels, 4, 3], seed: 6, scale: 0.5)
                    let r = randomTensor([2, 4, 4, 3], seed: 7)
                    let loss = { weightedSum(b.forward(x, conditioning: bias).residual, r) }
                    let d = b.backwardWithConditioning(b.forward(x, conditioning: bias), outputGradient: r)
                    // The input gradient is the unconditioned backward's at the same pass.
                    assertClose(d.input, b.backward(b.forward(x, conditioning: bias), outputGradient: r), tolerance: 1e-6, "\(kind) ∂x")
                    checkFiniteDifferencesAcrossKinks(count: bias.count, analytic: { d.conditioning.data[$0] },
                                                      get: { bias.data[$0] }, set: { bias.data[$0] = $1 }, loss: loss,
                                                      samples: 16, "\(kind) \(fast ? "fast" : "plain") ∂bias")
                    if let plainGradient { assertClose(d.conditioning, plainGradient, tolerance: 1e-5, "\(kind) fast = plain") }
                    plainGradient = d.conditioning
                }
            }
        }
    }
}
