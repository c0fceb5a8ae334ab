import XCTest
@testable import PixelRNN

/// Completion in the two stages (`MultiScaleSampler.complete(network:images:keep:…)`) and the
/// two-stage trace of sampling (`MultiScaleSampleTrace`).
final class MultiScaleCompletionTests: XCTestCase {
    private func network(_ base: ModelKind) throws -> MultiScaleNetwork {
        try MultiScaleIncrementalSamplingTests.network(base)
    }

    /// Given pixels kept exactly (those of the small image among them in the small completion
    /// too), the full completion's small pixels are the small completion, reproducible per seed.
    func testCompletionKeepsTheGivenPixels() throws {
        for base in ModelKinds.table.map(\.kind) {
            let net = try network(base)
            let images = MultiScaleNetworkTests.binaryImages(2, 8, 7, seed: 3)
            let keep = Occlusion.bottomHalf.keepMask(height: 8, width: 7)
            let a = try MultiScaleSampler.complete(network: net, images: images, keep: keep, samplesPerImage: 3, seed: 9)
            XCTAssertEqual(a.small.shape, [6, 1, 4, 4])
            XCTAssertEqual(a.full.shape, [6, 1, 8, 7])
            XCTAssertEqual(net.subsample(a.full), a.small, "\(base): the small pixels of the full completions")
            for k in 0..<6 {
                for r in 0..<4 {
                    for c in 0..<7 { XCTAssertEqual(a.full[k, 0, r, c], images[k / 3, 0, r, c], "\(base): given (\(r), \(c))") }
                }
            }
            let drawn = (0..<6).flatMap { k in (4..<8).flatMap { r in (0..<7).map { a.full[k, 0, r, $0] } } }
            XCTAssertEqual(Set(drawn).count, 2, "\(base): the hidden pixels are drawn, not all alike")
            XCTAssertNotEqual(Array(a.full.data[0..<56]), Array(a.full.data[56..<112]), "\(base): two completions of one image differ")
            let b = try MultiScaleSampler.complete(network: net, images: images, keep: keep, samplesPerImage: 3, seed: 9, method: .reference)
            XCTAssertEqual(a.small, b.small, "\(base): the reference path completes the same")
            XCTAssertEqual(a.full, b.full, "\(base)")
            XCTAssertNotEqual(try MultiScaleSampler.complete(network: net, images: images, keep: keep, samplesPerImage: 3, seed: 10).full, a.full)
        }
    }

    /// With nothing given, a completion is a sample: the same images for the same seed.
    func testCompletingNothingIsSampling() throws {
        let net = try network(.rowlstm)
        let images = MultiScaleNetworkTests.binaryImages(2, 6, 6, seed: 1)
        let completed = try MultiScaleSampler.complete(network: net, images: images, keep: Tensor(zeros: [1, 1, 6, 6]),
                                                       samplesPerImage: 1, seed: 4)
        let sampled = try MultiScaleSampler.sample(network: net, count: 2, height: 6, width: 6, seed: 4)
        XCTAssertEqual(completed.small, sampled.small)
        XCTAssertEqual(completed.full, sampled.full)
    }

    func testCompletionRefusesAKeepMaskOfTheWrongShape() throws {
        let net = try network(.pixelcnn)
        XCTAssertThrowsError(try MultiScaleSampler.complete(network: net, images: Tensor(zeros: [1, 1, 6, 6]),
                                                            keep: Tensor(zeros: [1, 1, 5, 6]), samplesPerImage: 1, seed: 0))
    }

    /// The trace draws the small image first (its pixels x[k·r, k·c] in raster order), then
    /// every other pixel in raster order, and ends with `sample`'s image for the same seed.
    func testTraceDrawsTheSmallImageFirst() throws {
        for base in ModelKinds.table.map(\.kind) {
            let net = try network(base)
            let trace = try MultiScaleSampleTrace(network: net, height: 7, width: 6, seed: 5)
            XCTAssertEqual(trace.totalSteps, 42)
            var order: [PixelIndex] = []
            var stages: [Int] = []
            while let next = trace.next {
                stages.append(trace.stage)
                let drawn = try XCTUnwrap(trace.step())
                XCTAssertEqual(drawn.index, next)
                XCTAssertEqual(drawn.given, [false], "every step draws")
                order.append(drawn.index)
            }
            XCTAssertTrue(trace.isFinished)
            XCTAssertEqual(trace.stepsDone, 42)
            XCTAssertNil(trace.step())
            let small = (0..<4).flatMap { r in (0..<3).map { PixelIndex(row: 2 * r, column: 2 * $0) } }
            let rest = (0..<7).flatMap { r in (0..<6).map { PixelIndex(row: r, column: $0) } }.filter { !net.isSmallPixel(row: $0.row, col: $0.column) }
            XCTAssertEqual(order, small + rest, "\(base)")
            XCTAssertEqual(stages, Array(repeating: 1, count: 12) + Array(repeating: 2, count: 30))
            let sampled = try MultiScaleSampler.sample(network: net, count: 1, height: 7, width: 6, seed: 5)
            XCTAssertEqual(trace.image, sampled.full, "\(base): the trace draws what sample draws")
        }
    }

    /// During stage 1 the image holds the small pixels drawn so far at their places, zeros elsewhere.
    func testTheImageDuringStageOne() throws {
        let net = try network(.pixelcnn)
        let trace = try MultiScaleSampleTrace(network: net, height: 6, width: 6, seed: 2)
        var drawn: [PixelIndex: Float] = [:]
        for _ in 0..<5 {
            let s = try XCTUnwrap(trace.step())
            drawn[s.index] = Float(s.values[0])
        }
        for r in 0..<6 {
            for c in 0..<6 { XCTAssertEqual(trace.image[0, 0, r, c], drawn[PixelIndex(row: r, column: c)] ?? 0, "(\(r), \(c))") }
        }
        XCTAssertNotNil(trace.nextProbabilities())
    }
}
