import XCTest
@testable import PixelRNN

/// `OperationCount` against counts made by hand, and `MatrixMultiplyPeak`'s bookkeeping.
final class OperationCountTests: XCTestCase {
    /// PixelCNN, L = 1, h = 2, on 5×5 (25 positions):
    ///   input 7×7 mask A 1→4: 24 taps × 4 = 96 weights; block a 1×1 4→2: 8; b 3×3 mask B
    ///   2→2: 5 taps × 4 = 20; c 1×1 2→4: 8; head.0 1×1 4→32: 128; head.1 1×1 32→1: 32.
    func testPixelCNNByHand() throws {
        let network = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2), seed: 0)
        let later = (8 + 20 + 8 + 128 + 32) * 25
        XCTAssertEqual(OperationCount.forwardMultiplyAdds(network, height: 5, width: 5), 96 * 25 + later)
        XCTAssertEqual(OperationCount.trainingFLOPsPerImage(network, height: 5, width: 5), 2 * Double(96 * 25 * 2 + later * 3))
    }

    /// Diagonal BiLSTM, L = 1, h = 2, on 4×6: each direction's s_s (8, 2, 2) = 32 weights
    /// runs over the skewed map, 4 × (4 + 6 − 1) = 36 cells; i_s 1×1 4→8: 32; out 1×1 2→4: 8.
    func testDiagonalBiLSTMStateToStateCountsTheSkewedMap() throws {
        let network = try PixelNetwork(config: ModelConfig(kind: .diagbilstm, layers: 1, hidden: 2), seed: 0)
        let pixels = 24
        let expected = 96 * pixels + 2 * (32 * pixels + 32 * 36) + 8 * pixels + (128 + 32) * pixels
        XCTAssertEqual(OperationCount.forwardMultiplyAdds(network, height: 4, width: 6), expected)
    }

    /// Row LSTM, L = 1, h = 2: i_s 1×3 mask B 4→8 (2 taps of 3: 64 weights), s_s (8, 2, 3) = 48.
    func testRowLSTMByHand() throws {
        let network = try PixelNetwork(config: ModelConfig(kind: .rowlstm, layers: 1, hidden: 2), seed: 0)
        let expected = (96 + 64 + 48 + 8 + 128 + 32) * 25
        XCTAssertEqual(OperationCount.forwardMultiplyAdds(network, height: 5, width: 5), expected)
    }

    /// Multi-scale PixelCNNs, L = 1, h = 2, small L = 1, h = 2, factor 2, on 4×4 (the small
    /// image 2×2): each network's weights as above (input 96, block 36, head 160); upsample.0
    /// 3×3 1→2: 18 and the transposed conv (2, 2, 4, 4): 64, both once per small position;
    /// upsample.2 3×3 2→2: 36 and the bias map 1×1 2→4: 8 per full position. First layers
    /// (no input gradient): both input layers and upsample.0.
    func testMultiScaleByHand() throws {
        let config = ModelConfig.multiScale(MultiScaleSettings(base: .pixelcnn, smallLayers: 1, smallHidden: 2), layers: 1, hidden: 2)
        let network = try XCTUnwrap(try ModelKinds.makeNetwork(config: config) as? MultiScaleNetwork)
        let (small, full) = (4, 16)
        let first = 96 * small + 18 * small + 96 * full
        let later = (36 + 160) * small + 64 * small + 36 * full + (36 + 160) * full + 8 * full
        XCTAssertEqual(OperationCount.forwardMultiplyAdds(network, height: 4, width: 4), first + later)
        XCTAssertEqual(OperationCount.trainingFLOPsPerImage(network, height: 4, width: 4), 2 * Double(first * 2 + later * 3))
    }

    /// Multi-scale Diagonal BiLSTMs, L = 1, h = 2: per network input 96, i_s of each direction
    /// 32, out 8, head 160 per position, and each direction's s_s (32) on the skewed map: 2 × 3
    /// cells for the 2×2 small image, 4 × 7 for the 4×4 one; the bias map 1×1 2→16: 32.
    func testMultiScaleCountsEachSkewedMap() throws {
        let config = ModelConfig.multiScale(MultiScaleSettings(base: .diagbilstm, smallLayers: 1, smallHidden: 2), layers: 1, hidden: 2)
        let network = try MultiScaleNetwork(config: config)
        let small = (96 + 2 * 32 + 8 + 160) * 4 + 2 * 32 * 6
        let upsampler = 18 * 4 + 64 * 4 + 36 * 16
        let cond = (96 + 2 * 32 + 8 + 160) * 16 + 2 * 32 * 28 + 32 * 16
        XCTAssertEqual(OperationCount.forwardMultiplyAdds(network, height: 4, width: 4), small + upsampler + cond)
    }

    func testPeakReportsWhatItMeasured() {
        let result = MatrixMultiplyPeak.measure(seconds: 0.01, order: 64, threads: 1)
        XCTAssertEqual(result.order, 64)
        XCTAssertEqual(result.threads, 1)
        XCTAssertGreaterThanOrEqual(result.products, 1)
        XCTAssertTrue(result.flopsPerSecond.isFinite && result.flopsPerSecond > 0)
    }
}
