import Foundation
import XCTest
@testable import PixelRNN

/// Checkpoints written by an earlier version of the code still load and give the same NLL.
///
/// `Fixtures/checkpoint_<kind>_L2_h4.safetensors` were trained for a few steps and saved by
/// the code of commit a9c12f8 (before the model folders, the shared LSTM cell and the table of
/// model kinds); `checkpoint_fixtures.json` holds the fixed batch (the first 8 bundled test
/// digits, binarized) and the NLL each file gave on it then, with the figures as `eval`
/// prints them. Any change to the file format, the parameter names or the models' arithmetic
/// that moves a printed digit fails here.
final class CheckpointFixtureTests: XCTestCase {
    /// The small models the fixtures hold: L = 2, h = 4, binary.
    static let configs = ModelKind.allCases.map { ModelConfig(kind: $0, layers: 2, hidden: 4) }

    /// What the fixtures' JSON records.
    struct Record: Codable {
        /// The batch, one string of 784 "0"/"1" per image (row-major 28×28).
        var images: [String]
        /// Mean NLL in nats/image per model kind (its raw name), as computed when saved.
        var nats: [String: Double]
        /// The same, as `eval` prints it: "%.2f nats/image = %.4f bits/dim".
        var printed: [String: String]
    }

    static func fileURL(_ kind: ModelKind) -> URL {
        GoldenFixture.folder.appendingPathComponent("checkpoint_\(kind.rawValue)_L2_h4.safetensors")
    }

    static var recordURL: URL { GoldenFixture.folder.appendingPathComponent("checkpoint_fixtures.json") }

    /// `eval`'s figures for a mean NLL over 28×28 images.
    static func printed(_ nats: Double) -> String {
        String(format: "%.2f nats/image = %.4f bits/dim", nats, nats / (784 * log(2)))
    }

    static func batch(_ record: Record) -> Tensor {
        Tensor(shape: [record.images.count, 1, 28, 28],
               data: record.images.flatMap { $0.map { $0 == "1" ? Float(1) : 0 } })
    }

    func testCheckpointsSavedBeforeTheRestructuringGiveTheSameNLL() throws {
        let record = try JSONDecoder().decode(Record.self, from: Data(contentsOf: Self.recordURL))
        let pixels = Self.batch(record)
        XCTAssertEqual(pixels.shape, [8, 1, 28, 28])
        for config in Self.configs {
            let kind = config.kind.rawValue
            let loaded = try Checkpoint.load(from: Self.fileURL(config.kind))
            XCTAssertEqual(loaded.config, config, kind)
            let result = try Evaluation.evaluate(network: loaded.network, images: pixels)
            let expected = try XCTUnwrap(record.nats[kind], kind)
            XCTAssertEqual(Self.printed(result.natsPerImage), record.printed[kind], kind)
            XCTAssertEqual(result.natsPerImage, expected, accuracy: 2e-4, kind)
        }
    }

    /// Writes the fixtures (run by hand: `PIXELRNN_WRITE_FIXTURES=1 swift test --filter
    /// CheckpointFixtureTests`): each kind trained for 20 steps of 8 bundled training digits
    /// from seed 1, saved, and measured on the first 8 test digits.
    func testWriteFixtures() throws {
        guard ProcessInfo.processInfo.environment["PIXELRNN_WRITE_FIXTURES"] == "1" else {
            throw XCTSkip("writes the checkpoint fixtures only with PIXELRNN_WRITE_FIXTURES=1")
        }
        let data = try LoadedDataSet.bundled()
        let test = data.binarized(.test, indices: Array(0..<8))
        let train = data.binarized(.train)
        var record = Record(images: (0..<8).map { n in
            String(test.images(n..<n + 1).data.map { $0 > 0 ? "1" : "0" })
        }, nats: [:], printed: [:])
        for config in Self.configs {
            let network = try PixelNetwork(config: config, seed: 1)
            let trainer = try Trainer(network: network, hyperparameters: TrainingHyperparameters(batchSize: 8, seed: 1))
            for step in 0..<20 {
                try trainer.trainStep(train.images((step * 8)..<(step * 8 + 8)))
            }
            try Checkpoint.save(network, to: Self.fileURL(config.kind))
            let nats = try Evaluation.evaluate(network: network, images: test).natsPerImage
            record.nats[config.kind.rawValue] = nats
            record.printed[config.kind.rawValue] = Self.printed(nats)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(record).write(to: Self.recordURL)
    }
}
