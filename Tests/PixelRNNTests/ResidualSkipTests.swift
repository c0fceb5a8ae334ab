import Foundation
import XCTest
@testable import PixelRNN

extension GoldenFixture {
    /// The tensors of a fixture whose names start with `prefix`, without it.
    init(_ name: String, prefix: String) throws {
        let all = try GoldenFixture(name).tensors
        var picked: [String: Tensor] = [:]
        for (key, t) in all where key.hasPrefix(prefix) { picked[String(key.dropFirst(prefix.count))] = t }
        self.init(tensors: picked)
    }

    private init(tensors: [String: Tensor]) { self.tensors = tensors }
}

/// Residual and skip connections (`model new … --residual on|off --skip on|off`; Models
/// README, "Residual and skip connections"): PyTorch's numbers, finite differences, incremental
/// sampling, checkpoints.
extension PixelCNNTests {
    /// PixelCNN L=3, h=4 with skip connections, and without residual connections, against
    /// Fixtures/make_residual_skip_golden.py: logits, log p, NLL and every gradient.
    func testSkipAndNoResidualVariantsMatchPyTorch() throws {
        for (prefix, residual, skip) in [("skip.", true, true), ("noresidual.", false, false)] {
            let config = ModelConfig(kind: .pixelcnn, layers: 3, hidden: 4, residual: residual, skip: skip)
            try checkAgainstPyTorch(try PixelNetwork(config: config, seed: 0), try GoldenFixture("residual_skip_golden", prefix: prefix))
        }
    }
}

/// Finite differences of the mean NLL of binary `pixels` through a whole network, for a sample
/// of the unmasked entries of every parameter whose name `which` accepts.
func checkNetworkFiniteDifferences(_ net: PixelNetwork, _ pixels: Tensor, samples: Int, tolerance: Double,
                                   _ message: String, which: (String) -> Bool,
                                   file: StaticString = #filePath, line: UInt = #line) {
    net.zeroGrad()
    net.lossAndGradientOnePass(pixels, meanOver: pixels.shape[0])
    let loss = { () -> Double in
        let nll = Likelihood.negativeLogLikelihood(logits: net.forward(pixels).logits, pixels: pixels, levels: 2)
        return nll.reduce(0, +) / Double(nll.count)
    }
    for (name, p) in net.namedParameters where which(name) {
        let used = (0..<p.value.count).filter { p.mask?.data[$0] ?? 1 != 0 }
        checkFiniteDifferences(count: used.count, analytic: { p.grad.data[used[$0]] },
                               get: { p.value.data[used[$0]] }, set: { p.value.data[used[$0]] = $1 },
                               loss: loss, samples: samples, step: 2e-3, tolerance: tolerance, "\(message) \(name)",
                               file: file, line: line)
    }
}

final class ResidualSkipTests: XCTestCase {
    private let variants: [(residual: Bool, skip: Bool)] = [(true, true), (false, false), (false, true)]

    /// Finite differences of the mean NLL through whole networks (PixelCNN and Row LSTM, L = 3,
    /// h = 3) with each variant, for a sample of every parameter.
    func testVariantGradientsMatchFiniteDifferences() throws {
        for kind in [ModelKind.pixelcnn, .rowlstm] {
            for v in variants {
                let net = try PixelNetwork(config: ModelConfig(kind: kind, layers: 3, hidden: 3, residual: v.residual, skip: v.skip), seed: 6)
                var rng = SeededGenerator(seed: 5)
                let pixels = Tensor(shape: [2, 1, 5, 5], data: (0..<50).map { _ in rng.nextUniform() < 0.4 ? 1 : 0 })
                checkNetworkFiniteDifferences(net, pixels, samples: 4, tolerance: 1e-2,
                                              "\(kind) residual \(v.residual) skip \(v.skip)") { !$0.hasSuffix("bias") }
            }
        }
    }

    /// The connections change the model (same seed, other logits), and the default is today's network.
    func testVariantsChangeTheLogits() throws {
        var rng = SeededGenerator(seed: 3)
        let pixels = Tensor(shape: [1, 1, 5, 5], data: (0..<25).map { _ in rng.nextUniform() < 0.5 ? 1 : 0 })
        let paper = try PixelNetwork(config: ModelConfig(kind: .rowlstm, layers: 2, hidden: 3), seed: 4).forward(pixels).logits
        let explicit = try PixelNetwork(config: ModelConfig(kind: .rowlstm, layers: 2, hidden: 3, residual: true, skip: false), seed: 4)
        XCTAssertEqual(explicit.forward(pixels).logits, paper)
        for v in variants {
            let net = try PixelNetwork(config: ModelConfig(kind: .rowlstm, layers: 2, hidden: 3, residual: v.residual, skip: v.skip), seed: 4)
            XCTAssertGreaterThan(zip(net.forward(pixels).logits.data, paper.data).map { abs($0 - $1) }.max()!, 1e-4, "\(v)")
        }
    }

    /// The incremental sampler follows the connections: with every fast path off it draws the
    /// reference sampler's images, for every kind and variant.
    func testIncrementalSamplingFollowsTheConnections() throws {
        try withComputePath(fast: false) {
            for kind in ModelKind.allCases {
                for v in variants {
                    let net = try PixelNetwork(config: ModelConfig(kind: kind, layers: 2, hidden: 3, residual: v.residual, skip: v.skip), seed: 7)
                    let reference = try Sampler.sample(network: net, count: 2, height: 5, width: 5, seed: 8, method: .reference)
                    let incremental = try Sampler.sample(network: net, count: 2, height: 5, width: 5, seed: 8, method: .incremental)
                    XCTAssertEqual(incremental, reference, "\(kind) \(v)")
                }
            }
        }
    }

    /// `ResidualStreamNorms` measures x_l and F_l(x_l) of the forward pass: with residual
    /// connections x_{l+1} = x_l + F_l(x_l), without them x_{l+1} = F_l(x_l).
    func testResidualStreamNorms() throws {
        var rng = SeededGenerator(seed: 2)
        let pixels = Tensor(shape: [2, 1, 5, 5], data: (0..<50).map { _ in rng.nextUniform() < 0.5 ? 1 : 0 })
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 3, hidden: 2), seed: 1)
        let norms = try ResidualStreamNorms.measure(stack: net, pixels: pixels)
        let pass = net.forward(pixels)
        func rms(_ t: Tensor) -> Double { (t.data.map { Double($0) * Double($0) }.reduce(0, +) / Double(t.count)).squareRoot() }
        XCTAssertEqual(norms.stream.count, 4)
        XCTAssertEqual(norms.added.count, 3)
        for l in 0..<3 {
            XCTAssertEqual(norms.added[l], rms(pass.blockPasses[l].residual), accuracy: 1e-9)
            XCTAssertEqual(norms.stream[l + 1], rms(pass.streams[l] + pass.blockPasses[l].residual), accuracy: 1e-6)
        }
        // Through the stack, exactly the forward pass's stream and residuals.
        XCTAssertEqual(norms.stream, pass.streams.map(ResidualStreamNorms.rms))
        XCTAssertEqual(norms.added, pass.blockPasses.map { ResidualStreamNorms.rms($0.residual) })
        XCTAssertThrowsError(try ResidualStreamNorms.measure(stack: net, pixels: pixels, shouldStop: { true })) {
            XCTAssertEqual($0 as? Stopped, Stopped(done: 0, of: 3, "blocks"))
        }
        let plain = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 3, hidden: 2, residual: false), seed: 1)
        let n = try ResidualStreamNorms.measure(stack: plain, pixels: pixels)
        XCTAssertEqual(n.stream, plain.forward(pixels).streams.map(ResidualStreamNorms.rms))
        XCTAssertEqual(Array(n.stream.dropFirst()), n.added, "without residual connections the stream is F")
    }

    /// Checkpoints keep the connections; a file without the keys has today's default; a bad value is refused.
    func testCheckpointMetadata() throws {
        let config = ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2, residual: false, skip: true)
        var metadata = Checkpoint.metadata(for: config)
        XCTAssertEqual([metadata["residual"], metadata["skip"]], ["off", "on"])
        XCTAssertEqual(try Checkpoint.config(fromMetadata: metadata, file: "f"), config)
        metadata["residual"] = nil
        metadata["skip"] = nil
        let old = try Checkpoint.config(fromMetadata: metadata, file: "f")
        XCTAssertEqual([old.residual, old.skip], [true, false])
        XCTAssertNil(Checkpoint.metadata(for: old)["residual"], "the default writes no key: old files and new ones agree")
        metadata["skip"] = "yes"
        XCTAssertThrowsError(try Checkpoint.config(fromMetadata: metadata, file: "f")) { XCTAssertTrue("\($0)".contains("expected on or off"), "\($0)") }
    }
}
