import XCTest
@testable import PixelRNN

/// The multi-scale PixelRNN's upsampling network: shapes for factors 2, 3, 4 and its backward
/// against finite differences (every parameter and the small image), on both compute paths.
final class UpsamplerTests: XCTestCase {
    func testOutputHasTheFullImagesSizeForEveryFactor() {
        for (factor, height, width) in [(2, 28, 28), (3, 28, 28), (4, 9, 6), (2, 7, 5)] {
            let up = Upsampler(factor: factor, colors: 1, channels: 3, seed: 1)
            let small = Tensor(zeros: [2, 1, (height + factor - 1) / factor, (width + factor - 1) / factor])
            let pass = up.forward(small, height: height, width: width)
            XCTAssertEqual(pass.output.shape, [2, 3, height, width], "factor \(factor), \(height)×\(width)")
            XCTAssertGreaterThanOrEqual(pass.reluTransposed.shape[2], height)
        }
    }

    /// Each output pixel depends on small pixels on every side of it (nothing is masked).
    func testTheMapReadsSmallPixelsAfterTheCurrentPosition() {
        let up = Upsampler(factor: 2, colors: 1, channels: 4, seed: 5)
        let small = randomTensor([1, 1, 4, 4], seed: 6, scale: 1)
        let base = up.forward(small, height: 8, width: 8).output
        var changed = small
        changed[0, 0, 3, 3] += 1                     // the last small pixel: pixel (6, 6) of the full image
        let after = up.forward(changed, height: 8, width: 8).output
        XCTAssertNotEqual(base.channels(0..<4).data[0 * 64 + 5 * 8 + 5], after.channels(0..<4).data[0 * 64 + 5 * 8 + 5],
                          "position (5, 5) sees the small pixel at full-image (6, 6)")
    }

    func testFiniteDifferences() {
        for fast in [false, true] {
            withComputePath(fast: fast) {
                for (factor, height, width) in [(2, 6, 5), (3, 7, 7)] {
                    let up = Upsampler(factor: factor, colors: 1, channels: 3, seed: 21)
                    // A bias that moves the transposed layer's outputs off its ReLU's kink: at
                    // the initial one, every output whose inputs are all zero sits at b ≈ 0.
                    up.transposed.bias.value = Tensor(shape: [3], data: [0.3, -0.2, 0.25])
                    var small = randomTensor([2, 1, (height + factor - 1) / factor, (width + factor - 1) / factor], seed: 22)
                    let r = randomTensor([2, 3, height, width], seed: 23)
                    let loss = { weightedSum(up.forward(small, height: height, width: width).output, r) }
                    for (_, p) in up.namedParameters { p.zeroGrad() }
                    let dSmall = up.backward(up.forward(small, height: height, width: width), outputGradient: r)
                    let what = "\(fast ? "fast" : "plain") factor \(factor)"
                    checkFiniteDifferencesAcrossKinks(count: small.count, analytic: { dSmall.data[$0] }, get: { small.data[$0] },
                                           set: { small.data[$0] = $1 }, loss: loss, "\(what) ∂x_small")
                    for (name, p) in up.namedParameters {
                        checkFiniteDifferencesAcrossKinks(count: p.value.count, analytic: { p.grad.data[$0] }, get: { p.value.data[$0] },
                                               set: { p.value.data[$0] = $1 }, loss: loss, samples: 12,
                                               "\(what) ∂\(name)")
                    }
                }
            }
        }
    }
}
