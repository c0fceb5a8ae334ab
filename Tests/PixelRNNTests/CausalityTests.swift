import XCTest
@testable import PixelRNN

/// Causality (paper §3.4): the prediction for pixel i, colour c may depend only on pixels
/// before i in raster order and, at pixel i, on the colours before c (R, G, B order).
/// Checked by brute force: change one input value, recompute every logit.
final class CausalityTests: XCTestCase {
    /// What `causalityCheck` found.
    struct Report {
        /// "(pixel, colour) changed when input (pixel, colour) changed", for every forbidden change.
        var violations: [String] = []
        /// How many inputs changed at least one later prediction (the check is not vacuous).
        var inputsWithAnEffect = 0
    }

    /// For every input (pixel k, colour c) in order: change its value, run the network,
    /// and compare every logit with the original run. A logit of (pixel p, colour d) may
    /// change only if (p, d) comes strictly after (k, c); equality is exact, because masked
    /// weights are exact zeros.
    func causalityCheck(_ net: PixelNetwork, _ pixels: Tensor) -> Report {
        let (colors, levels) = (net.config.colors, net.config.levels)
        let (height, width) = (pixels.shape[2], pixels.shape[3])
        let area = height * width
        let before = net.forward(pixels).logits
        let logitChannels = before.shape[1]
        var report = Report()
        for k in 0..<area {
            for c in 0..<colors {
                var changed = pixels
                let (y, x) = (k / width, k % width)
                let old = Int(pixels[0, c, y, x])
                changed[0, c, y, x] = Float(levels == 2 ? 1 - old : (old + 97) % levels)
                let after = net.forward(changed).logits
                var someLaterChanged = false
                for channel in 0..<logitChannels {
                    let d = colourGroup(ofChannel: channel, colors: colors)   // also level·C + colour
                    for p in 0..<area where after[0, channel, p / width, p % width] != before[0, channel, p / width, p % width] {
                        if p < k || (p == k && d <= c) {
                            report.violations.append("prediction (pixel \(p), colour \(d)) changed when input (pixel \(k), colour \(c)) changed")
                        } else {
                            someLaterChanged = true
                        }
                    }
                }
                if someLaterChanged { report.inputsWithAnEffect += 1 }
            }
        }
        return report
    }

    func testPixelCNNIsCausalOneColour() throws {
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 3, hidden: 4), seed: 51)
        let report = causalityCheck(net, pcnnRandomPixels([1, 1, 8, 8], levels: 2, seed: 52))
        XCTAssertEqual(report.violations, [], "\(report.violations.count) violations")
        XCTAssertGreaterThanOrEqual(report.inputsWithAnEffect, 60, "changing an input should change later predictions")
    }

    func testPixelCNNIsCausalThreeColours() throws {
        for levels in [256, 2] {
            let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 2, hidden: 3, colors: 3, levels: levels), seed: 53)
            let report = causalityCheck(net, pcnnRandomPixels([1, 3, 8, 8], levels: levels, seed: 54))
            XCTAssertEqual(report.violations, [], "\(levels) levels: \(report.violations.count) violations")
            XCTAssertGreaterThanOrEqual(report.inputsWithAnEffect, 180, "\(levels) levels")
        }
    }

    /// The same check catches a network whose first layer has mask B instead of A
    /// (every prediction sees its own pixel): the test can fail.
    func testWrongInputMaskIsCaught() throws {
        for colors in [1, 3] {
            let config = ModelConfig(kind: .pixelcnn, layers: 2, hidden: 3, colors: colors, levels: colors == 1 ? 2 : 256)
            let wrong = try PixelNetwork(config: config, seed: 55, inputMask: .B)
            let report = causalityCheck(wrong, pcnnRandomPixels([1, colors, 8, 8], levels: config.levels, seed: 56))
            XCTAssertGreaterThan(report.violations.count, 0, "\(colors) colour(s): mask B on the input went unnoticed")
            // Each colour now sees its own value at its own pixel, e.g. at pixel 10 …
            XCTAssertTrue(report.violations.contains("prediction (pixel 10, colour \(colors - 1)) changed when input (pixel 10, colour \(colors - 1)) changed"),
                          "\(colors) colour(s)")
        }
        // … and the correct mask on the same configuration passes.
        let right = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 2, hidden: 3), seed: 55, inputMask: .A)
        XCTAssertEqual(causalityCheck(right, pcnnRandomPixels([1, 1, 8, 8], levels: 2, seed: 56)).violations, [])
    }
}
