import XCTest
@testable import PixelRNN

/// The table of model kinds says what each kind really is: the generic code trusts it.
final class ModelKindTableTests: XCTestCase {
    func testNamesAreUniqueAndRoundTrip() {
        let names = ModelKinds.table.map(\.kind.rawValue)
        XCTAssertEqual(Set(names).count, names.count)
        XCTAssertEqual(Array(names.prefix(3)), ["pixelcnn", "rowlstm", "diagbilstm"])   // the paper's three, first
        for entry in ModelKinds.table {
            XCTAssertEqual(ModelKind(rawValue: entry.kind.rawValue), entry.kind)
            XCTAssertEqual(entry.kind.paperName, entry.paperName)
        }
        XCTAssertNil(ModelKind(rawValue: "multiscale"))
        XCTAssertEqual(ModelKinds.names, names.joined(separator: "|"))
        XCTAssertTrue(ModelKinds.names.hasPrefix("pixelcnn|rowlstm|diagbilstm"))
    }

    /// `samplesIncrementally` is true exactly when the kind's blocks have an incremental form.
    func testIncrementalSamplingFlagMatchesTheBlocks() {
        for entry in ModelKinds.table {
            let block = entry.makeBlock(2, 1, 7, .paper)
            let incremental = (block as? IncrementalBlock)?.hasIncrementalForm ?? false
            XCTAssertEqual(entry.samplesIncrementally, incremental, entry.paperName)
        }
    }

    /// The network builds block l of a kind with the kind's factory, from block l's derived seed.
    func testTheNetworkBuildsItsBlocksFromTheTable() throws {
        for entry in ModelKinds.table {
            let net = try PixelNetwork(config: ModelConfig(kind: entry.kind, layers: 2, hidden: 2), seed: 9)
            for l in 0..<2 {
                let expected = entry.makeBlock(2, 1, SeededGenerator.derivedSeed(9, stream: UInt64(l + 1)), .paper)
                XCTAssertEqual(net.blocks[l].namedParameters.map(\.0), expected.namedParameters.map(\.0))
                XCTAssertEqual(net.blocks[l].namedParameters.map(\.1.value), expected.namedParameters.map(\.1.value),
                               "\(entry.paperName) block \(l)")
            }
        }
    }

    /// The memory estimate follows the table: an LSTM block keeps twice a PixelCNN block's floats.
    func testMemoryEstimateReadsTheTable() {
        let bytes = { (kind: ModelKind) in
            MemoryEstimate.trainingBytes(config: ModelConfig(kind: kind, layers: 1, hidden: 4), parameters: 0,
                                         batch: 1, height: 1, width: 1)
        }
        let stream = 2 * 4 * Double(2 * 4 * 3 + ModelConfig.headWidth * 2 + 2)      // x_0, x_1, ReLU(x_1); the head
        XCTAssertEqual(bytes(.pixelcnn) - stream, 2 * 4 * 8 * 4)
        XCTAssertEqual(bytes(.rowlstm) - stream, 2 * 4 * 16 * 4)
    }
}
