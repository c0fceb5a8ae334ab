import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// `verify FILE`: what it prints for the PyTorch-written fixtures, and one `error:` line for
/// every kind of bad file, with the session's model, data and pictures left as they were.
final class VerifyCommandTests: ShellTestCase {
    /// Tests/PixelRNNTests/Fixtures/export.
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PixelRNNTests/Fixtures/export")
    }

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent("\(name).safetensors").path }

    func testAnAgreeingFileAgreesAtEveryLayerAndDrawsTheDifferences() {
        let out = run("verify \(Self.fixture("verify_agrees_rowlstm"))")
        XCTAssertTrue(out[0].contains("Row LSTM, 2 layers, h = 4"), out[0])
        XCTAssertTrue(out[0].contains("2 images 28×28, 4 intermediate maps"), out[0])
        let prefixes = ["input ", "blocks.0 ", "blocks.1 ", "head.0 ", "logits "]
        let layers = out.filter { line in prefixes.contains { line.hasPrefix($0) } }
        XCTAssertEqual(layers.count, 5, "\(out)")
        XCTAssertFalse(out.contains { $0.contains("disagrees") }, "\(out)")
        XCTAssertTrue(out.contains { $0.hasPrefix("every layer agrees") }, "\(out)")
        XCTAssertTrue(out.contains { $0.hasPrefix("NLL: 537.3778") }, "\(out)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("verify.png").path))
    }

    func testThePerturbedLayerIsNamed() {
        let out = run("verify \(Self.fixture("verify_perturbed_rowlstm"))")
        XCTAssertTrue(out.contains { $0.hasPrefix("first layer that disagrees: blocks.1, by ") }, "\(out)")
        XCTAssertFalse(out.first { $0.hasPrefix("blocks.0 ") }!.contains("disagrees"))
        XCTAssertTrue(out.first { $0.hasPrefix("blocks.1 ") }!.hasSuffix("disagrees"))
    }

    func testColourSoftmaxFileAgrees() {
        let out = run("verify \(Self.fixture("verify_agrees_pixelcnn_c3_256"))")
        XCTAssertTrue(out[0].contains("3 colours, 256-way softmax output; 2 images 6×6, 0 intermediate maps"), out[0])
        XCTAssertTrue(out.contains { $0.hasPrefix("every layer agrees") }, "\(out)")
    }

    /// A copy of the agreeing fixture with tensors and metadata changed; returns its path.
    func edited(_ name: String, tensors change: (inout [String: Tensor]) -> Void = { _ in },
                metadata changeMetadata: (inout [String: String]) -> Void = { _ in }) throws -> String {
        let file = try SafeTensors.read(contentsOf: URL(fileURLWithPath: Self.fixture("verify_agrees_rowlstm")))
        var (tensors, metadata) = (file.tensors, file.metadata)
        change(&tensors)
        changeMetadata(&metadata)
        let target = folder.appendingPathComponent("\(name).safetensors")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(SafeTensors.encode(tensors, metadata: metadata, file: target.path)).write(to: target)
        return target.path
    }

    func testEveryBadFileIsOneLineNamingWhatIsWrongAndChangesNothing() throws {
        run("model new pixelcnn --layers 1 --hidden 2")
        let model = shell.session.model
        let cases: [(String, String)] = [
            (try edited("no-images", tensors: { $0["images"] = nil }), "it has no tensor 'images'"),
            (try edited("checkpoint", tensors: { $0["images"] = nil; $0["logits"] = nil }), "not a verify file: it has no tensors 'images' and 'logits'"),
            (try edited("no-weight", tensors: { $0["blocks.1.s_s.weight"] = nil }), "missing parameter 'blocks.1.s_s.weight'"),
            (try edited("short-logits", tensors: { $0["logits"] = Tensor(zeros: [2, 1, 28, 27]) }), "'logits' has shape [2, 1, 28, 27]"),
            (try edited("wrong-map", tensors: { $0["maps.blocks.0"] = Tensor(zeros: [2, 8, 28, 1]) }), "'maps.blocks.0' has shape [2, 8, 28, 1], expected [2, 8, 28, 28]"),
            (try edited("unknown-map", tensors: { $0["maps.block.1"] = Tensor(zeros: [1]) }), "unknown map \"maps.block.1\""),
            (try edited("grey", tensors: { $0["images"] = Tensor(repeating: 0.5, shape: [2, 1, 28, 28]) }), "'images' must hold levels 0…1, found 0.5"),
            (try edited("flat-images", tensors: { $0["images"] = Tensor(zeros: [2, 784]) }), "'images' has shape [2, 784]"),
            (try edited("no-hidden", metadata: { $0["hidden"] = nil }), "__metadata__ lacks hidden"),
            (try edited("other-kind", metadata: { $0["model"] = "pixelcnn" }), "unknown parameters"),
            (try edited("other-size", metadata: { $0["hidden"] = "5" }), "'maps.blocks.0' has shape [2, 8, 28, 28], expected [2, 10, 28, 28]"),
            (try edited("nan", tensors: { $0["input.bias"]!.data[0] = .nan }), "\"input.bias\" holds 1 non-finite value"),
            (folder.appendingPathComponent("absent.safetensors").path, "absent.safetensors"),
            (Self.fixtures.appendingPathComponent("tiny_binarized.amat").path, "tiny_binarized.amat"),
        ]
        for (path, expected) in cases {
            let message = failure("verify \(path)")
            XCTAssertTrue(message.hasPrefix("cannot verify "), message)
            XCTAssertTrue(message.contains(expected), "'\(message)' does not say '\(expected)'")
            XCTAssertFalse(message.contains("\n"), message)
            XCTAssertTrue(shell.session.model === model, "\(path) changed the model")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("verify.png").path))
        fails("verify", saying: "verify expects one file")
        fails("verify a b", saying: "verify expects one file")
    }
}
