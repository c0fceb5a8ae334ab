import Foundation
import XCTest
@testable import PixelRNN

/// Multi-scale checkpoints: saved and loaded back they give the same NLL; the metadata says
/// what to rebuild; a file written by PyTorch with the documented names loads; bad files are refused.
final class MultiScaleCheckpointTests: XCTestCase {
    private func temporaryURL() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("multiscale-\(UUID().uuidString).safetensors")
    }

    func testSavedAndLoadedGivesTheSameNLL() throws {
        let config = ModelConfig.multiScale(MultiScaleSettings(base: .rowlstm, factor: 2, smallLayers: 2, smallHidden: 3),
                                            layers: 1, hidden: 4)
        let net = try MultiScaleNetwork(config: config, seed: 17)
        let x = MultiScaleNetworkTests.binaryImages(3, 8, 8, seed: 2)
        // A few training steps, so the weights are not the ones a fresh model of this seed draws.
        let trainer = try Trainer(network: net, hyperparameters: TrainingHyperparameters(learningRate: 0.01, clip: nil))
        for _ in 0..<3 { try trainer.trainStep(x) }
        let url = temporaryURL()
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(net, to: url, metadata: ["seed": "99"])
        let file = try SafeTensors.read(contentsOf: url)
        XCTAssertEqual(file.metadata["model"], "multiscale")
        XCTAssertEqual(file.metadata["base"], "rowlstm")
        XCTAssertEqual(file.metadata["factor"], "2")
        XCTAssertEqual(file.metadata["small_layers"], "2")
        XCTAssertEqual(file.metadata["small_hidden"], "3")
        XCTAssertEqual(file.metadata["layers"], "1")
        XCTAssertEqual(file.metadata["hidden"], "4")
        XCTAssertNotNil(file.tensors["cond.blocks.0.bias_map.weight"])
        XCTAssertEqual(file.tensors["upsample.1.weight"]?.shape, [4, 4, 4, 4])

        let loaded = try Checkpoint.loadMultiScale(from: url).network
        XCTAssertEqual(loaded.config, config)
        XCTAssertEqual(loaded.seed, 99)
        XCTAssertEqual(try loaded.terms(x), try net.terms(x))
        XCTAssertEqual(try Evaluation.evaluate(network: loaded, images: x), try Evaluation.evaluate(network: net, images: x))
    }

    func testParameterCountWithoutBuilding() throws {
        for base in [ModelKind.pixelcnn, .rowlstm, .diagbilstm] {
            for (factor, layers) in [(2, 2), (3, 0)] {
                let config = ModelConfig.multiScale(MultiScaleSettings(base: base, factor: factor, smallLayers: 1, smallHidden: 2),
                                                    layers: layers, hidden: 3)
                XCTAssertEqual(try MultiScaleNetwork.parameterCount(config: config),
                               try MultiScaleNetwork(config: config).parameterCount, "\(base) factor \(factor) L \(layers)")
            }
        }
    }

    /// Written by Fixtures/make_multiscale_golden.py with safetensors.torch.save_file: the Row
    /// LSTM based model of the golden values; loaded, it gives the script's two NLL terms.
    func testAFileWrittenByPyTorchLoads() throws {
        let url = GoldenFixture.folder.appendingPathComponent("multiscale_rowlstm.safetensors")
        let loaded = try Checkpoint.loadMultiScale(from: url).network
        XCTAssertEqual(loaded.settings, MultiScaleSettings(base: .rowlstm, factor: 2, smallLayers: 1, smallHidden: 3))
        let fixture = try GoldenFixture("multiscale_golden")
        let terms = try loaded.terms(fixture["pixels"])
        for n in 0..<2 {
            XCTAssertEqual(terms.small[n], Double(fixture["rowlstm/small_nll"].data[n]), accuracy: 1e-4)
            XCTAssertEqual(terms.conditional[n], Double(fixture["rowlstm/cond_nll"].data[n]), accuracy: 1e-4)
        }
    }

    func testBadFilesAreRefused() throws {
        let net = try MultiScaleNetwork(config: MultiScaleNetworkTests.config(.pixelcnn))
        let tensors = Dictionary(uniqueKeysWithValues: net.namedParameters.map { ($0.0, $0.1.value) })
        var metadata = Checkpoint.metadata(for: net.config)
        func refusal(_ metadata: [String: String], _ tensors: [String: Tensor]) throws -> String {
            let url = temporaryURL()
            defer { try? FileManager.default.removeItem(at: url) }
            try SafeTensors.encode(tensors, metadata: metadata, file: url.path).withUnsafeBytes { try Data($0).write(to: url) }
            XCTAssertThrowsError(try Checkpoint.loadMultiScale(from: url))
            do { _ = try Checkpoint.loadMultiScale(from: url); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(try refusal(metadata.filter { $0.key != "base" }, tensors).contains("base"))
        metadata["factor"] = "1"
        XCTAssertTrue(try refusal(metadata, tensors).contains("factor"))
        metadata["factor"] = "2"
        var missing = tensors
        missing["cond.blocks.0.bias_map.bias"] = nil
        XCTAssertTrue(try refusal(metadata, missing).contains("cond.blocks.0.bias_map.bias"))
        metadata["factor"] = "99999999999999999999"
        XCTAssertTrue(try refusal(metadata, tensors).contains("factor"))
        metadata["factor"] = "2"
        // The single-scale options are refused, not dropped (the file would load as the paper's model).
        for (key, value) in [("bug", "no-shift"), ("residual", "off"), ("skip", "on")] {
            var options = metadata
            options[key] = value
            XCTAssertTrue(try refusal(options, tensors).contains("has no --bug, --residual off or --skip on"), key)
        }
    }
}

/// `Checkpoint.load`, the loader every model kind goes through, hands a multi-scale file to
/// `loadMultiScale`.
final class MultiScaleGenericLoadTests: XCTestCase {
    func testTheGenericLoaderLoadsAMultiScaleFile() throws {
        let url = GoldenFixture.folder.appendingPathComponent("multiscale_rowlstm.safetensors")
        let loaded = try Checkpoint.load(from: url)
        let net = try XCTUnwrap(loaded.network as? MultiScaleNetwork)
        XCTAssertEqual(net.settings.base, .rowlstm)
        XCTAssertEqual(loaded.network.config.kind.paperName, "Multi-Scale PixelRNN")
    }
}
