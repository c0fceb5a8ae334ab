import Foundation
import XCTest
@testable import PixelRNN

/// `model export pytorch`: the generated modules against the validated manifest, and checkpoints
/// written by the exported training script (PyTorch) loading back with the NLL the script printed.
///
/// `Fixtures/export/golden.json` records the module text as it was when `scripts/check_export.py`
/// (PyTorch, by hand) last checked it reproduces the REPL's NLL for every kind and option: the
/// module is assembled from parts (`PyTorchModuleSource.parts`), and the manifest holds every
/// part's FNV-1a digest (`Checkpoint.digest` of its UTF-8 text; the constants part, different for
/// each config, line by line under `constants`) and every golden config's parts in order
/// (`modules`). A change to the generated text fails here, naming the part, until the check is
/// run again and the manifest is rewritten: `PIXELRNN_WRITE_FIXTURES=1 swift test --filter
/// PyTorchExportTests` recomputes the digests and constants of the parts each config lists (a new
/// golden config: its entry in `goldenConfigs` and its list of parts in the manifest's `modules`,
/// by hand, then the same command). (`train.py` is one constant text, the same for every config:
/// no digest; check_export.py and the fixtures below test what it does.)
/// `Fixtures/export/pytorch_trained_*` were made
/// by `Fixtures/export/make_export_fixtures.py`: one step of the exported `train.py` on
/// `tiny_binarized.amat`.
final class PyTorchExportTests: XCTestCase {
    static var folder: URL { GoldenFixture.folder.appendingPathComponent("export") }

    /// The golden configs, by their names in the manifest (`<name>+<bug>`: a known bug, which
    /// changes no constant, so it shares the constants part of the paper's model `<name>`).
    static let goldenConfigs: [(String, ModelConfig)] = [
        ("pixelcnn_L2_h4", ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4)),
        ("rowlstm_L2_h4", ModelConfig(kind: .rowlstm, layers: 2, hidden: 4)),
        ("diagbilstm_L2_h4", ModelConfig(kind: .diagbilstm, layers: 2, hidden: 4)),
        ("pixelcnn_L2_h6_c3_256", ModelConfig(kind: .pixelcnn, layers: 2, hidden: 6, colors: 3, levels: 256)),
        ("rowlstm_L2_h4_residual_off_skip_on", ModelConfig(kind: .rowlstm, layers: 2, hidden: 4, residual: false, skip: true)),
        ("diagbilstm_L2_h3_c3_8", ModelConfig(kind: .diagbilstm, layers: 2, hidden: 3, colors: 3, levels: 8)),
        ("rowlstm_L2_h4+sigmoid_g", ModelConfig(kind: .rowlstm, layers: 2, hidden: 4, bug: .sigmoidG)),
        ("pixelcnn_L2_h6_c3_256+no_colour_mask", ModelConfig(kind: .pixelcnn, layers: 2, hidden: 6, colors: 3, levels: 256, bug: .noColourMask)),
        ("diagbilstm_L2_h4+no_shift", ModelConfig(kind: .diagbilstm, layers: 2, hidden: 4, bug: .noShift)),
        ("diagbilstm_L2_h4+same_padding", ModelConfig(kind: .diagbilstm, layers: 2, hidden: 4, bug: .samePadding)),
        ("diagbilstm_L2_h4+flip_skewed", ModelConfig(kind: .diagbilstm, layers: 2, hidden: 4, bug: .flipSkewed)),
        ("multiscale_rowlstm_L2_h4_k2_L1_h3", .multiScale(MultiScaleSettings(base: .rowlstm, smallLayers: 1, smallHidden: 3), layers: 2, hidden: 4)),
    ]

    /// `Fixtures/export/golden.json`: the module text check_export.py validated.
    struct Manifest: Codable, Equatable {
        /// Every config's constants part (`constants_<config>` in `modules`), line by line.
        var constants: [String: [String]]
        /// Every golden config's parts, in order.
        var modules: [String: [String]]
        /// Every other part: `fnv1a64:` and the 16 hex digits of its text's digest.
        var parts: [String: String]
    }

    static var manifestURL: URL { folder.appendingPathComponent("golden.json") }

    /// The manifest of the text generated today for the parts `validated` lists per config.
    /// A part name that two configs give different texts is a failure (it would have no one digest).
    static func manifestOfTodaysText(listedIn validated: Manifest) throws -> Manifest {
        var today = Manifest(constants: [:], modules: validated.modules, parts: [:])
        for (name, config) in goldenConfigs {
            let names = try XCTUnwrap(validated.modules[name], "\(name): a golden config the manifest does not list")
            let parts = try PyTorchModuleSource.parts(for: config)
            XCTAssertEqual(try PyTorchModuleSource.text(for: config), parts.joined(separator: "\n\n"), "\(name): the module is not its parts joined")
            guard parts.count == names.count else {
                XCTFail("\(name): the module has \(parts.count) parts, the manifest lists \(names.count) (\(names.joined(separator: ", ")))")
                continue
            }
            for (text, part) in zip(parts, names) {
                if part.hasPrefix("constants_") {
                    XCTAssertTrue(text.hasSuffix("\n"), "\(name): part \(part) ends without a newline")
                    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
                    let key = String(part.dropFirst("constants_".count))
                    XCTAssert(today.constants[key].map { $0 == lines } ?? true, "\(name): part \(part) differs from another config's")
                    today.constants[key] = lines
                } else {
                    let digest = Checkpoint.digest(Array(text.utf8))
                    XCTAssert(today.parts[part].map { $0 == digest } ?? true, "\(name): part \(part) differs from another config's")
                    today.parts[part] = digest
                }
            }
        }
        return today
    }

    func testModuleTextIsTheValidatedPartsForEveryKindAndOption() throws {
        XCTAssertEqual(Set(Self.goldenConfigs.map(\.1.kind)), Set(ModelKind.allCases + [.multiscale]), "a kind without a golden module")
        let validated = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: Self.manifestURL))
        XCTAssertEqual(Set(validated.modules.keys), Set(Self.goldenConfigs.map(\.0)), "the manifest's configs are not goldenConfigs")
        let today = try Self.manifestOfTodaysText(listedIn: validated)
        if ProcessInfo.processInfo.environment["PIXELRNN_WRITE_FIXTURES"] == "1" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try (encoder.encode(today) + Data("\n".utf8)).write(to: Self.manifestURL)
            return
        }
        let revalidate = "if scripts/check_export.py passes, `PIXELRNN_WRITE_FIXTURES=1 swift test --filter PyTorchExportTests` rewrites Fixtures/export/golden.json"
        for part in Set(today.parts.keys).union(validated.parts.keys).sorted() where today.parts[part] != validated.parts[part] {
            XCTFail("part \(part) of the module changed (\(today.parts[part] ?? "not generated"), validated \(validated.parts[part] ?? "none")): \(revalidate)")
        }
        for key in Set(today.constants.keys).union(validated.constants.keys).sorted() where today.constants[key] != validated.constants[key] {
            let (now, then) = ((today.constants[key] ?? []).joined(separator: "\n"), (validated.constants[key] ?? []).joined(separator: "\n"))
            XCTFail("part constants_\(key) of the module changed (first differing line \(firstDifference(now, then))): \(revalidate)")
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
