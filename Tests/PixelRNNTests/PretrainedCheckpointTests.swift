import Foundation
import XCTest
@testable import PixelRNN

/// The trained checkpoints shipped in data/pretrained/ (made by scripts/train_pretrained,
/// data/README.md): each loads, is the model it says, and gives the test and validation NLL
/// it records (`eval.test.nll`, measured by the REPL when it was saved) to the printed digit.
/// (The validation NLL is recorded too; only the test split is measured here, to keep the
/// debug-build test short: 500 images through each 7-layer network.)
final class PretrainedCheckpointTests: XCTestCase {
    func testEveryShippedCheckpointReproducesItsRecordedNLL() throws {
        let names = PretrainedModels.names()
        XCTAssertEqual(names, ModelKind.allCases.map(\.rawValue).sorted(), "one trained checkpoint per model kind")
        let data = try LoadedDataSet.bundled()
        for name in names {
            let loaded = try Checkpoint.load(from: try PretrainedModels.url(for: "pretrained:" + name))
            let config = loaded.network.config
            XCTAssertEqual(config.kind.rawValue, name)
            XCTAssertEqual([config.layers, config.hidden, config.colors, config.levels], [7, 16, 1, 2], name)
            XCTAssertEqual(loaded.metadata["eval.test.data"], "bundled, binarization: stochastic, drawn once (seed 0)", name)
            XCTAssertNotNil(loaded.metadata["training.kept_epoch"], "\(name): the epoch was chosen by the validation split")
            for split in [SplitName.test] {
                let recorded = try XCTUnwrap(loaded.metadata["eval.\(split.rawValue).nll"].flatMap(Double.init), "\(name) \(split)")
                let measured = try Evaluation.evaluate(network: loaded.network, images: data.binarized(split)).natsPerImage
                XCTAssertEqual(String(format: "%.2f", measured), String(format: "%.2f", recorded), "\(name) \(split)")
                XCTAssertEqual(measured, recorded, accuracy: 1e-3, "\(name) \(split)")
            }
        }
    }
}
