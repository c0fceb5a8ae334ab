import XCTest
@testable import PixelRNN

/// Two-stage sampling of the multi-scale PixelRNN, and its receptive field (the gradient that
/// reaches the input through both networks and the upsampler).
final class MultiScaleSamplingTests: XCTestCase {
    func testSamplingIsSeededAndKeepsTheSmallPixels() throws {
        for base in [ModelKind.pixelcnn, .rowlstm] {
            let net = try MultiScaleNetwork(config: MultiScaleNetworkTests.config(base), seed: 3)
            let a = try MultiScaleSampler.sample(network: net, count: 2, height: 6, width: 5, seed: 7)
            let b = try MultiScaleSampler.sample(network: net, count: 2, height: 6, width: 5, seed: 7)
            XCTAssertEqual(a.small, b.small)
            XCTAssertEqual(a.full, b.full)
            XCTAssertEqual(a.small.shape, [2, 1, 3, 3])
            XCTAssertEqual(a.full.shape, [2, 1, 6, 5])
            XCTAssertEqual(net.subsample(a.full), a.small, "\(base): the small pixels are kept exactly")
            XCTAssertTrue(a.full.data.allSatisfy { $0 == 0 || $0 == 1 })
            let c = try MultiScaleSampler.sample(network: net, count: 2, height: 6, width: 5, seed: 8)
            XCTAssertNotEqual(c.full, a.full)
            // Stage 2 on given small images keeps them and fills the rest the same way.
            let again = try MultiScaleSampler.complete(network: net, small: a.small, height: 6, width: 5,
                                                       seed: SeededGenerator.derivedSeed(7, stream: 2))
            XCTAssertEqual(again, a.full)
        }
    }

    /// The raster-order samplers refuse the model (they would read small pixels not drawn yet).
    func testTheRasterOrderSamplerRefusesIt() throws {
        let net = try MultiScaleNetwork(config: MultiScaleNetworkTests.config(.pixelcnn))
        XCTAssertThrowsError(try Sampler.sample(network: net, count: 1, height: 4, width: 4, seed: 0, method: .reference))
        XCTAssertThrowsError(try MultiScaleSampler.complete(network: net, small: Tensor(zeros: [1, 1, 3, 3]), height: 4, width: 4, seed: 0))
    }

    /// The field of a pixel outside the small image: its causal context and small pixels on
    /// every side of it, never a later pixel outside the small image.
    func testReceptiveFieldThroughTheUpsampler() throws {
        for stream in [nil, 1, 2] { try checkField(stream: stream) }
    }

    /// The field from the logits (nil) or from the conditional network's stream `stream`.
    private func checkField(stream: Int?) throws {
        let (h, w) = (6, 6)
        let net = try MultiScaleNetwork(config: MultiScaleNetworkTests.config(.rowlstm, layers: 2), seed: 9)
        let x = MultiScaleNetworkTests.binaryImages(1, h, w, seed: 4)
        let (row, col) = (1, 2)
        let g = try net.inputGradient(x, stream: stream, outputGradient: { shape in
            var t = Tensor(zeros: shape); t[0, 0, row, col] = 1; return t
        }, shouldStop: { false })
        var laterSmall = 0
        for r in 0..<h {
            for c in 0..<w where r * w + c >= row * w + col {
                if net.isSmallPixel(row: r, col: c) {
                    if g[0, 0, r, c] != 0 { laterSmall += 1 }
                } else {
                    XCTAssertEqual(g[0, 0, r, c], 0, "stream \(String(describing: stream)): pixel (\(r), \(c)) is after (\(row), \(col)) and not small")
                }
            }
        }
        XCTAssertGreaterThan(laterSmall, 0, "stream \(String(describing: stream)): the field reaches small pixels after the pixel")
    }
}
