import XCTest
@testable import PixelRNN

/// `CausalityCheck` on the multi-scale PixelRNN: the allowed set of a prediction outside the
/// small image is the pixels before it and the whole small image; of a small-image pixel, the
/// pixels before it. The model passes for every base; the test-only leaking variant (its
/// conditional network sees the pixel it predicts) is caught; the single-scale rule would
/// call the real model leaky (the small image's later pixels are seen).
final class MultiScaleCausalityCheckTests: XCTestCase {
    func testTheModelIsCausalAndSeesLaterSmallPixels() throws {
        for base in ModelKinds.table.map(\.kind) {
            let net = try MultiScaleNetwork(config: MultiScaleNetworkTests.config(base, layers: 2), seed: 4)
            let check = try CausalityCheck.run(model: net, height: 6, width: 5)
            XCTAssertTrue(check.isCausal, "\(base): \(check.leaks.prefix(3))")
            let given = try XCTUnwrap(check.givenPixels)
            XCTAssertEqual(given, (0..<30).map { ($0 / 5) % 2 == 0 && ($0 % 5) % 2 == 0 })
            // Outputs outside the small image see small pixels after them (allowed), which the raster rule forbids.
            let laterSmall = (0..<30).flatMap { p in (0..<30).map { (p, $0) } }.filter { p, k in k > p && check.seen[p * 30 + k] }
            XCTAssertFalse(laterSmall.isEmpty, "\(base): the conditional network reads later small pixels")
            XCTAssertTrue(laterSmall.allSatisfy { p, k in given[k] && !given[p] }, "\(base): and nothing else after it")
            XCTAssertTrue(laterSmall.allSatisfy { check.mayDepend(output: $0.0, input: $0.1) })
            // A small pixel's prediction never sees a later pixel.
            XCTAssertFalse(check.mayDepend(output: 0, input: 2))
            XCTAssertTrue(check.mayDepend(output: 1, input: 2))
            XCTAssertFalse(check.mayDepend(output: 1, input: 3))
        }
    }

    func testTheLeakingVariantIsCaught() throws {
        for base in ModelKinds.table.map(\.kind) {
            let leaking = try MultiScaleNetwork(config: MultiScaleNetworkTests.config(base, layers: 2), seed: 4, conditionalInputMask: .B)
            let check = try CausalityCheck.run(model: leaking, height: 6, width: 5)
            XCTAssertFalse(check.isCausal, "\(base)")
            let given = try XCTUnwrap(check.givenPixels)
            XCTAssertTrue(check.leaks.allSatisfy { !given[$0.outputPixel] }, "\(base): the small network does not leak")
            XCTAssertTrue(check.leaks.contains { $0.outputPixel == $0.inputPixel }, "\(base): a pixel sees itself")
        }
    }

    func testASingleScaleModelHasNoGivenPixels() throws {
        let check = try CausalityCheck.run(model: PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2)), height: 4, width: 4)
        XCTAssertNil(check.givenPixels)
        XCTAssertFalse(check.mayDepend(output: 5, input: 6))
        XCTAssertTrue(check.mayDepend(output: 6, input: 5))
    }
}
