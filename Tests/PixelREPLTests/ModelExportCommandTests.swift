import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// `model export pytorch DIR`, and the way back: checkpoints written by the exported training
/// script (PyTorch; Tests/PixelRNNTests/Fixtures/export) load with `model load`, and every
/// inspection runs on them.
final class ModelExportCommandTests: ShellTestCase {
    func testExportWritesTheModuleTheCheckpointAndTheScript() throws {
        run("data load")
        run("model new rowlstm --layers 1 --hidden 3 --seed 4")
        let target = folder.appendingPathComponent("new/pytorch")
        let out = run("model export pytorch \(target.path)")
        XCTAssertEqual(out.first, "exported Row LSTM, 1 layer, h = 3, 1 colour, binary output (sigmoid) to \(target.path): pixelrnn_model.py, model.safetensors, train.py")
        XCTAssertTrue(out.last!.contains("train.py --data data/mnist5k-images-idx3-ubyte.gz --out trained.safetensors"), out.last!)
        let module = try String(contentsOf: target.appendingPathComponent("pixelrnn_model.py"), encoding: .utf8)
        XCTAssertEqual(module, try PyTorchModuleSource.text(for: shell.session.model!.config))
        let model = shell.session.model!
        run("model load \(target.appendingPathComponent("model.safetensors").path)")
        XCTAssertEqual(shell.session.model!.namedParameters.map { $0.1.value.data }, model.namedParameters.map { $0.1.value.data })
        XCTAssertTrue(lines.contains { $0.contains("binarization=stochastic, drawn once (seed 0), dataset=bundled, seed=4") }, "\(lines)")
    }

    func testTheScriptIsToldHowTheDataIsBinarized() {
        run("data load")
        run("data binarize fresh --seed 7")
        run("model new pixelcnn --layers 1 --hidden 2")
        let out = run("model export pytorch \(folder.appendingPathComponent("x").path)")
        XCTAssertTrue(out.last!.contains("--binarize fresh --binarize-seed 7"), out.last!)
    }

    func testBadExportsAreOneLine() throws {
        fails("model export pytorch \(folder.path)/x", saying: "no model yet")
        run("model new pixelcnn --layers 1 --hidden 2")
        fails("model export onnx \(folder.path)/x", saying: "model export expects 'pytorch' and a folder")
        fails("model export pytorch", saying: "model export expects 'pytorch' and a folder")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        fails("model export pytorch \(file.path)", saying: "it is a file, not a folder")
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "x")
    }

    func testEveryKnownBugExportsNamingWhatItBreaks() throws {
        for bug in KnownBug.allCases {
            let kind = bug.refusal(kind: .diagbilstm, colors: 3) == nil ? "diagbilstm" : "pixelcnn"
            run("model new \(kind) --layers 1 --hidden 3 --colors 3 --bug \(bug.rawValue)")
            run("model export pytorch \(folder.path)/bug-\(bug.rawValue)")
            let module = try String(contentsOf: folder.appendingPathComponent("bug-\(bug.rawValue)/pixelrnn_model.py"), encoding: .utf8)
            XCTAssertTrue(module.contains("# Known bug \(bug.rawValue) (pixelrnn's"), bug.rawValue)
            XCTAssertTrue(module.contains("BUG = \"\(bug.rawValue)\""), bug.rawValue)
        }
    }

    func testEveryOptionExports() throws {
        // Connections, K levels, colours and the multi-scale model: the module of the config and
        // the checkpoint, which loads back as the same model.
        for model in ["rowlstm --layers 2 --hidden 3 --residual off --skip on", "pixelcnn --layers 1 --hidden 3 --colors 3 --levels 8",
                      "diagbilstm --layers 1 --hidden 2 --bug sigmoid-g",
                      "multiscale --base diagbilstm --layers 1 --hidden 2 --small-layers 1 --small-hidden 2 --factor 3"] {
            run("model new \(model) --seed 3")
            let config = shell.session.model!.config
            let target = folder.appendingPathComponent("x")
            let out = run("model export pytorch \(target.path)")
            XCTAssertTrue(out.first!.hasPrefix("exported \(describe(config)) to"), "\(out)")
            let module = try String(contentsOf: target.appendingPathComponent("pixelrnn_model.py"), encoding: .utf8)
            XCTAssertEqual(module, try PyTorchModuleSource.text(for: config))
            let parameters = shell.session.model!.namedParameters.map { $0.1.value.data }
            run("model load \(target.appendingPathComponent("model.safetensors").path)")
            XCTAssertEqual(shell.session.model!.config, config)
            XCTAssertEqual(shell.session.model!.namedParameters.map { $0.1.value.data }, parameters)
        }
    }

    /// The PyTorch-written fixtures and the data they were trained on.
    var fixtures: URL { VerifyCommandTests.fixtures }

    func testAPyTorchTrainedCheckpointLoadsAndEveryInspectionRunsOnIt() throws {
        run("data load \(fixtures.appendingPathComponent("tiny_binarized.amat").path)")
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("pytorch_trained.json"))) as! [String: Any]
        let printed = record["valid_nll"] as! [String: Double]
        for kind in ModelKind.allCases {
            let out = run("model load \(fixtures.appendingPathComponent("pytorch_trained_\(kind.rawValue).safetensors").path)")
            XCTAssertTrue(out.contains { $0.hasPrefix("training run: step 1, epoch 0 of 10; 1 losses") }, "\(out)")
            XCTAssertFalse(out.joined().contains("fresh optimizer moments"), "\(out)")
            let eval = run("eval --split valid")
            XCTAssertTrue(eval[0].hasPrefix(String(format: "valid NLL: %.2f nats/image", printed[kind.rawValue]!)), "\(kind): \(eval)")
            run("factorize 0")
            run("rf 14 14")
            run("sample 1")
            if case .steps = kind.entry.trace {
                run("trace \(kind.rawValue) 0")
                let done = run("continue")
                XCTAssertTrue(done.contains { $0.hasSuffix("largest difference 0") || $0.contains("largest difference 0") }, "\(done)")
            }
            run("train --steps 1 --batch 8")
        }
    }

    func testColourLevelsAndMultiScaleCheckpointsFromTheScriptLoadAndTheInspectionsRun() throws {
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("pytorch_trained.json"))) as! [String: Any]
        let more = record["more"] as! [String: [String: Any]]
        for (name, data, levels, trace) in [("rowlstm_c3_4", "tiny_emoji-images-idx4-ubyte", " --levels 4", "trace rowlstm 0"),
                                            ("multiscale_pixelcnn", "tiny_binarized.amat", "", nil)] {
            run("data load \(fixtures.appendingPathComponent(data).path)\(levels)")
            let out = run("model load \(fixtures.appendingPathComponent("pytorch_trained_\(name).safetensors").path)")
            XCTAssertTrue(out.contains { $0.hasPrefix("training run: step 1, epoch 0 of 10; 1 losses") }, "\(out)")
            let eval = run("eval --split valid")
            XCTAssertTrue(eval[0].hasPrefix(String(format: "valid NLL: %.2f nats/image", more[name]!["valid_nll"] as! Double)), "\(name): \(eval)")
            run("factorize 0")
            run("rf 8 8")
            run("sample 1")
            if let trace {
                run(trace)
                XCTAssertTrue(run("continue").contains { $0.contains("largest difference 0") }, name)
            }
            run("train --steps 1 --batch 8")
        }
    }
}
