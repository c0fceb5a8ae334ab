import XCTest
@testable import PixelRNN

/// Sampling and completion: the incremental stepper equals the reference (a full forward
/// pass per pixel) exactly; seeds; kept pixels; the distribution drawn from.
final class SamplerTests: XCTestCase {
    /// A network with larger biases than the initialisation's (`IncrementalSamplingCheck`).
    private func network(_ config: ModelConfig, seed: UInt64 = 3) throws -> PixelNetwork {
        try IncrementalSamplingCheck.network(config, seed: seed)
    }

    /// Runs `body` on the plain paths, the ones the incremental stepper mirrors term by term.
    private func onPlainPath(_ body: () throws -> Void) rethrows { try IncrementalSamplingCheck.onPlainPaths(body) }

    /// Two traces with the same seed, one per stepper: every logit equal, every draw equal.
    private func assertSteppersAgree(_ net: PixelNetwork, count: Int, height: Int, width: Int, keep: Tensor? = nil,
                                     start: Tensor? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let begin = start ?? Tensor(zeros: [count, net.config.colors, height, width])
        let reference = SampleTrace(stepper: ReferenceStepper(network: net), start: begin, keep: keep,
                                    levels: net.config.levels, seed: 21)
        let fast = SampleTrace(stepper: try IncrementalStepper(network: net, batch: count, height: height, width: width),
                               start: begin, keep: keep, levels: net.config.levels, seed: 21)
        while let expected = reference.nextLogits() {
            let index = reference.next!
            XCTAssertEqual(fast.next, index, file: file, line: line)
            XCTAssertEqual(fast.nextLogits()?.data, expected.data, "logits at \(index)", file: file, line: line)
            XCTAssertEqual(fast.step(), reference.step(), file: file, line: line)
        }
        XCTAssertTrue(fast.isFinished)
        XCTAssertEqual(fast.image, reference.image, file: file, line: line)
        XCTAssertGreaterThan(fast.image.sum(), 0, "the images are not all zeros", file: file, line: line)
    }

    func testIncrementalEqualsReferenceExactlyBinary() throws {
        let net = try network(ModelConfig(kind: .pixelcnn, layers: 3, hidden: 4))
        try onPlainPath { try assertSteppersAgree(net, count: 3, height: 6, width: 7) }
    }

    func testIncrementalEqualsReferenceExactlyRGB256Levels() throws {
        let net = try network(ModelConfig(kind: .pixelcnn, layers: 1, hidden: 3, colors: 3, levels: 256))
        try onPlainPath { try assertSteppersAgree(net, count: 2, height: 3, width: 4) }
    }

    /// Completion skips given positions in bulk; the maps there must still come out right.
    func testIncrementalCompletionEqualsReference() throws {
        let net = try network(ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4))
        var start = Tensor(zeros: [2, 1, 6, 6])
        var keep = Tensor(zeros: [2, 1, 6, 6])
        var rng = SeededGenerator(seed: 8)
        for i in 0..<start.count {
            start.data[i] = rng.nextUniform() < 0.4 ? 1 : 0
            keep.data[i] = (i % 36) < 20 || i % 5 == 0 ? 1 : 0      // top rows given, and scattered pixels
        }
        try onPlainPath { try assertSteppersAgree(net, count: 2, height: 6, width: 6, keep: keep, start: start) }
    }

    /// On the default (fast, BLAS) convolution path the logits agree to rounding: the images are the same.
    func testFastPathSamplesEqualReferenceSamples() throws {
        let net = try network(ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4))
        let reference = try Sampler.sample(network: net, count: 2, height: 7, width: 7, seed: 5, method: .reference)
        let fast = try Sampler.sample(network: net, count: 2, height: 7, width: 7, seed: 5, method: .incremental)
        XCTAssertEqual(fast, reference)
    }

    func testSeedsFixTheImagesAndImagesAreIndependentOfTheBatch() throws {
        let net = try network(ModelConfig(kind: .pixelcnn, layers: 1, hidden: 4))
        let four = try Sampler.sample(network: net, count: 4, height: 8, width: 8, seed: 1)
        XCTAssertEqual(four.shape, [4, 1, 8, 8])
        XCTAssertEqual(four, try Sampler.sample(network: net, count: 4, height: 8, width: 8, seed: 1))
        XCTAssertNotEqual(four, try Sampler.sample(network: net, count: 4, height: 8, width: 8, seed: 2))
        let two = try Sampler.sample(network: net, count: 2, height: 8, width: 8, seed: 1)
        XCTAssertEqual(Array(four.data[0..<128]), two.data)
        XCTAssertNotEqual(four.item(0), four.item(1))
        XCTAssertTrue(four.data.allSatisfy { $0 == 0 || $0 == 1 })
    }

    /// The first pixel has no context: its frequency of 1s over many samples is σ(logit).
    func testFirstPixelIsDrawnFromItsDistribution() throws {
        let net = try network(ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2))
        let n = 4000
        let logit = net.forward(Tensor(zeros: [1, 1, 1, 1])).logits.data[0]
        let p = Double(Activation.sigmoid(logit))
        let images = try Sampler.sample(network: net, count: n, height: 1, width: 1, seed: 12)
        let frequency = Double(images.sum()) / Double(n)
        XCTAssertEqual(frequency, p, accuracy: 4 * (p * (1 - p) / Double(n)).squareRoot(), "σ(logit) = \(p)")
    }

    func testCompletionKeepsTheGivenPixelsAndDrawsTheRest() throws {
        let net = try network(ModelConfig(kind: .pixelcnn, layers: 1, hidden: 4))
        var images = Tensor(zeros: [2, 1, 6, 6])
        for i in 0..<images.count where i % 3 == 0 { images.data[i] = 1 }
        var keep = Tensor(zeros: [1, 1, 6, 6])                      // top half given, for every image
        for i in 0..<18 { keep.data[i] = 1 }
        let out = try Sampler.complete(network: net, images: images, keep: keep, samplesPerImage: 3, seed: 4)
        XCTAssertEqual(out.shape, [6, 1, 6, 6])
        for k in 0..<6 {
            XCTAssertEqual(Array(out.item(k).data[0..<18]), Array(images.item(k / 3).data[0..<18]), "completion \(k)")
        }
        XCTAssertNotEqual(out.item(0), out.item(1), "completions of one image differ")
        XCTAssertEqual(out, try Sampler.complete(network: net, images: images, keep: keep, samplesPerImage: 3, seed: 4))
    }

    func testOcclusionMasksAndTheCompletionTrace() throws {
        let bottom = Occlusion.bottomHalf.keepMask(height: 4, width: 3)
        XCTAssertEqual(bottom.shape, [1, 1, 4, 3])
        XCTAssertEqual(bottom.data, [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(Occlusion.rightHalf.keepMask(height: 2, width: 4).data, [1, 1, 0, 0, 1, 1, 0, 0])
        XCTAssertEqual(Occlusion.box(row: 1, column: 1, height: 1, width: 5).keepMask(height: 3, width: 3).data,
                       [1, 1, 1, 1, 0, 0, 1, 1, 1])
        let net = try network(ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2))
        let images = Tensor(repeating: 1, shape: [1, 1, 4, 3])
        let trace = try Sampler.completionTrace(network: net, images: images, keep: bottom, samplesPerImage: 2, seed: 6)
        XCTAssertEqual(trace.image.sum(), 12, "the occluded half starts at 0")
        let first = try XCTUnwrap(trace.step())
        XCTAssertEqual(first.given, [true, true])
        XCTAssertTrue(trace.run())
        XCTAssertEqual(trace.image, try Sampler.complete(network: net, images: images, keep: bottom, samplesPerImage: 2, seed: 6))
    }

    func testTraceStepsInRasterOrderAndExposesTheDistribution() throws {
        let net = try network(ModelConfig(kind: .pixelcnn, layers: 1, hidden: 3, colors: 3, levels: 256))
        let trace = try Sampler.trace(network: net, count: 2, height: 2, width: 2, seed: 0)
        XCTAssertEqual(trace.totalSteps, 12)
        var order: [PixelIndex] = []
        while let p = trace.nextProbabilities() {
            XCTAssertEqual(p.shape, [2, 256])
            for n in 0..<2 { XCTAssertEqual(Array(p.data[(n * 256)..<((n + 1) * 256)]).reduce(0, +), 1, accuracy: 1e-4) }
            let step = try XCTUnwrap(trace.step())
            order.append(step.index)
            for n in 0..<2 {
                XCTAssertEqual(Float(step.values[n]), trace.image[n, step.index.colour, step.index.row, step.index.column])
            }
        }
        XCTAssertEqual(order.map { [$0.row, $0.column, $0.colour] },
                       (0..<12).map { [$0 / 6, ($0 / 3) % 2, $0 % 3] })
        XCTAssertNil(trace.step())
    }

    func testDrawsInvertTheCumulativeDistribution() {
        XCTAssertEqual(PixelDistribution.draw(logits: [0], levels: 2, uniform: 0.49), 1)
        XCTAssertEqual(PixelDistribution.draw(logits: [0], levels: 2, uniform: 0.5), 0)
        var logits = [Float](repeating: -.infinity, count: 256)
        logits[7] = 0; logits[200] = 0
        XCTAssertEqual(PixelDistribution.draw(logits: logits[...], levels: 256, uniform: 0.3), 7)
        XCTAssertEqual(PixelDistribution.draw(logits: logits[...], levels: 256, uniform: 0.7), 200)
        XCTAssertEqual(PixelDistribution.draw(logits: logits[...], levels: 256, uniform: 0.9999999), 200)
        XCTAssertEqual(PixelDistribution.probabilities(logits: [0], levels: 2), [0.5, 0.5])
    }

    func testBadArgumentsAreClearErrors() throws {
        let net = try network(ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2))
        XCTAssertThrowsError(try Sampler.sample(network: net, count: 0, height: 4, width: 4, seed: 0)) {
            XCTAssertEqual("\($0)", "the number of samples must be at least 1, got 0")
        }
        let images = Tensor(zeros: [2, 1, 4, 4])
        XCTAssertThrowsError(try Sampler.complete(network: net, images: images, keep: Tensor(zeros: [1, 1, 4, 5]),
                                                  samplesPerImage: 1, seed: 0)) {
            XCTAssertEqual("\($0)", "the keep mask must be (2 or 1, 1 or 1, 4, 4), got [1, 1, 4, 5]")
        }
        XCTAssertThrowsError(try Sampler.sample(network: net, count: 1, height: 4, width: 4, seed: 0,
                                                shouldStop: { true })) {
            XCTAssertEqual("\($0)", "sampling stopped after 0 of 16 pixel draws")
        }
    }
}
