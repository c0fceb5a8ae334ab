import Foundation
import XCTest
@testable import PixelRNN

/// The trained checkpoints shipped in data/pretrained/ (made by scripts/train_pretrained,
/// data/README.md: one per model kind on the digits, the multi-scale model, and a colour
/// PixelCNN on the emoji): each loads, is the model it says, and gives the test NLL it records (`eval.test.nll`, measured by the REPL when it was saved) to the printed digit.
/// (The validation NLL is recorded too; only the test split is measured here, to keep the
/// debug-build test short: 500 images through each 7-layer network.)
final class PretrainedCheckpointTests: XCTestCase {
    /// What each shipped name must be: its kind, [L, h, colours, levels], and the data its
    /// test NLL was measured on.
    private struct Expected {
        var kind: ModelKind
        var shape: [Int]
        var data: String
        var colour: Bool
    }

    private let expected: [String: Expected] = [
        "pixelcnn": Expected(kind: .pixelcnn, shape: [7, 16, 1, 2], data: bundledDigits, colour: false),
        "rowlstm": Expected(kind: .rowlstm, shape: [7, 16, 1, 2], data: bundledDigits, colour: false),
        "diagbilstm": Expected(kind: .diagbilstm, shape: [7, 16, 1, 2], data: bundledDigits, colour: false),
        // The conditional network's L and h; the small network's are in `multiScale`.
        "multiscale": Expected(kind: .multiscale, shape: [4, 16, 1, 2], data: bundledDigits, colour: false),
        "emoji-pixelcnn": Expected(kind: .pixelcnn, shape: [7, 18, 3, 256], data: "emoji, 256 levels (8-bit)", colour: true),
    ]
    private static let bundledDigits = "bundled, binarization: stochastic, drawn once (seed 0)"

    func testEveryShippedCheckpointReproducesItsRecordedNLL() throws {
        let names = PretrainedModels.names()
        XCTAssertEqual(names, expected.keys.sorted(), "one trained checkpoint per model kind, the multi-scale model and a colour model")
        let digits = try LoadedDataSet.bundled()
        let emoji = try LoadedDataSet.bundledColour(levels: 256)
        for name in names {
            let want = try XCTUnwrap(expected[name], name)
            let loaded = try Checkpoint.load(from: try PretrainedModels.url(for: "pretrained:" + name))
            let config = loaded.network.config
            XCTAssertEqual(config.kind, want.kind, name)
            XCTAssertEqual([config.layers, config.hidden, config.colors, config.levels], want.shape, name)
            XCTAssertEqual(loaded.metadata["eval.test.data"], want.data, name)
            XCTAssertNotNil(loaded.metadata["training.kept_epoch"], "\(name): the epoch was chosen by the validation split")
            let images = want.colour ? emoji.levels(.test) : digits.binarized(.test)
            let recorded = try XCTUnwrap(loaded.metadata["eval.test.nll"].flatMap(Double.init), name)
            let measured = try Evaluation.evaluate(network: loaded.network, images: images).natsPerImage
            XCTAssertEqual(String(format: "%.2f", measured), String(format: "%.2f", recorded), name)
            XCTAssertEqual(measured, recorded, accuracy: 1e-3 * max(1, recorded / 100), name)
        }
    }

    func testTheMultiScaleCheckpointIsSizedLikeTheSingleScaleRowLSTM() throws {
        // scripts/train_pretrained sizes it so the two compare at about the same parameter count.
        let multi = try Checkpoint.load(from: try PretrainedModels.url(for: "pretrained:multiscale")).network
        let single = try Checkpoint.load(from: try PretrainedModels.url(for: "pretrained:rowlstm")).network
        XCTAssertEqual(multi.parameterCount, 71_994)
        XCTAssertEqual(single.parameterCount, 71_905)
        XCTAssertEqual(multi.config.multiScale?.base, .rowlstm)
    }
}
