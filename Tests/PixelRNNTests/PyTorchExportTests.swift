import Foundation
import XCTest
@testable import PixelRNN

/// `model export pytorch`: the generated modules against golden files, and checkpoints written
/// by the exported training script (PyTorch) loading back with the NLL the script printed.
///
/// The golden files (`Fixtures/export/golden/`) are the program's own output, committed once
/// it had been checked against PyTorch (`scripts/check_export.py`: the module reproduces the
/// REPL's NLL for every kind and option); a change to the generated text fails here until the
/// check is run again and the golden files are replaced
/// (`PIXELRNN_WRITE_FIXTURES=1 swift test --filter PyTorchExportTests` writes them). There is one
/// golden file per part of the module (`PyTorchModuleSource.parts`), written once however many
/// configs use it; each config lists its parts in order, and its whole module must be exactly
/// those files joined. (`train.py` is one constant text, the same for every config: no golden
/// copy; check_export.py and the fixtures below test what it does.)
/// `Fixtures/export/pytorch_trained_*` were made
/// by `Fixtures/export/make_export_fixtures.py`: one step of the exported `train.py` on
/// `tiny_binarized.amat`.
final class PyTorchExportTests: XCTestCase {
    static var folder: URL { GoldenFixture.folder.appendingPathComponent("export") }

    /// The parts every module has, before the constants / after them, before the block.
    static let common = ["metadata", "mask", "masked_conv"]

    /// The golden configs: a name, the config, and the golden parts of its module in order
    /// (`constants_<name>` is the config's own; for `<name>+<bug>`, the paper model's).
    static let goldenModules: [(String, ModelConfig, [String])] = [
        ("pixelcnn_L2_h4", ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4), ["block_pixelcnn", "network", "likelihood_binary"]),
        ("rowlstm_L2_h4", ModelConfig(kind: .rowlstm, layers: 2, hidden: 4), ["lstm_cell", "block_rowlstm", "network", "likelihood_binary"]),
        ("diagbilstm_L2_h4", ModelConfig(kind: .diagbilstm, layers: 2, hidden: 4),
         ["lstm_cell", "block_diagbilstm", "network", "likelihood_binary"]),
        ("pixelcnn_L2_h6_c3_256", ModelConfig(kind: .pixelcnn, layers: 2, hidden: 6, colors: 3, levels: 256),
         ["block_pixelcnn", "network", "likelihood_levels"]),
        ("rowlstm_L2_h4_residual_off_skip_on", ModelConfig(kind: .rowlstm, layers: 2, hidden: 4, residual: false, skip: true),
         ["lstm_cell", "block_rowlstm", "network", "likelihood_binary"]),
        ("diagbilstm_L2_h3_c3_8", ModelConfig(kind: .diagbilstm, layers: 2, hidden: 3, colors: 3, levels: 8),
         ["lstm_cell", "block_diagbilstm", "network", "likelihood_levels"]),
        // A bug changes no constant: these share the constants of the paper's model.
        ("rowlstm_L2_h4+sigmoid_g", ModelConfig(kind: .rowlstm, layers: 2, hidden: 4, bug: .sigmoidG),
         ["lstm_cell", "block_rowlstm", "network", "bug_sigmoid_g", "likelihood_binary"]),
        ("pixelcnn_L2_h6_c3_256+no_colour_mask", ModelConfig(kind: .pixelcnn, layers: 2, hidden: 6, colors: 3, levels: 256, bug: .noColourMask),
         ["block_pixelcnn", "network", "bug_no_colour_mask", "likelihood_levels"]),
        ("diagbilstm_L2_h4+no_shift", ModelConfig(kind: .diagbilstm, layers: 2, hidden: 4, bug: .noShift),
         ["lstm_cell", "block_diagbilstm", "network", "bug_no_shift", "likelihood_binary"]),
        ("diagbilstm_L2_h4+same_padding", ModelConfig(kind: .diagbilstm, layers: 2, hidden: 4, bug: .samePadding),
         ["lstm_cell", "block_diagbilstm", "network", "bug_same_padding", "likelihood_binary"]),
        ("diagbilstm_L2_h4+flip_skewed", ModelConfig(kind: .diagbilstm, layers: 2, hidden: 4, bug: .flipSkewed),
         ["lstm_cell", "block_diagbilstm", "network", "bug_flip_skewed", "likelihood_binary"]),
        ("multiscale_rowlstm_L2_h4_k2_L1_h3", .multiScale(MultiScaleSettings(base: .rowlstm, smallLayers: 1, smallHidden: 3), layers: 2, hidden: 4),
         ["lstm_cell", "block_rowlstm", "network", "multiscale", "likelihood_binary"]),
    ].map { name, config, parts in
        (name, config, ["preamble", "constants_\(name.split(separator: "+")[0])"] + common + parts + ["loader"])
    }

    static func golden(_ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent("golden/\(name).py"), encoding: .utf8)
    }

    func testModuleTextIsTheGoldenFilesForEveryKindAndOption() throws {
        XCTAssertEqual(Set(Self.goldenModules.map(\.1.kind)), Set(ModelKind.allCases + [.multiscale]), "a kind without a golden module")
        let write = ProcessInfo.processInfo.environment["PIXELRNN_WRITE_FIXTURES"] == "1"
        for (name, config, names) in Self.goldenModules {
            let parts = try PyTorchModuleSource.parts(for: config)
            XCTAssertEqual(parts.count, names.count, "\(name): the module has \(parts.count) parts, its golden list \(names.count)")
            if write {
                for (part, file) in zip(parts, names) {
                    try part.write(to: Self.folder.appendingPathComponent("golden/\(file).py"), atomically: true, encoding: .utf8)
                }
            }
            let expected = try names.map(Self.golden).joined(separator: "\n\n")
            let text = try PyTorchModuleSource.text(for: config)
            XCTAssertEqual(text, expected, "\(name) (\(names.joined(separator: ", "))): first differing line \(firstDifference(text, expected))")
        }
    }

    func testModuleTextFollowsTheConfig() throws {
        // Every option of ModelConfig shows in the text: a change of one changes its part only.
        let base = try PyTorchModuleSource.text(for: ModelConfig(kind: .rowlstm, layers: 3, hidden: 6))
        XCTAssertTrue(base.contains("LAYERS = 3\nHIDDEN = 6\nCOLORS = 1\nLEVELS = 2\nRESIDUAL = True "))
        XCTAssertTrue(base.contains("\nBLOCK = RowLSTMBlock  # F_l, paper section 3.1\n"))
        XCTAssertFalse(base.contains("class PixelCNNBlock"))
        let softmax = try PyTorchModuleSource.text(for: ModelConfig(kind: .rowlstm, layers: 3, hidden: 6, colors: 3, levels: 256))
        XCTAssertTrue(softmax.contains("COLORS = 3\nLEVELS = 256\n"))
        XCTAssertTrue(softmax.contains("F.cross_entropy(per_level"))
        XCTAssertFalse(softmax.contains("binary_cross_entropy_with_logits"))
        let connections = try PyTorchModuleSource.text(for: ModelConfig(kind: .rowlstm, layers: 3, hidden: 6, residual: false, skip: true))
        XCTAssertTrue(connections.contains("\nRESIDUAL = False  # x_{l+1} = F_l(x_l): no residual connections\nSKIP = True "))
        let baseLines = Set(base.split(separator: "\n"))
        for other in [softmax, connections] {
            let new = other.split(separator: "\n").filter { !baseLines.contains($0) }
            XCTAssertLessThan(new.count, 15, "an option should change a few lines, not the whole module: \(new)")
        }
    }

    func testExportWritesModuleCheckpointAndScript() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pixelrnn-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let network = try PixelNetwork(config: ModelConfig(kind: .diagbilstm, layers: 1, hidden: 2), seed: 9)
        let urls = try PyTorchExport.write(network, to: folder, metadata: ["seed": "9"])
        XCTAssertEqual(urls.map(\.lastPathComponent), ["pixelrnn_model.py", "model.safetensors", "train.py"])
        XCTAssertEqual(try String(contentsOf: urls[0], encoding: .utf8), try PyTorchModuleSource.text(for: network.config))
        XCTAssertEqual(try String(contentsOf: urls[2], encoding: .utf8), PyTorchTrainingScript.text)
        let loaded = try Checkpoint.load(from: urls[1])
        XCTAssertEqual(loaded.config, network.config)
        XCTAssertEqual(loaded.metadata["seed"], "9")
        for ((name, p), (otherName, q)) in zip(network.namedParameters, loaded.network.namedParameters) {
            XCTAssertEqual(name, otherName)
            XCTAssertEqual(p.value.data, q.value.data, name)
        }
    }

    /// What make_export_fixtures.py recorded: the valid NLL the script printed after its step.
    struct Record: Decodable {
        var valid_nll: [String: Double]
        var steps: Int
        var batch: Int
        /// A colour K-level model and a multi-scale one: their `model new` options, data and NLL.
        var more: [String: More]
        struct More: Decodable {
            var model: String
            var data: String
            var valid_nll: Double
        }
    }

    func testColourLevelsAndMultiScaleCheckpointsWrittenByTheExportedScriptLoadWithTheNLLItPrinted() throws {
        let record = try JSONDecoder().decode(Record.self, from: Data(contentsOf: Self.folder.appendingPathComponent("pytorch_trained.json")))
        let expected: [String: ModelConfig] = [
            "rowlstm_c3_4": ModelConfig(kind: .rowlstm, layers: 2, hidden: 3, colors: 3, levels: 4),
            "multiscale_pixelcnn": .multiScale(MultiScaleSettings(base: .pixelcnn, smallLayers: 1, smallHidden: 2), layers: 1, hidden: 4),
        ]
        XCTAssertEqual(Set(record.more.keys), Set(expected.keys))
        for (name, config) in expected {
            let more = try XCTUnwrap(record.more[name])
            let loaded = try Checkpoint.load(from: Self.folder.appendingPathComponent("pytorch_trained_\(name).safetensors"))
            XCTAssertEqual(loaded.config, config, name)
            let data = try LoadedDataSet.load(Self.folder.appendingPathComponent(more.data), levels: config.levels == 2 ? nil : config.levels)
            let nll = try Evaluation.evaluate(network: loaded.network, images: data.levels(.valid)).natsPerImage
            XCTAssertEqual(nll, more.valid_nll, accuracy: 1e-5 * more.valid_nll, name)
            XCTAssertEqual(try TrainingState(metadata: loaded.metadata).step, record.steps, name)
        }
    }

    func testCheckpointsWrittenByTheExportedScriptLoadWithTheNLLItPrinted() throws {
        let record = try JSONDecoder().decode(Record.self, from: Data(contentsOf: Self.folder.appendingPathComponent("pytorch_trained.json")))
        let data = try LoadedDataSet.load(Self.folder.appendingPathComponent("tiny_binarized.amat"))
        XCTAssertEqual(data.valid.count, 2)
        for kind in ModelKind.allCases {
            let url = Self.folder.appendingPathComponent("pytorch_trained_\(kind.rawValue).safetensors")
            let loaded = try Checkpoint.load(from: url)
            XCTAssertEqual(loaded.config, ModelConfig(kind: kind, layers: 2, hidden: 4))
            let nll = try Evaluation.evaluate(network: loaded.network, images: data.binarized(.valid)).natsPerImage
            let printed = try XCTUnwrap(record.valid_nll[kind.rawValue])
            XCTAssertEqual(nll, printed, accuracy: 1e-5 * printed, kind.rawValue)
            // The training state and optimizer moments the script wrote: a run `train --resume` continues.
            let state = try TrainingState(metadata: loaded.metadata)
            XCTAssertEqual(state.step, record.steps)
            XCTAssertEqual(state.epochStep, record.steps)
            XCTAssertEqual(state.hyperparameters.batchSize, record.batch)
            XCTAssertEqual(state.lossHistory.count, 1)
            let trainer = try Trainer(network: loaded.network, state: state)
            try trainer.loadOptimizerState(try XCTUnwrap(Checkpoint.loadOptimizerState(for: url)))
            XCTAssertEqual(trainer.optimizer.stepCount, 1)
        }
    }
}

/// "12: 'a' ≠ 'b'", the first line where two texts differ (for failure messages).
func firstDifference(_ a: String, _ b: String) -> String {
    let (x, y) = (a.split(separator: "\n", omittingEmptySubsequences: false), b.split(separator: "\n", omittingEmptySubsequences: false))
    for i in 0..<max(x.count, y.count) {
        let (l, r) = (i < x.count ? String(x[i]) : "(end)", i < y.count ? String(y[i]) : "(end)")
        if l != r { return "\(i + 1): '\(l)' ≠ '\(r)'" }
    }
    return "(none)"
}
