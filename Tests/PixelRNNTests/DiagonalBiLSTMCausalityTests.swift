import XCTest
@testable import PixelRNN

/// Causality and the receptive field of the Diagonal BiLSTM network.
final class DiagonalBiLSTMCausalityTests: XCTestCase {
    /// Flips each pixel k of a random binary image in turn and lists every (k, j) where the
    /// logit of a pixel j ≤ k (raster order) changed at all. A causal model has none.
    private func causalityViolations(_ net: PixelNetwork, height: Int, width: Int, seed: UInt64) -> [(changed: Int, logit: Int)] {
        var rng = SeededGenerator(seed: seed)
        let image = Tensor(shape: [1, 1, height, width], data: (0..<(height * width)).map { _ in rng.nextUniform() < 0.5 ? 1 : 0 })
        let base = net.forward(image).logits
        var violations: [(Int, Int)] = []
        for k in 0..<(height * width) {
            var changed = image
            changed.data[k] = 1 - changed.data[k]
            let logits = net.forward(changed).logits
            for j in 0...k where logits.data[j] != base.data[j] { violations.append((k, j)) }   // exact comparison
        }
        return violations
    }

    private func describe(_ v: [(changed: Int, logit: Int)], width: Int) -> String {
        v.prefix(5).map { "pixel (\($0.changed / width), \($0.changed % width)) changed logit (\($0.logit / width), \($0.logit % width))" }
            .joined(separator: "; ")
    }

    func testChangingAPixelChangesNoEarlierOrOwnLogit() throws {
        for fast in [false, true] {
            try withComputePath(fast: fast) {
                let net = try PixelNetwork(config: .init(kind: .diagbilstm, layers: 2, hidden: 3), seed: 5)
                let v = causalityViolations(net, height: 8, width: 8, seed: 6)
                XCTAssertTrue(v.isEmpty, "\(fast ? "fast" : "plain"): \(v.count) violations: \(describe(v, width: 8))")
            }
        }
    }

    /// Without the one-row shift of the backward direction the model sees the right side
    /// of its own row: the same check must catch it (so the check above can fail).
    func testBackwardDirectionWithoutShiftLeaks() throws {
        for fast in [false, true] {
            try withComputePath(fast: fast) {
                let net = try PixelNetwork(config: .init(kind: .diagbilstm, layers: 2, hidden: 3), seed: 5)
                for block in net.blocks { (block as! DiagonalBiLSTMBlock).shiftsBackwardDirection = false }
                let v = causalityViolations(net, height: 8, width: 8, seed: 6)
                XCTAssertFalse(v.isEmpty, "without the shift the backward direction must leak")
                // The leak is the right side of the own row: pixel (r, c+1) reaches logit (r, c).
                XCTAssertTrue(v.contains { $0.changed == $0.logit + 1 && $0.changed % 8 != 0 }, describe(v, width: 8))
            }
        }
    }

    /// Three colours, 256 levels: changing colour `ch` of pixel k changes no logit of an earlier
    /// pixel, and at pixel k none of colours 0…ch (R ← nothing, G ← R, B ← R, G).
    func testColourCausality() throws {
        for fast in [false, true] {
            try withComputePath(fast: fast) {
                let net = try PixelNetwork(config: .init(kind: .diagbilstm, layers: 2, hidden: 3, colors: 3, levels: 256), seed: 11)
                let (hh, ww) = (4, 5)
                var rng = SeededGenerator(seed: 12)
                let image = Tensor(shape: [1, 3, hh, ww], data: (0..<(3 * hh * ww)).map { _ in Float(Int(rng.nextUniform() * 256)) })
                let base = net.forward(image).logits                         // (1, 256·3, H, W), channel level·3 + colour
                var violations: [String] = []
                for k in 0..<(hh * ww) {
                    for ch in 0..<3 {
                        var changed = image
                        changed.data[ch * hh * ww + k] = Float((Int(changed.data[ch * hh * ww + k]) + 128) % 256)
                        let logits = net.forward(changed).logits
                        for channel in 0..<(256 * 3) {
                            let colour = channel % 3
                            for j in 0...k where j < k || colour <= ch {
                                if logits.data[channel * hh * ww + j] != base.data[channel * hh * ww + j] {
                                    violations.append("colour \(ch) of pixel \(k) changed logit channel \(channel) at pixel \(j)")
                                }
                            }
                        }
                    }
                }
                XCTAssertTrue(violations.isEmpty, "\(fast ? "fast" : "plain"): \(violations.count) violations, e.g. \(violations.prefix(3))")
            }
        }
    }

    // MARK: receptive field

    /// The binary receptive field of every output pixel: field[target][input] is true if the
    /// logit at `target` has a non-zero gradient with respect to input pixel `input` for at
    /// least one of `trials` random inputs (one batch, one backward per target pixel).
    private func binaryFields(_ net: PixelNetwork, height: Int, width: Int, trials: Int, seed: UInt64) -> [[Bool]] {
        var rng = SeededGenerator(seed: seed)
        let hw = height * width
        let pixels = Tensor(shape: [trials, 1, height, width], data: (0..<(trials * hw)).map { _ in rng.nextUniform() })
        let pass = net.forward(pixels)
        return (0..<hw).map { target in
            var g = Tensor(zeros: pass.logits.shape)
            for n in 0..<trials { g.data[n * hw + target] = 1 }
            let dx = net.backward(pass, logitGradient: g)        // ∂logit(target)/∂input, image by image
            return (0..<hw).map { i in (0..<trials).contains { dx.data[$0 * hw + i] != 0 } }
        }
    }

    /// The analytic field of output pixel (r, c) of a Diagonal BiLSTM network (any L ≥ 1)
    /// on an H×W image: every pixel above, and to the left in the same row, except one —
    /// the end of the previous row, (r−1, W−1), whenever c + 3 < W − 1.
    ///
    /// Why: the blocks see the residual stream at every position above and to the left in
    /// row r and at every position of the rows above (fwd: (r' ≤ r, c' ≤ c); bwd, shifted:
    /// (r' ≤ r−1, any c')). The stream at (r', c') is the 7×7 mask-A input layer: input
    /// rows r'−3 … r'−1 at columns c'−3 … c'+3, and row r' left of c'. Pixel (r−1, W−1) is in
    /// no stream position of a row above r (there it would be right of or at the centre in
    /// row r−1, or below); in row r it is in the stream at (r, c') only for c' ≥ W−4, and
    /// the blocks may use (r, c') only for c' ≤ c. So it is out of reach exactly when
    /// c < W−4, i.e. c + 3 < W − 1 — not for every c (the Models README and issue 5 say "except
    /// (r−1, last column)" without this condition: for the last four columns the input
    /// layer at the pixel itself already covers it).
    private func analyticField(row r: Int, col c: Int, height: Int, width: Int) -> [Bool] {
        (0..<(height * width)).map { i in
            let (pr, pc) = (i / width, i % width)
            let causal = pr < r || (pr == r && pc < c)
            let outOfReach = r >= 1 && pr == r - 1 && pc == width - 1 && c + 3 < width - 1
            return causal && !outOfReach
        }
    }

    private func checkField(layers: Int, height: Int, width: Int) throws {
        let net = try PixelNetwork(config: .init(kind: .diagbilstm, layers: layers, hidden: 3), seed: 8)
        let fields = binaryFields(net, height: height, width: width, trials: 4, seed: 9)
        for target in 0..<(height * width) {
            let (r, c) = (target / width, target % width)
            let expected = analyticField(row: r, col: c, height: height, width: width)
            let extra = (0..<(height * width)).filter { fields[target][$0] && !expected[$0] }.map { "(\($0 / width), \($0 % width))" }
            let missing = (0..<(height * width)).filter { !fields[target][$0] && expected[$0] }.map { "(\($0 / width), \($0 % width))" }
            XCTAssertTrue(extra.isEmpty && missing.isEmpty,
                          "L=\(layers) \(height)×\(width) pixel (\(r), \(c)): extra \(extra), missing \(missing)")
        }
        // The literal claim "(r−1, W−1) is never seen" is wrong near the right edge: pin that down.
        let (r, c) = (3, width - 1)
        XCTAssertTrue(fields[r * width + c][(r - 1) * width + width - 1], "pixel (\(r), \(c)) sees (\(r - 1), \(width - 1)) through the input layer")
        XCTAssertFalse(fields[r * width + 0][(r - 1) * width + width - 1])
    }

    func testReceptiveFieldOneLayer8x8() throws { try checkField(layers: 1, height: 8, width: 8) }
    func testReceptiveFieldTwoLayers8x8() throws { try checkField(layers: 2, height: 8, width: 8) }
    func testReceptiveFieldTwoLayers6x6() throws { try checkField(layers: 2, height: 6, width: 6) }
}
