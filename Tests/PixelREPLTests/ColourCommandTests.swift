import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// Colour models (3 colours, K levels) through the commands, as a user types them.
final class ColourCommandTests: ShellTestCase {
    func testModelNewTakesAnyLevelsFromTwoTo256ForEveryKindInColour() throws {
        for kind in ModelKind.allCases {
            for levels in [2, 3, 16, 256] {
                let out = run("model new \(kind.rawValue) --layers 1 --hidden 6 --colors 3 --levels \(levels)")
                let config = try XCTUnwrap(shell.session.model?.config)
                XCTAssertEqual(config, ModelConfig(kind: kind, layers: 1, hidden: 6, colors: 3, levels: levels))
                XCTAssertEqual((shell.session.model as? PixelNetwork)?.head[1].weight.value.shape[0], levels == 2 ? 3 : 3 * levels)
                XCTAssertTrue(out[0].contains(levels == 2 ? "binary output" : "\(levels)-way softmax output"), out[0])
            }
        }
        let kept = shell.session.model
        fails("model new pixelcnn --colors 3 --levels 257 --hidden 6", saying: "--levels")
        fails("model new pixelcnn --colors 3 --levels 1 --hidden 6", saying: "--levels")
        fails("model new rowlstm --colors 3 --hidden 4", saying: "multiple of 3")
        XCTAssertTrue(shell.session.model === kept)
    }
}

extension ColourCommandTests {
    func testReceptiveFieldOfEachColour() throws {
        run("model new rowlstm --colors 3 --levels 256 --layers 2 --hidden 6 --seed 1")
        let g = run("rf 3 2 --size 6 --colour G")
        XCTAssertTrue(g.contains("  G sees at its own pixel: R   (allowed: R)"), "\(g)")
        XCTAssertTrue(g.contains("  pixel colours outside the causal context it sees: 0 (as it must be)"), "\(g)")
        XCTAssertTrue(g.last!.hasSuffix("rf-rowlstm-3-2-G.png"), g.last!)
        let all = run("rf 3 2 --size 6")
        XCTAssertEqual(all.filter { $0.contains("sees at its own pixel") },
                       ["  R sees at its own pixel: nothing   (allowed: nothing)", "  G sees at its own pixel: R   (allowed: R)",
                        "  B sees at its own pixel: R, G   (allowed: R, G)"])
        fails("rf 3 2 --size 6 --colour X", saying: "R|G|B")
        fails("rf 3 2 --size 6 --growth", saying: "--colour")
        run("model new rowlstm --layers 1 --hidden 4")
        fails("rf 3 2 --size 6 --colour G", saying: "colour models")
    }
}

extension ColourCommandTests {
    /// factorize on a colour model: the printed NLL is the likelihood of the RGB image, the
    /// NLLs by colour add up to it, and the three distributions of --pixel are drawn.
    func testFactorizeInColourGivesThreeFactorsPerPixel() throws {
        run("data load")
        run("model new diagbilstm --colors 3 --levels 16 --layers 1 --hidden 6 --seed 2")
        let out = run("factorize 4 --pixel 10,12")
        let (nllLine, printed, expected, pixels) = try factorizedNLL(out, testImage: 4)
        XCTAssertEqual(pixels.shape, [1, 3, 28, 28])
        XCTAssertEqual(printed, expected, accuracy: 0.006)
        XCTAssertTrue(nllLine.contains("over 784·3 = 2352 dimensions"), nllLine)
        let byColour = try XCTUnwrap(out.first { $0.hasPrefix("NLL by colour: ") })
        let parts = byColour.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }
        XCTAssertEqual(parts.count, 3, byColour)
        XCTAssertEqual(parts.reduce(0, +), expected, accuracy: 0.02)
        let value = Int(pixels[0, 0, 10, 12])
        XCTAssertTrue(out.contains { $0.hasPrefix("  p(G | x_<i, R) : value there \(String(format: "%3d", value)), p = ") }, "\(out)")
        XCTAssertEqual(out.filter { $0.hasPrefix("wrote ") }.map { URL(fileURLWithPath: String($0.dropFirst(6))).lastPathComponent },
                       ["factorize-test-4.png", "factorize-test-4-pixel-10-12.png"])
        fails("factorize 4 --pixel 28,0", saying: "outside the 28×28 image")
        fails("factorize 4 --pixel 3", saying: "row,column")
        run("model new pixelcnn --layers 1 --hidden 4")
        fails("factorize 4 --pixel 3,3", saying: "colour models")
    }
}

extension ColourCommandTests {
    /// A grey model with K = 16 levels reads the digits as intensity·15, rounded (not as
    /// 0…255, which a 16-way softmax cannot score): factorize prints that image's NLL.
    func testAGreyModelWithSixteenLevelsReadsSixteenLevels() throws {
        run("data load")
        run("model new pixelcnn --levels 16 --layers 1 --hidden 4 --seed 3")
        let out = run("factorize 2")
        XCTAssertTrue(out.contains { $0.hasSuffix("16 grey levels") }, "\(out)")
        let (_, printed, expected, pixels) = try factorizedNLL(out, testImage: 2)
        XCTAssertEqual(pixels.shape, [1, 1, 28, 28])
        XCTAssertEqual(Set(pixels.data).count, 16, "the digit uses all 16 levels")
        XCTAssertEqual(printed, expected, accuracy: 0.006)
    }

    /// `factorize`'s "NLL = …" line in `out`, its number, and the NLL the library gives test
    /// image `index` as the current model reads the grey digits: intensity·(K−1), rounded, in
    /// each of the model's colours (R = G = B); with those pixels.
    func factorizedNLL(_ out: [String], testImage index: Int) throws
        -> (line: String, printed: Double, expected: Double, pixels: Tensor) {
        let line = try XCTUnwrap(out.first { $0.hasPrefix("NLL = ") })
        let printed = try XCTUnwrap(Double(line.dropFirst(6).split(separator: " ")[0]))
        let model = try XCTUnwrap(shell.session.model)
        let (colors, levels) = (model.config.colors, model.config.levels)
        let grey = try XCTUnwrap(shell.session.data).test.intensities([index])
        let plane = grey.data.map { ($0 * Float(levels - 1)).rounded() }
        let pixels = Tensor(shape: [1, colors] + grey.shape.dropFirst(2), data: (0..<colors).flatMap { _ in plane })
        let expected = Likelihood.negativeLogLikelihood(logits: model.onePassLogits(pixels), pixels: pixels, levels: levels)[0]
        return (line, printed, expected, pixels)
    }
}

extension ColourCommandTests {
    /// trace sample on a colour model draws one colour of one pixel per step (R, then G,
    /// then B), and the finished image is the one `sample` draws with the same seed.
    func testTraceSampleDrawsRThenGThenB() throws {
        run("model new pixelcnn --colors 3 --levels 16 --layers 1 --hidden 6 --seed 4")
        run("trace sample --seed 5")
        let steps = (0..<4).map { _ in run("step")[0] }
        XCTAssertEqual(steps.map { $0.components(separatedBy: ", ").prefix(2).joined(separator: ", ") },
                       ["pixel (0, 0) R", "pixel (0, 0) G", "pixel (0, 0) B", "pixel (0, 1) R"])
        XCTAssertTrue(steps[1].hasPrefix("pixel (0, 0) G, 2 of 2352: top levels "), steps[1])
        XCTAssertTrue(run("continue").contains("drew the remaining 2348 of 2352 pixel colours — the image is complete"))
        let traced = try XCTUnwrap(shell.session.trace as? SampleTraceState).trace.image
        let sampled = try Sampler.sample(network: shell.session.model!, count: 1, height: 28, width: 28, seed: 5)
        XCTAssertEqual(traced, sampled)
        XCTAssertEqual(traced.shape, [1, 3, 28, 28])
    }

    /// sample on a colour model: N×N colour images at --size, the levels named in the legend.
    func testSampleInColourAtAGivenSize() throws {
        run("model new diagbilstm --colors 3 --levels 256 --layers 1 --hidden 6")
        let out = run("sample 3 --size 6 --seed 1")
        XCTAssertTrue(out[0].hasPrefix("3 images of 6×6 in "), out[0])
        XCTAssertTrue(out.last!.hasSuffix("sample-diagbilstm-seed1.png"), out.last!)
        fails("sample 3 --size 0", saying: "--size")
        fails("sample 3 --size 65", saying: "--size")
    }
}

extension ColourCommandTests {
    /// complete on a colour model keeps every colour of every given pixel and draws the rest.
    func testCompleteInColourKeepsTheGivenPixels() throws {
        run("data load")
        run("model new rowlstm --colors 3 --levels 16 --layers 1 --hidden 6 --seed 1")
        let out = run("complete --images 1 --samples 2 --occlude right-half --seed 2")
        XCTAssertTrue(out.contains("given pixels changed in the completions: 0 — the 392 given pixels of each image are kept in every completion"), "\(out)")
        XCTAssertTrue(out.last!.hasSuffix("complete-rowlstm-right-half-seed2.png"), out.last!)
    }
}

extension ColourCommandTests {
    /// train and eval on a colour model read the grey digits as R = G = B: the loss falls,
    /// and R costs more than G, G more than B (G is given R of the same pixel, B also G).
    func testATinyColourModelLearnsThatGAndBFollowR() throws {
        run("data load emoji --levels 4")
        run("model new pixelcnn --colors 3 --levels 4 --layers 1 --hidden 6 --seed 2")
        run("train --epochs 3 --lr 0.01")   // 3 × 70 steps of the 1,105 training emoji
        let history = try XCTUnwrap(shell.session.trainer?.state.lossHistory.map(\.loss))
        XCTAssertEqual(history.count, 210)
        XCTAssertLessThan(history.suffix(10).reduce(0, +) / 10, 0.5 * history.prefix(5).reduce(0, +) / 5, "the loss falls")
        let out = run("factorize 3")
        let byColour = try XCTUnwrap(out.first { $0.hasPrefix("NLL by colour: ") })
        let parts = byColour.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }
        XCTAssertEqual(parts.count, 3, byColour)
        // G and B know R (and B also G) of the same pixel, and on the emoji the colours mostly
        // move together: each costs less than R.
        XCTAssertGreaterThan(parts[0], parts[1], byColour)
        XCTAssertGreaterThan(parts[0], parts[2], byColour)
        let eval = run("eval --split valid")
        XCTAssertTrue(eval[0].hasPrefix("valid NLL: "), "\(eval)")
    }

    /// `trace rowlstm|diagbilstm` on a colour model and a colour image: the row-by-row and
    /// diagonal-by-diagonal walks equal the ordinary forward pass exactly.
    func testBlockTracesOfColourModelsEqualTheForwardPass() {
        run("data load emoji --levels 4")
        for (kind, word) in [("rowlstm", "row-by-row"), ("diagbilstm", "diagonal-by-diagonal")] {
            run("model new \(kind) --colors 3 --levels 4 --layers 2 --hidden 6")
            run("trace \(kind) 3")
            XCTAssertTrue(run("step").contains { $0.hasPrefix("wrote ") }, kind)
            XCTAssertTrue(run("continue").contains("\(word) trace vs the ordinary forward pass: largest difference 0"), "\(kind): \(lines)")
        }
        run("model new rowlstm --layers 1 --hidden 2")
        fails("trace rowlstm 3", saying: "the model reads 1 colour (grey) but emoji has 3 colours")
    }
}
