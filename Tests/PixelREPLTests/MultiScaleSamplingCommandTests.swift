import Foundation
import XCTest
@testable import PixelREPL
@testable import PixelRNN

/// `complete` and `trace sample` on a multi-scale model: the small image first (its given
/// pixels kept), then the rest given it; in the trace, the small image pixel by pixel, then the
/// rest, ending with `sample`'s image.
final class MultiScaleSamplingCommandTests: ShellTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        run("data load")
    }

    func testCompleteDrawsTheSmallImageFirst() throws {
        run("model new multiscale --base rowlstm --layers 1 --hidden 3 --small-layers 1 --small-hidden 2")
        let said = run("complete --images 2 --samples 2")
        XCTAssertTrue(said.contains("occluded: the bottom half (rows 14…27) — 392 of 784 pixels of each image"), "\(said)")
        XCTAssertTrue(said.contains { $0.hasPrefix("drew 392 pixels × 4 completions (2 images × 2) = 1568 pixels in ")
                                      && $0.contains("stage 1: the 98 hidden pixels of the small image (fast incremental path")
                                      && $0.contains("stage 2: the other 294 given the whole small image (fast incremental path") }, "\(said)")
        XCTAssertTrue(said.contains("given pixels changed in the completions: 0 — the 392 given pixels of each image are kept in every completion"), "\(said)")
        let png = folder.appendingPathComponent("complete-multiscale-bottom-half-seed0.png")
        let first = try Data(contentsOf: png)
        let box = run("complete --box 3,5,10,9 --images 1")     // rows 4…12 and columns 6…12 of it are small: 5 × 4
        XCTAssertTrue(box.contains { $0.contains("stage 1: the 20 hidden pixels of the small image (")
                                     && $0.contains("stage 2: the other 70 given the whole small image (") }, "\(box)")
        run("complete --images 2 --samples 2")
        XCTAssertEqual(try Data(contentsOf: png), first, "same seed, same completions")
    }

    /// With k = 8 the small image is 4×4: 16 draws, then stage 2 from pixel (0, 1).
    func testTraceSampleDrawsTheSmallImageThenTheRest() throws {
        run("model new multiscale --base pixelcnn --factor 8 --layers 1 --hidden 2 --small-layers 1 --small-hidden 2")
        let start = run("trace sample --seed 3")
        XCTAssertTrue(start[0].hasPrefix("tracing sampling one 28×28 image from Multi-Scale PixelRNN of PixelCNNs, factor 8"), start[0])
        XCTAssertTrue(start[1].hasPrefix("conditionals: stage 1 (the small image) by the fast incremental path"), start[1])
        XCTAssertTrue(start[1].contains("stage 2 (the rest) by the fast incremental path"), start[1])
        let first = run("step")
        XCTAssertTrue(first[0].hasPrefix("stage 1 (the small image): pixel (0, 0), 1 of 784: p(x = 1 | earlier small pixels) = "), first[0])
        XCTAssertTrue(run("step")[0].hasPrefix("stage 1 (the small image): pixel (0, 8), 2 of 784: "))
        XCTAssertTrue(run("where").contains("next: pixel (0, 16), draw 3 of 784 (stage 1: the small image first)"))
        for _ in 3...15 { run("step") }
        XCTAssertTrue(run("step")[0].hasPrefix("stage 1 (the small image): pixel (24, 24), 16 of 784: "))
        let rest = run("step")
        XCTAssertTrue(rest[0].hasPrefix("stage 2 (given the small image): pixel (0, 1), 17 of 784: p(x = 1 | x_<i, x_small) = "), rest[0])
        XCTAssertTrue(run("where").contains("next: pixel (0, 2), draw 18 of 784 (stage 2: the rest in raster order)"))
        let done = run("continue")
        XCTAssertEqual(done[0], "drew the remaining 767 of 784 pixels — the image is complete")
        let state = try XCTUnwrap(shell.session.trace as? SampleTraceState)
        let model = try XCTUnwrap(shell.session.model as? MultiScaleNetwork)
        XCTAssertEqual(state.trace.image, try MultiScaleSampler.sample(network: model, count: 1, height: 28, width: 28, seed: 3).full,
                       "the trace draws what 'sample 1 --seed 3' draws")
        XCTAssertTrue(done.contains { $0.hasPrefix("the model gives this sample NLL = ") }, "\(done)")
    }
}
