import Foundation
import XCTest
@testable import PixelRNN

/// Checkpoints: round trips, a file written by PyTorch, foreign files, all-or-nothing
/// loading, atomic saves, and optimizer state in its companion file.
final class CheckpointTests: XCTestCase {
    private struct Interrupted: Error {}

    // MARK: - Helpers

    private func folder() throws -> URL { try makeTemporaryFolder("ckpt") }

    private func values(_ net: any PixelModel) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: net.namedParameters.map { ($0.0, $0.1.value) })
    }

    private func randomPixels(levels: Int, colors: Int, seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: [2, colors, 6, 7], data: (0..<(2 * colors * 42)).map { _ in
            Float(Int(rng.next() % UInt64(levels)))
        })
    }

    private func checkpointFault(_ body: () throws -> Void, line: UInt = #line) -> CheckpointFault? {
        do {
            try body()
            XCTFail("expected a CheckpointError", line: line)
        } catch let e as CheckpointError {
            XCTAssertFalse(e.description.contains("\n"), line: line)
            return e.fault
        } catch {
            XCTFail("unexpected error \(error)", line: line)
        }
        return nil
    }

    /// Asserts `config` round-trips through a file: same config, values, metadata and predictions.
    private func assertRoundTrip(_ config: ModelConfig, line: UInt = #line) throws {
        let net = try PixelNetwork(config: config, seed: 5)
        let url = try folder().appendingPathComponent("m.safetensors")
        let extra = ["step": "1200", "optimizer": "adam", "dataset": "mnist-5k stochastic seed 0", "seed": "5"]
        try Checkpoint.save(net, to: url, metadata: extra)
        let loaded = try Checkpoint.load(from: url)
        XCTAssertEqual(loaded.config, config, line: line)
        XCTAssertEqual(values(loaded.network), values(net), line: line)
        XCTAssertEqual(loaded.metadata, extra.merging(Checkpoint.metadata(for: config)) { a, _ in a }, line: line)
        XCTAssertEqual(loaded.network.seed, 5, line: line)
        XCTAssertFalse(loaded.hasOptimizerState, line: line)
        let pixels = randomPixels(levels: config.levels, colors: config.colors, seed: 9)
        XCTAssertEqual(loaded.network.onePassLogits(pixels), net.forward(pixels).logits, line: line)
    }

    // MARK: - Round trips

    func testPixelCNNRoundTrip() throws {
        try assertRoundTrip(ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4))
    }

    func testPixelCNNColourRoundTrip() throws {
        try assertRoundTrip(ModelConfig(kind: .pixelcnn, layers: 1, hidden: 3, colors: 3, levels: 256))
    }

    func testEveryKindRoundTripsInColourWithAnyNumberOfLevels() throws {
        for kind in ModelKind.allCases {
            for levels in [3, 16, 256] {
                try assertRoundTrip(ModelConfig(kind: kind, layers: 1, hidden: 3, colors: 3, levels: levels))
            }
        }
    }

    func testRowLSTMAndDiagonalBiLSTMRoundTripOnceBuilt() throws {
        var built = 0
        for kind in [ModelKind.rowlstm, .diagbilstm] {
            let config = ModelConfig(kind: kind, layers: 1, hidden: 2)
            if case .notAvailable? = tryError(config) { continue }
            try assertRoundTrip(config)
            built += 1
        }
        if built == 0 { throw XCTSkip("neither Row LSTM nor Diagonal BiLSTM layers are built yet") }
    }

    private func tryError(_ config: ModelConfig) -> ModelError? {
        do { _ = try PixelNetwork(config: config); return nil } catch { return error as? ModelError }
    }

    /// A tiny file whose metadata describes a huge network (64 × 512 Row LSTM, GBs) is
    /// refused before that network is built: its tensors cannot fill it.
    func testAFileThatCannotHoldItsModelIsRefusedBeforeBuildingIt() throws {
        let url = try folder().appendingPathComponent("huge.safetensors")
        let metadata = ["model": "rowlstm", "layers": "64", "hidden": "512", "colors": "1", "levels": "2"]
        try Data(SafeTensors.encode(["input.bias": Tensor(zeros: [2])], metadata: metadata)).write(to: url)
        guard case .wrongTensors(let why) = checkpointFault({ _ = try Checkpoint.load(from: url) }) else {
            return XCTFail("a 64 × 512 Row LSTM held in 2 values was not refused as the wrong tensors")
        }
        XCTAssertTrue(why.contains("hold 2 values"), why)
    }

    /// A layer count past any network's (2⁶³ − 1 in the metadata) is refused, not
    /// multiplied into an overflow (found by a second reading).
    func testAHugeLayerCountIsRefusedWithoutOverflow() throws {
        let url = try folder().appendingPathComponent("layers.safetensors")
        let metadata = ["model": "rowlstm", "layers": "9223372036854775807", "hidden": "512", "colors": "1", "levels": "2"]
        try Data(SafeTensors.encode(["input.bias": Tensor(zeros: [2])], metadata: metadata)).write(to: url)
        XCTAssertEqual(checkpointFault { _ = try Checkpoint.load(from: url) },
                       .cannotBuild("layers must be 0…64, got 9223372036854775807"))
    }

    /// A seed that is not a whole number is reported, not read as 0.
    func testANonNumericSeedIsRefused() throws {
        let network = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2), seed: 0)
        let url = try folder().appendingPathComponent("seed.safetensors")
        var metadata = ["model": "pixelcnn", "layers": "1", "hidden": "2", "colors": "1", "levels": "2"]
        metadata["seed"] = "12abc"
        try Data(SafeTensors.encode(values(network), metadata: metadata)).write(to: url)
        XCTAssertEqual(checkpointFault { _ = try Checkpoint.load(from: url) }, .badNumber(key: "seed", value: "12abc"))
        metadata["seed"] = "7"
        try Data(SafeTensors.encode(values(network), metadata: metadata)).write(to: url)
        XCTAssertEqual(try Checkpoint.load(from: url).network.seed, 7)
    }

    func testSavingTwiceGivesIdenticalBytes() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2), seed: 1)
        let dir = try folder()
        let (a, b) = (dir.appendingPathComponent("a.safetensors"), dir.appendingPathComponent("b.safetensors"))
        try Checkpoint.save(net, to: a, metadata: ["step": "3"])
        try Checkpoint.save(net, to: b, metadata: ["step": "3"])
        XCTAssertEqual(try Data(contentsOf: a), try Data(contentsOf: b))
    }

    func testMetadataParsingForEveryKind() throws {
        for kind in ModelKind.allCases {
            let config = ModelConfig(kind: kind, layers: 7, hidden: 16, colors: 3, levels: 256)
            XCTAssertEqual(try Checkpoint.config(fromMetadata: Checkpoint.metadata(for: config), file: "f"), config)
        }
        XCTAssertEqual(Checkpoint.metadata(for: ModelConfig(kind: .diagbilstm, layers: 7, hidden: 16)),
                       ["model": "diagbilstm", "layers": "7", "hidden": "16", "colors": "1", "levels": "2"])
    }

    // MARK: - A file written by PyTorch + safetensors

    func testLoadsTheCheckpointWrittenByPyTorch() throws {
        let fixtures = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().appendingPathComponent("Fixtures")
        let url = fixtures.appendingPathComponent("pixelcnn_L1_h2.safetensors")
        let golden = try fixtureTensors(fixtures.appendingPathComponent("pixelcnn_L1_h2.json"))
        let loaded = try Checkpoint.load(from: url)
        XCTAssertEqual(loaded.config, ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2, colors: 1, levels: 2))
        XCTAssertEqual(loaded.metadata["step"], "0")
        XCTAssertEqual(loaded.metadata["optimizer"], "adam")
        XCTAssertEqual(loaded.metadata["dataset"], "none (fixture)")
        var maskedOut = 0
        for (name, p) in loaded.network.namedParameters {
            let raw = try XCTUnwrap(golden[name], name)
            XCTAssertEqual(p.value.shape, raw.shape, name)
            let expected = p.mask.map { raw * $0 } ?? raw              // the file holds unmasked weights
            XCTAssertEqual(p.value.data, expected.data, name)
            maskedOut += p.mask.map { m in zip(m.data, raw.data).filter { $0.0 == 0 && $0.1 != 0 }.count } ?? 0
        }
        XCTAssertGreaterThan(maskedOut, 0, "the fixture should hold non-zero masked-out entries")
        let logits = loaded.network.onePassLogits(try XCTUnwrap(golden["pixels"]))
        assertClose(logits, try XCTUnwrap(golden["logits"]), tolerance: 1e-5, "logits vs PyTorch")
    }

    /// The script's JSON: `{"name": {"shape": [..], "data": [..]}}`.
    private func fixtureTensors(_ url: URL) throws -> [String: Tensor] {
        struct Entry: Decodable { let shape: [Int]; let data: [Float] }
        return try JSONDecoder().decode([String: Entry].self, from: Data(contentsOf: url))
            .mapValues { Tensor(shape: $0.shape, data: $0.data) }
    }

    // MARK: - Foreign and mismatched files

    func testForeignFilesGiveClearErrors() throws {
        let dir = try folder()
        let good = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2), seed: 2)
        let tensors = values(good)
        let base = Checkpoint.metadata(for: good.config)
        func fault(_ t: [String: Tensor], _ m: [String: String], line: UInt = #line) throws -> CheckpointFault? {
            let url = dir.appendingPathComponent("f.safetensors")
            try SafeTensors.write(t, metadata: m, to: url)
            return checkpointFault({ _ = try Checkpoint.load(from: url) }, line: line)
        }
        XCTAssertEqual(try fault(tensors, [:]), .notACheckpoint(missing: Checkpoint.modelKeys))
        XCTAssertEqual(try fault(tensors, ["model": "pixelcnn", "layers": "1"]), .notACheckpoint(missing: ["hidden", "colors", "levels"]))
        XCTAssertEqual(try fault(tensors, base.merging(["model": "transformer"]) { $1 }), .unknownModel("transformer"))
        XCTAssertEqual(try fault(tensors, base.merging(["layers": "one"]) { $1 }), .badNumber(key: "layers", value: "one"))
        XCTAssertEqual(try fault(tensors, base.merging(["hidden": "-2"]) { $1 }), .badNumber(key: "hidden", value: "-2"))
        XCTAssertEqual(try fault(tensors, base.merging(["levels": "257"]) { $1 }), .cannotBuild("levels must be 2…256, got 257"))
        XCTAssertEqual(try fault(tensors, base.merging(["levels": "1"]) { $1 }), .cannotBuild("levels must be 2…256, got 1"))
        guard case .wrongTensors(let shape)? = try fault(tensors, base.merging(["hidden": "3"]) { $1 }) else { return XCTFail() }
        XCTAssertTrue(shape.contains("has shape [4, 1, 7, 7]"), shape)
        var renamed = tensors
        renamed["input.w"] = renamed.removeValue(forKey: "input.weight")
        guard case .wrongTensors(let unknown)? = try fault(renamed, base) else { return XCTFail() }
        XCTAssertTrue(unknown.hasPrefix("unknown parameter 'input.w'"), unknown)
        var missing = tensors
        missing["head.1.bias"] = nil
        guard case .wrongTensors(let gone)? = try fault(missing, base) else { return XCTFail() }
        XCTAssertTrue(gone.hasPrefix("missing parameter 'head.1.bias'"), gone)
    }

    func testCorruptCheckpointIsASafeTensorsError() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2))
        let url = try folder().appendingPathComponent("c.safetensors")
        try Checkpoint.save(net, to: url)
        let bytes = try Data(contentsOf: url)
        for cut in [0, 7, 8, 100, bytes.count / 2, bytes.count - 1] {
            try bytes.prefix(cut).write(to: url)
            XCTAssertThrowsError(try Checkpoint.load(from: url)) { error in
                XCTAssertTrue(error is SafeTensorsError, "\(error)")
                XCTAssertTrue("\(error)".hasPrefix(url.path + ": "))
            }
        }
    }

    // MARK: - Loading into a network

    func testLoadIsAllOrNothingAndReMasks() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2), seed: 4)
        let before = values(net)
        var ones = before.mapValues { Tensor(repeating: 1, shape: $0.shape) }
        ones["head.1.bias"] = Tensor(repeating: 1, shape: [2])                    // wrong shape, checked last
        XCTAssertThrowsError(try net.load(parameters: ones))
        XCTAssertEqual(values(net), before, "a failed load changes nothing")
        ones["head.1.bias"] = Tensor(repeating: 1, shape: [1])
        try net.load(parameters: ones)
        for (name, p) in net.namedParameters {
            XCTAssertEqual(p.value, p.mask ?? Tensor(repeating: 1, shape: p.value.shape), name)
        }
    }

    func testFailedLoadLeavesTheCallersModelAlone() throws {
        let current = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2), seed: 8)
        let before = values(current)
        let url = try folder().appendingPathComponent("other.safetensors")
        let other = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2), seed: 9)
        var t = values(other)
        t["extra"] = Tensor(shape: [1], data: [0])
        try SafeTensors.write(t, metadata: Checkpoint.metadata(for: other.config), to: url)
        XCTAssertThrowsError(try Checkpoint.load(from: url))
        XCTAssertEqual(values(current), before)
    }

    func testNonFiniteWeightsAreRefusedNamingTheTensor() throws {
        let url = try folder().appendingPathComponent("bad.safetensors")
        let net = try PixelNetwork(config: ModelConfig(kind: .rowlstm, layers: 1, hidden: 4), seed: 3)
        let names = net.namedParameters.map(\.0).sorted()
        for (name, bad) in [(names.last!, Float.nan), (names[1], Float.infinity), (names[0], -Float.infinity)] {
            var tensors = values(net)
            var t = tensors[name]!
            t.data[t.count - 1] = bad
            t.data[0] = bad
            tensors[name] = t
            try SafeTensors.write(tensors, metadata: Checkpoint.metadata(for: net.config), to: url)
            XCTAssertEqual(checkpointFault { _ = try Checkpoint.load(from: url) }, .nonFinite(tensor: name, index: 0, count: 2))
        }
        let moments = ["optimizer.step": Tensor(shape: [1], data: [.nan])]
        try Checkpoint.save(net, to: url, optimizerState: moments)
        XCTAssertNoThrow(try Checkpoint.load(from: url))
        guard case .nonFinite(let tensor, _, _)? = checkpointFault({ _ = try Checkpoint.loadOptimizerState(for: url) }) else {
            return XCTFail("NaN moments were accepted")
        }
        XCTAssertEqual(tensor, "optimizer.step")
    }

    // MARK: - Atomic saves

    func testInterruptedSaveKeepsThePreviousFile() throws {
        let dir = try folder()
        let url = dir.appendingPathComponent("model.safetensors")
        let first = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4), seed: 1)
        try Checkpoint.save(first, to: url, metadata: ["step": "100"])
        let second = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4), seed: 2)
        var written = 0
        XCTAssertThrowsError(try Checkpoint.save(second, to: url, metadata: ["step": "200"], optimizerState: nil,
                                                 chunkSize: 64, afterChunk: { n in
            written = n
            if n >= 1000 { throw Interrupted() }
        })) { XCTAssertTrue($0 is Interrupted) }
        XCTAssertEqual(written, 1024, "the temporary file was partly written")
        let loaded = try Checkpoint.load(from: url)
        XCTAssertEqual(values(loaded.network), values(first))
        XCTAssertEqual(loaded.metadata["step"], "100")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["model.safetensors"],
                       "no temporary file is left behind")
    }

    func testSaveIntoAMissingFolderFailsCleanly() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2))
        let url = try folder().appendingPathComponent("gone/model.safetensors")
        XCTAssertThrowsError(try Checkpoint.save(net, to: url)) { error in
            guard case .cannotWrite(let why)? = (error as? SafeTensorsError)?.fault else { return XCTFail("\(error)") }
            XCTAssertTrue(why.contains("No such file or directory"), why)
        }
    }

    func testSaveOverAFolderFailsAndLeavesNoTemporaryFile() throws {
        let dir = try folder()
        let target = dir.appendingPathComponent("model.safetensors")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2))
        XCTAssertThrowsError(try Checkpoint.save(net, to: target)) { error in
            guard case .cannotWrite(let why)? = (error as? SafeTensorsError)?.fault else { return XCTFail("\(error)") }
            XCTAssertEqual(why, "it is a folder")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["model.safetensors"])
    }

    func testCallerCannotRedefineModelKeys() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2))
        let url = try folder().appendingPathComponent("m.safetensors")
        for key in ["model", "hidden", Checkpoint.optimizerDigestKey] {
            XCTAssertEqual(checkpointFault { try Checkpoint.save(net, to: url, metadata: [key: "x"]) }, .reservedKey(key))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
    }

    // MARK: - Optimizer state

    private func optimizerState(_ net: PixelNetwork, step: Float) -> [String: Tensor] {
        var out = ["optimizer.step": Tensor(shape: [1], data: [step])]
        for (name, p) in net.namedParameters {
            out["optimizer.exp_avg.\(name)"] = Tensor(repeating: step / 10, shape: p.value.shape)
            out["optimizer.exp_avg_sq.\(name)"] = Tensor(repeating: step / 100, shape: p.value.shape)
        }
        return out
    }

    func testOptimizerStateRoundTripInCompanionFile() throws {
        let dir = try folder()
        let url = dir.appendingPathComponent("run.safetensors")
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2))
        let state = optimizerState(net, step: 5)
        try Checkpoint.save(net, to: url, metadata: ["step": "5"], optimizerState: state)
        let loaded = try Checkpoint.load(from: url)
        let digest = try XCTUnwrap(loaded.metadata[Checkpoint.optimizerDigestKey])
        let companion = try XCTUnwrap(Checkpoint.optimizerStateURL(for: url, digest: digest))
        XCTAssertEqual(companion.lastPathComponent, "run.optim-\(digest.dropFirst(8)).safetensors")
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)),
                       ["run.safetensors", companion.lastPathComponent])
        XCTAssertTrue(loaded.hasOptimizerState)
        XCTAssertEqual(values(loaded.network), values(net), "the model file holds parameters only")
        XCTAssertEqual(try Checkpoint.loadOptimizerState(for: url), state)
        try Checkpoint.save(net, to: url, metadata: ["step": "6"], optimizerState: optimizerState(net, step: 6))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).count, 2, "the old optimizer file is removed")
        try Checkpoint.save(net, to: url, metadata: ["step": "5"])             // without: companion removed
        XCTAssertNil(try Checkpoint.loadOptimizerState(for: url))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["run.safetensors"])
    }

    func testOptimizerStateOfAnotherSaveIsRejected() throws {
        let url = try folder().appendingPathComponent("run.safetensors")
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2))
        try Checkpoint.save(net, to: url, metadata: ["step": "5"], optimizerState: optimizerState(net, step: 5))
        let digest = try XCTUnwrap(Checkpoint.load(from: url).metadata[Checkpoint.optimizerDigestKey])
        let companion = try XCTUnwrap(Checkpoint.optimizerStateURL(for: url, digest: digest))
        // Another save's bytes under this name (a user copying files about).
        try SafeTensors.write(optimizerState(net, step: 6), to: companion)
        XCTAssertEqual(checkpointFault { _ = try Checkpoint.loadOptimizerState(for: url) }, .optimizerStateStale(companion.path))
        try FileManager.default.removeItem(at: companion)
        XCTAssertEqual(checkpointFault { _ = try Checkpoint.loadOptimizerState(for: url) }, .optimizerStateMissing(companion.path))
    }

    func testLegacyOptimizerFileStillLoads() throws {
        let url = try folder().appendingPathComponent("run.safetensors")
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2))
        let state = optimizerState(net, step: 5)
        try Checkpoint.save(net, to: url, metadata: ["step": "5"], optimizerState: state)
        let digest = try XCTUnwrap(Checkpoint.load(from: url).metadata[Checkpoint.optimizerDigestKey])
        let companion = try XCTUnwrap(Checkpoint.optimizerStateURL(for: url, digest: digest))
        try FileManager.default.moveItem(at: companion, to: Checkpoint.legacyOptimizerStateURL(for: url))
        XCTAssertEqual(try Checkpoint.loadOptimizerState(for: url), state)
        try Checkpoint.save(net, to: url, metadata: ["step": "6"], optimizerState: state)
        XCTAssertFalse(FileManager.default.fileExists(atPath: Checkpoint.legacyOptimizerStateURL(for: url).path),
                       "the next save removes the old-style file")
    }

    func testDigestFromTheFileNeverFormsAPath() throws {
        let url = try folder().appendingPathComponent("run.safetensors")
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2))
        let tensors = Dictionary(uniqueKeysWithValues: net.namedParameters.map { ($0.0, $0.1.value) })
        for bad in ["fnv1a64:../../../etc/pas", "fnv1a64:0123456789ABCDEF", "sha256:0123456789abcdef", "fnv1a64:\u{1B}[2J"] {
            var metadata = Checkpoint.metadata(for: net.config)
            metadata[Checkpoint.optimizerDigestKey] = bad
            try SafeTensors.write(tensors, metadata: metadata, to: url)
            guard case .badDigest(let shown)? = checkpointFault({ _ = try Checkpoint.loadOptimizerState(for: url) }) else {
                return XCTFail(bad)
            }
            XCTAssertEqual(shown, bad)
            XCTAssertFalse(CheckpointFault.badDigest(shown).description.contains("\u{1B}"), "control bytes are escaped")
        }
    }

    func testOptimizerStateURLNaming() {
        let digest = "fnv1a64:0123456789abcdef"
        XCTAssertEqual(Checkpoint.optimizerStateURL(for: URL(fileURLWithPath: "/a/b.safetensors"), digest: digest)?.path,
                       "/a/b.optim-0123456789abcdef.safetensors")
        XCTAssertEqual(Checkpoint.optimizerStateURL(for: URL(fileURLWithPath: "/a/b.ckpt"), digest: digest)?.path,
                       "/a/b.ckpt.optim-0123456789abcdef.safetensors")
        XCTAssertNil(Checkpoint.optimizerStateURL(for: URL(fileURLWithPath: "/a/b.safetensors"), digest: "fnv1a64:0123"))
    }
}
