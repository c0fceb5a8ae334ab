import Foundation
import XCTest
@testable import PixelRNN

/// `Verification` on the PyTorch-written verify files of `Fixtures/export/`
/// (make_export_fixtures.py): one made by the exported module as it is, one with block 1
/// computed wrongly (σ instead of tanh on g), one of a 3-colour 256-level PixelCNN.
final class VerificationTests: XCTestCase {
    static func file(_ name: String) throws -> VerificationFile {
        try VerificationFile.read(contentsOf: PyTorchExportTests.folder.appendingPathComponent("\(name).safetensors"))
    }

    func testTheExportedModuleAgreesAtEveryLayer() throws {
        let file = try Self.file("verify_agrees_rowlstm")
        XCTAssertEqual(file.maps.keys.sorted(), ["blocks.0", "blocks.1", "head.0", "input"])
        let result = try Verification(file)
        XCTAssertEqual(result.layers.map(\.name), ["input", "blocks.0", "blocks.1", "head.0", "head.1"])
        XCTAssertNil(result.firstDisagreement)
        for layer in result.layers { XCTAssertLessThan(layer.largestDifference, 1e-5, layer.name) }
        XCTAssertEqual(result.recomputedNLL, result.fileNLL, accuracy: 1e-6 * result.fileNLL)
        XCTAssertNil(result.firstDisagreementByPixel)
    }

    func testTheWrongBlockIsTheFirstLayerThatDisagrees() throws {
        let result = try Verification(try Self.file("verify_perturbed_rowlstm"))
        XCTAssertEqual(result.layers.map(\.agrees), [true, true, false, false, false])
        let first = try XCTUnwrap(result.firstDisagreement)
        XCTAssertEqual(first.name, "blocks.1")
        XCTAssertGreaterThan(first.largestDifference, 0.1)
        // The per-pixel maps hold each layer's largest difference at the pixel it names.
        let byPixel = try XCTUnwrap(result.firstDisagreementByPixel)
        XCTAssertEqual(byPixel.max(), first.largestDifference)
        XCTAssertEqual(byPixel[first.at[2] * result.width + first.at[3]], first.largestDifference)
        let logits = result.layers.last!
        XCTAssertEqual(result.logitDifferenceByPixel[logits.at[2] * result.width + logits.at[3]], logits.largestDifference)
        XCTAssertGreaterThan(abs(result.recomputedNLL - result.fileNLL), 1)
    }

    func testColoursAndSoftmaxAgree() throws {
        let file = try Self.file("verify_agrees_pixelcnn_c3_256")
        XCTAssertEqual(file.network.config, ModelConfig(kind: .pixelcnn, layers: 2, hidden: 6, colors: 3, levels: 256))
        XCTAssertTrue(file.maps.isEmpty)
        let result = try Verification(file)
        XCTAssertEqual(result.layers.map(\.name), ["head.1"])
        XCTAssertNil(result.firstDisagreement)
        XCTAssertEqual(result.recomputedNLL, result.fileNLL, accuracy: 1e-6 * result.fileNLL)
    }
}
