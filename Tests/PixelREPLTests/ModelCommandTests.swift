import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// `mask`, `model`, `factorize` and `rf` driven through the shell as a user types them.
final class ModelCommandTests: ShellTestCase {
    func testMaskAFiveIsTheMatrixOfTheSlides() {
        let out = run("mask A 5")
        XCTAssertEqual(Array(out[1...5]), ["1 1 1 1 1", "1 1 1 1 1", "1 1 0 0 0", "0 0 0 0 0", "0 0 0 0 0"])
    }

    func testMaskBDiffersFromMaskAOnlyAtTheCentre() {
        let a = Array(run("mask A 5")[1...5]), b = Array(run("mask B 5")[1...5])
        XCTAssertEqual(b[2], "1 1 1 0 0")
        XCTAssertEqual(a.enumerated().filter { $0.element != b[$0.offset] }.map(\.offset), [2])
    }

    func testColourMasksStateTheCentreRule() {
        XCTAssertEqual(run("mask A 3 --colors 3").last, "at the centre pixel: R sees nothing; G sees R; B sees R, G")
        XCTAssertEqual(run("mask B 3 --colors 3").last, "at the centre pixel: R sees R; G sees R, G; B sees R, G, B")
    }

    func testMaskPNGIsWritten() {
        let out = run("mask A 7 --png")
        let path = out.last!.replacingOccurrences(of: "wrote ", with: "")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), path)
    }

    func testMaskTypeMayBeLowerCase() {
        XCTAssertEqual(run("mask a 5"), run("mask A 5"))
    }

    func testBadMaskArguments() {
        fails("mask C 3", saying: "A or B")
        fails("mask A 4", saying: "odd number")
        fails("mask B 3 --colors 2", saying: "--colors must be one of 1|3")   // the argument parser's check
        fails("mask A 3 5", saying: "at most")
    }

    /// 7×7 input (1·32·49 + 32), 7 blocks of a (32·16 + 16), b (16·16·9 + 16), c (16·32 + 32),
    /// head.0 (32·32 + 32) and head.1 (32 + 1): the count PyTorch prints for the same model.
    func testModelShowCountsEveryParameter() {
        run("model new pixelcnn --layers 7 --hidden 16")
        let out = run("model show")
        XCTAssertEqual(out.last?.split(separator: " ").last, "26433")
        XCTAssertTrue(out.contains { $0.hasPrefix("input ") && $0.contains("conv 7×7 1→32, mask A") && $0.hasSuffix("1600") })
        XCTAssertTrue(out.contains { $0.hasPrefix("blocks.6.b ") && $0.contains("conv 3×3 16→16, mask B") && $0.hasSuffix("2320") })
    }

    func testModelErrorsLeaveTheModelAlone() {
        run("model new pixelcnn --layers 1 --hidden 4")
        fails("model new resnet", saying: "pixelcnn, rowlstm or diagbilstm")
        fails("model new pixelcnn --hidden 0", saying: "--hidden")
        fails("model new pixelcnn --colors 3 --hidden 4", saying: "multiple of 3")
        XCTAssertEqual(shell.session.model?.config.hidden, 4)
    }

    func testFactorizeEqualsTheLikelihoodOfThatImage() throws {
        fails("factorize", saying: "no model")
        run("model new pixelcnn --layers 1 --hidden 4 --seed 3")
        fails("factorize", saying: "no data")
        run("data load")
        let out = run("factorize 7 --split valid")
        let nllLine = try XCTUnwrap(out.first { $0.hasPrefix("NLL = ") })
        let printed = try XCTUnwrap(Double(nllLine.dropFirst(6).split(separator: " ")[0]))
        let session = shell.session
        let pixels = session.data!.binarized(.valid, indices: [7])
        let expected = Likelihood.negativeLogLikelihood(logits: session.model!.onePassLogits(pixels), pixels: pixels, levels: 2)[0]
        XCTAssertEqual(printed, expected, accuracy: 0.006)
        fails("factorize 500 --split valid", saying: "0…499")
    }

    func testReceptiveFieldNeverLeavesTheCausalContext() {
        run("model new pixelcnn --layers 2 --hidden 4")
        let out = run("rf 5 5 --size 10")
        XCTAssertTrue(out.contains("pixels outside the causal context it sees: 0 (as it must be)"), "\(out)")
        XCTAssertTrue(out.contains { $0.hasPrefix("wrote ") && $0.hasSuffix("rf-pixelcnn-5-5.png") })
        let growth = run("rf 5 5 --size 10 --growth")
        XCTAssertEqual(growth.filter { $0.contains("after block") }.count, 2)
        // What each block adds to the residual stream, after the picture.
        XCTAssertTrue(growth[growth.count - 3].hasPrefix("residual stream (RMS over 4 random images): |x_0| "), "\(growth)")
        XCTAssertTrue(growth[growth.count - 1].hasPrefix("  block 2 adds |F(x_1)| "), "\(growth)")
        fails("rf 10 3 --size 10", saying: "outside the 10×10 image")
        fails("rf 3", saying: "a row and a column")
    }
}

/// `model save` / `model load` through the shell.
final class ModelFileCommandTests: XCTestCase {
    func testSaveLoadRoundTripAndAFailedLoadKeepsTheModel() throws {
        let harness = ShellHarness(name: "model-files")
        defer { harness.removeFolder() }
        let (folder, shell) = (harness.folder, harness.shell!)
        let file = folder.appendingPathComponent("m.safetensors").path
        XCTAssertEqual(shell.execute("model new rowlstm --layers 2 --hidden 3 --seed 4"), .ran)
        let original = shell.session.model!
        XCTAssertEqual(shell.execute("model save \(file)"), .ran)
        XCTAssertEqual(shell.execute("model new pixelcnn --layers 1 --hidden 2"), .ran)
        XCTAssertEqual(shell.execute("model load \(file)"), .ran)
        let loaded = shell.session.model!
        XCTAssertEqual(loaded.config, original.config)
        for ((name, a), (_, b)) in zip(original.namedParameters, loaded.namedParameters) {
            XCTAssertEqual(a.value, b.value, name)
        }
        // A truncated file: one clear line, and the model stays.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let broken = folder.appendingPathComponent("broken.safetensors")
        try bytes.prefix(bytes.count / 2).write(to: broken)
        guard case .failed(let message) = shell.execute("model load \(broken.path)") else { return XCTFail("loaded a truncated file") }
        XCTAssertTrue(message.contains("broken.safetensors"), message)
        XCTAssertTrue(message.contains("is kept"), message)
        XCTAssertTrue(shell.session.model === loaded)
        guard case .failed(let missing) = shell.execute("model load \(folder.path)/nope.safetensors") else { return XCTFail() }
        XCTAssertTrue(missing.contains("nope.safetensors"), missing)
        guard case .failed(let ext) = shell.execute("model save \(folder.path)/m.bin") else { return XCTFail() }
        XCTAssertTrue(ext.contains(".safetensors"), ext)
    }
}
