import Foundation
import XCTest
@testable import PixelREPL
@testable import PixelRNN
import PixelRender

/// `factorize` on a multi-scale model: the two terms apart (nats and bits/dim over all
/// dimensions) and their total, equal to the library's; the small-image pixels outlined on
/// the heat map.
final class MultiScaleFactorizeCommandTests: XCTestCase {
    /// A session with the digits and the model `model new multiscale <options>`.
    private func session(_ options: String) -> ShellHarness {
        let harness = ShellHarness(name: "multiscale-factorize")
        harness.run("data load")
        harness.run("model new multiscale " + options)
        return harness
    }

    func testTheTwoTermsApartAndTheirTotal() throws {
        let harness = session("--base rowlstm --layers 1 --hidden 3 --small-layers 1 --small-hidden 2 --seed 2")
        defer { harness.removeFolder() }
        let said = harness.run("factorize 3")
        let model = try XCTUnwrap(harness.session.model as? MultiScaleNetwork)
        let pixels = imageLevels(harness.session.data!, split: .test, index: 3, levels: 2)
        let terms = try model.evaluateTerms(pixels, batchSize: 1)
        let text = said.joined(separator: "\n")
        XCTAssertTrue(text.contains("x_small = x[2·r, 2·c]: 196 of 784 pixels, outlined on the map"), text)
        XCTAssertTrue(text.contains(String(format: "= -%.2f - %.2f = -%.2f nats", terms.smallNats, terms.conditionalNats, terms.totalNats)), text)
        XCTAssertTrue(text.contains(String(format: "small image (196 pixels):            %.2f nats/image = %.4f bits/dim",
                                           terms.smallNats, terms.smallNats / (784 * log(2)))), text)
        XCTAssertTrue(text.contains(String(format: "the rest given it (588 pixels):      %.2f nats/image = %.4f bits/dim",
                                           terms.conditionalNats, terms.conditionalNats / (784 * log(2)))), text)
        XCTAssertTrue(text.contains(String(format: "NLL = %.2f nats/image = %.4f bits/dim", terms.totalNats, terms.totalNats / (784 * log(2)))), text)
        // The total is the model's NLL of the image, the sum of the two terms.
        let nll = Likelihood.negativeLogLikelihood(logits: model.onePassLogits(pixels), pixels: pixels, levels: 2)[0]
        XCTAssertEqual(terms.totalNats, nll, accuracy: 1e-3)
        XCTAssertNotEqual(terms.smallNats, 0)
        // Which network gives each pixel's factor.
        XCTAssertTrue(said.contains { $0.contains("( 0,  0)") && $0.contains("p_small(x_i | earlier small pixels)") }, text)
        XCTAssertTrue(said.contains { $0.contains("( 0,  1)") && $0.contains("p_cond(x_i | x_<i, x_small)") }, text)
        XCTAssertTrue(FileManager.default.fileExists(atPath: harness.folder.appendingPathComponent("factorize-test-3.png").path))
        let numbers = harness.run("factorize 3 --numbers")
        XCTAssertTrue(numbers.contains { $0.hasPrefix("p(x_i | ·), row by row (small-image pixels: rows and columns 0, 2, 4, …)") })
    }

    /// The heat map outlines exactly the small-image pixels: the top-left corner of each of
    /// their cells is drawn in the highlight colour, no other cell's is.
    func testTheHeatMapOutlinesTheSmallImagePixels() throws {
        let model = try MultiScaleNetwork(config: .multiScale(MultiScaleSettings(base: .pixelcnn, factor: 3, smallLayers: 1, smallHidden: 2),
                                                              layers: 1, hidden: 2))
        let (h, w) = (7, 8)
        let given = smallImageMask(model, height: h, width: w)
        XCTAssertEqual(given.filter { $0 }.count, 3 * 3)
        let pixels = Tensor(zeros: [1, 1, h, w])
        let probabilities = (0..<(h * w)).map { Float($0) / Float(h * w) }
        for mask in [given, nil] {
            let (panels, heat) = try factorizationPanels(pixels: pixels, probabilities: probabilities, given: mask, title: "t", legend: nil)
            let canvas = panels.panels[1].canvas
            for r in 0..<h {
                for c in 0..<w {
                    let cell = heat.geometry.rect(row: r, col: c)
                    let outlined = canvas.pixel(x: cell.x, y: cell.y) == Palette.highlight
                    XCTAssertEqual(outlined, mask?[r * w + c] ?? false, "cell (\(r), \(c)), mask \(mask == nil ? "none" : "small pixels")")
                    XCTAssertEqual(outlined, mask != nil && r % 3 == 0 && c % 3 == 0)
                }
            }
        }
    }

    func testAColourModelShowsTheTwoTerms() throws {
        let harness = session("--base pixelcnn --layers 1 --hidden 3 --small-layers 1 --small-hidden 3 --colors 3 --levels 4")
        defer { harness.removeFolder() }
        let said = harness.run("factorize 0")
        XCTAssertTrue(said.contains { $0.hasPrefix("multi-scale: NLL = ") }, "\(said)")
        XCTAssertTrue(said.contains { $0.contains("small image (196 pixels, 588 dimensions)") }, "\(said)")
        XCTAssertTrue(said.contains { $0.hasPrefix("  the rest given it (588 pixels, 1764 dimensions): ") }, "\(said)")
    }
}
