import Foundation
import XCTest
@testable import PixelRNN

/// Every model kind in colour (C = 3, 256 levels, L = 1, h = 6, 4×4 images, batch 2)
/// against an independent PyTorch implementation (Fixtures/make_colour_golden.py: colour
/// masks built channel by channel, the Diagonal BiLSTM's skew written cell by cell,
/// autograd): the log-probability and log-partition of every pixel and colour, the logits
/// at six levels, the per-image NLL, and ∂(mean NLL)/∂θ for every parameter, on the plain
/// and the fast compute path.
final class ColourGoldenTests: XCTestCase {
    /// The script's parameter formula: value[j] = Float(0.5 sin(0.731 (j+1) + 1.618 (n+1))),
    /// n = the index of the name among the sorted names; then masked.
    private func setFormulaParameters(_ net: PixelNetwork) {
        let names = net.namedParameters.map(\.0).sorted()
        for (name, p) in net.namedParameters {
            let n = Double(names.firstIndex(of: name)!)
            var v = Tensor(zeros: p.value.shape)
            for j in 0..<v.count { v.data[j] = Float(0.5 * sin(0.731 * Double(j + 1) + 1.618 * (n + 1))) }
            p.value = p.mask.map { v * $0 } ?? v
        }
    }

    private func check(_ kind: ModelKind, fast: Bool) throws {
        let fixture = try GoldenFixture("colour_golden")
        let prefix = kind.rawValue + "/"
        let stored = fixture["levels"].data.map { Int($0) }
        try withComputePath(fast: fast) {
            let net = try PixelNetwork(config: ModelConfig(kind: kind, layers: 1, hidden: 6, colors: 3, levels: 256))
            setFormulaParameters(net)
            XCTAssertEqual(Set(fixture.tensors.keys.filter { $0.hasPrefix(prefix + "grad/") }),
                           Set(net.namedParameters.map { prefix + "grad/" + $0.0 }), "the fixture and the network name the same parameters")
            let pixels = fixture["pixels"]
            let (b, c, h, w) = (pixels.shape[0], pixels.shape[1], pixels.shape[2], pixels.shape[3])
            let label = "\(kind.rawValue) \(fast ? "fast" : "plain")"
            let logits = net.forward(pixels).logits                      // (B, 768, H, W)
            XCTAssertEqual(logits.shape, [b, 256 * c, h, w])
            let logp = Likelihood.conditionalLogProbabilities(logits: logits, pixels: pixels, levels: 256)
            assertClose(logp, fixture[prefix + "log_prob"], tolerance: 1e-4, "\(label) log p")
            // log Σ_k e^{logit_k} at every pixel and colour: every one of the 256 logits counts.
            var partition = Tensor(zeros: [b, c, h, w])
            for n in 0..<b { for colour in 0..<c { for y in 0..<h { for x in 0..<w {
                let values = (0..<256).map { Double(logits[n, $0 * c + colour, y, x]) }
                let m = values.max()!
                partition[n, colour, y, x] = Float(m + log(values.reduce(0) { $0 + exp($1 - m) }))
            } } } }
            assertClose(partition, fixture[prefix + "log_partition"], tolerance: 1e-4, "\(label) log partition")
            var some: [Float] = []                                      // (B, levels, C, H, W)
            for n in 0..<b { for level in stored { for colour in 0..<c { for y in 0..<h { for x in 0..<w {
                some.append(logits[n, level * c + colour, y, x])
            } } } } }
            assertClose(Tensor(shape: [b, stored.count, c, h, w], data: some), fixture[prefix + "logits"], tolerance: 1e-4, "\(label) logits")
            let nll = Likelihood.negativeLogLikelihood(logits: logits, pixels: pixels, levels: 256)
            for (n, v) in nll.enumerated() {
                XCTAssertEqual(v, Double(fixture[prefix + "nll"].data[n]), accuracy: 2e-3, "\(label) NLL of image \(n) (nats)")
            }
            net.zeroGrad()
            net.lossAndGradient(pixels)
            for (name, p) in net.namedParameters where !name.hasPrefix("head.1.") {
                assertClose(p.grad, fixture[prefix + "grad/" + name], tolerance: 1e-4, "\(label) ∂NLL/∂\(name)")
            }
            // head.1: the gradient rows of the stored levels (channel level·C + colour).
            let (gw, gb) = (net.head[1].weight.grad, net.head[1].bias.grad)
            let width = ModelConfig.headWidth
            var rows: [Float] = [], biases: [Float] = []
            for level in stored {
                for colour in 0..<c {
                    rows += (0..<width).map { gw[level * c + colour, $0, 0, 0] }
                    biases.append(gb.data[level * c + colour])
                }
            }
            assertClose(Tensor(shape: [stored.count, c, width], data: rows), fixture[prefix + "grad/head.1.weight"],
                        tolerance: 1e-4, "\(label) ∂NLL/∂head.1.weight")
            assertClose(Tensor(shape: [stored.count, c], data: biases), fixture[prefix + "grad/head.1.bias"],
                        tolerance: 1e-4, "\(label) ∂NLL/∂head.1.bias")
        }
    }

    /// The kinds the script wrote golden values for (each message names the kind and the path).
    private static let kinds: [ModelKind] = [.pixelcnn, .rowlstm, .diagbilstm]
    func testEveryKindOnThePlainPath() throws { for kind in Self.kinds { try check(kind, fast: false) } }
    func testEveryKindOnTheFastPath() throws { for kind in Self.kinds { try check(kind, fast: true) } }
}
