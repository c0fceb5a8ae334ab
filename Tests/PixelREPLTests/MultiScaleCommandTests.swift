import Foundation
import XCTest
@testable import PixelREPL
@testable import PixelRNN

/// The multi-scale PixelRNN in the REPL: made, shown, trained, evaluated with its two terms
/// apart, saved and loaded in a new session with the same NLL; refusals in one line.
final class MultiScaleCommandTests: XCTestCase {
    func testNewShowTrainEvalSaveLoad() throws {
        let harness = ShellHarness(name: "multiscale")
        defer { harness.removeFolder() }
        harness.run("data load")
        let made = harness.run("model new multiscale --base pixelcnn --layers 1 --hidden 2 --small-layers 1 --small-hidden 3 --seed 4")
        XCTAssertTrue(made.joined().contains("Multi-Scale PixelRNN of PixelCNNs, factor 2: small network 1 layer, h = 3; conditional network 1 layer, h = 2"), "\(made)")
        let model = try XCTUnwrap(harness.session.model as? MultiScaleNetwork)
        XCTAssertEqual(model.settings, MultiScaleSettings(base: .pixelcnn, factor: 2, smallLayers: 1, smallHidden: 3))
        XCTAssertEqual(model.seed, 4)

        let shown = harness.run("model show")
        for row in ["small.input", "small.blocks.0.b", "upsample.1", "cond.blocks.0.bias_map", "cond.head.1"] {
            XCTAssertTrue(shown.contains { $0.hasPrefix(row + " ") }, "model show lists \(row): \(shown)")
        }
        let small = model.namedParameters.filter { $0.0.hasPrefix("small.") }.reduce(0) { $0 + $1.1.value.count }
        XCTAssertTrue(shown.last!.contains("small network (PixelCNN on x[2·r, 2·c]): \(small) parameters"), shown.last!)

        harness.run("train --steps 2 --batch 4")
        let evaluated = harness.run("eval --split valid")
        XCTAssertEqual(evaluated.count, 4, "\(evaluated)")
        let numbers = evaluated.prefix(3).map { line -> Double in
            let nats = line.components(separatedBy: "nats/image")[0].split(separator: " ").last!
            return Double(nats)!
        }
        XCTAssertEqual(numbers[0], numbers[1] + numbers[2], accuracy: 0.011, "the total is the sum of the two terms: \(evaluated)")
        XCTAssertTrue(evaluated[1].contains("small image (196 pixels)"))
        XCTAssertTrue(evaluated[2].contains("the rest given it (588 pixels)"))
        let terms = try model.evaluateTerms(harness.session.data!.levels(.valid, levels: 2))
        XCTAssertTrue(evaluated[0].contains(String(format: "%.2f nats/image", terms.totalNats)), "\(evaluated[0]) vs \(terms.totalNats)")

        let file = harness.folder.appendingPathComponent("ms.safetensors").path
        harness.run("model save \(file)")
        let other = ShellHarness(name: "multiscale-load")
        defer { other.removeFolder() }
        other.run("data load")
        other.run("model load \(file)")
        XCTAssertEqual(other.run("eval --split valid"), evaluated, "a new session gives the same NLL")
    }

    func testRefusalsAreOneLine() {
        let harness = ShellHarness(name: "multiscale-refusals")
        defer { harness.removeFolder() }
        harness.run("data load")
        harness.fails("model new multiscale --factor 1", saying: "--factor")
        harness.fails("model new multiscale --base multiscale", saying: "--base must be one of pixelcnn|rowlstm|diagbilstm")
        harness.fails("model new rowlstm --small-layers 2", saying: "'model new multiscale'")
        harness.run("model new multiscale --layers 1 --hidden 2 --small-layers 1 --small-hidden 2")
        harness.fails("trace", saying: "multi-scale")
    }

    /// `sample`: stage 1 then stage 2, one PNG; the same seed gives the same picture.
    func testSampleDrawsBothStages() throws {
        let harness = ShellHarness(name: "multiscale-sample")
        defer { harness.removeFolder() }
        harness.run("model new multiscale --base pixelcnn --layers 1 --hidden 2 --small-layers 1 --small-hidden 2")
        let said = harness.run("sample 2 --seed 5")
        XCTAssertTrue(said[0].contains("stage 1: 14×14 small images"), "\(said)")
        XCTAssertTrue(said[0].contains("stage 1: 14×14 small images (fast incremental path"), "\(said)")
        XCTAssertTrue(said[0].contains("stage 2: the other pixels given them (fast incremental path"), "\(said)")
        let png = harness.folder.appendingPathComponent("sample-multiscale-seed5.png")
        let first = try Data(contentsOf: png)
        let reference = harness.run("sample 2 --seed 5 --method reference")
        XCTAssertTrue(reference[0].contains("stage 2: the other pixels given them (slow reference path"), "\(reference)")
        XCTAssertEqual(try Data(contentsOf: png), first, "the reference path draws the same samples")
        harness.run("sample 2 --seed 5")
        XCTAssertEqual(try Data(contentsOf: png), first, "same seed, same samples")
    }

    func testHelpModelStatesTheChoices() {
        let harness = ShellHarness(name: "multiscale-help")
        defer { harness.removeFolder() }
        let help = harness.run("help model").joined(separator: " ")
        for phrase in ["model new multiscale", "x[k·r, k·c]", "not counted twice", "transposed conv", "input-to-state",
                       "--small-layers", "--base", "both stages on the incremental path", "'check causality'",
                       "'benchmark --model multiscale --base KIND'"] {
            XCTAssertTrue(help.contains(phrase), "help model says \(phrase)")
        }
    }
}
