import Foundation
import XCTest
@testable import PixelRNN

/// ReLU, σ and tanh, and ReLU's backward.
final class ActivationTests: XCTestCase {
    func testValues() {
        let x = Tensor(shape: [1, 1, 1, 5], data: [-2, -0.5, 0, 0.5, 3])
        XCTAssertEqual(Activation.relu(x).data, [0, 0, 0, 0.5, 3])
        XCTAssertEqual(Activation.sigmoid(Tensor(shape: [1], data: [0])).data, [0.5])
        XCTAssertEqual(Activation.sigmoid(-100), 0, accuracy: 1e-30)
        XCTAssertEqual(Activation.sigmoid(100), 1)
        XCTAssertFalse(Activation.sigmoid(-1000).isNaN)
        for v: Float in [-3, -0.2, 0.7, 4] {
            XCTAssertEqual(Activation.sigmoid(v), 1 / (1 + expf(-v)), accuracy: 1e-6)
            XCTAssertEqual(Activation.tanh(Tensor(shape: [1], data: [v])).data[0], tanhf(v))
        }
    }

    /// ∂ReLU passes the gradient where x > 0 and blocks it elsewhere (0 at x = 0, as PyTorch).
    func testReLUBackward() {
        let x = Tensor(shape: [1, 1, 1, 4], data: [-1, 0, 2, 0.1])
        let dy = Tensor(shape: [1, 1, 1, 4], data: [5, 6, 7, 8])
        XCTAssertEqual(Activation.reluBackward(input: x, outputGradient: dy).data, [0, 0, 7, 8])
    }

    /// Finite differences, away from the kink at 0.
    func testReLUGradientMatchesFiniteDifferences() {
        var x = randomTensor([2, 3, 4, 5], seed: 11)
        for i in 0..<x.count where abs(x.data[i]) < 0.05 { x.data[i] = 0.3 }
        let r = randomTensor(x.shape, seed: 12)
        let dx = Activation.reluBackward(input: x, outputGradient: r)
        checkFiniteDifferences(count: x.count, analytic: { dx.data[$0] },
                               get: { x.data[$0] }, set: { x.data[$0] = $1 },
                               loss: { weightedSum(Activation.relu(x), r) },
                               samples: 120, tolerance: 1e-4, "ReLU")
    }
}

/// The fast path's σ and tanh agree with the C library to a few ulp, edge values included.
final class VectorisedActivationTests: XCTestCase {
    func testSigmoidAndTanhAgreeWithLibm() {
        var rng = SeededGenerator(seed: 1)
        var xs: [Float] = (0..<20_000).map { _ in rng.nextUniform(-12, 12) * rng.nextUniform() }
        xs += [0, -0.0, 1e-30, -1e-30, 1e-6, 0.624, 0.625, 0.626, -0.625, 9, -9, 20, -20, 87, -87, 88, -88, 100, -100, 1e30, -1e30]
        var s = [Float](repeating: 0, count: xs.count), t = s
        Activation.sigmoid(xs, into: &s, count: xs.count)
        Activation.tanh(xs, into: &t, count: xs.count)
        for (k, x) in xs.enumerated() {
            let sigma = 1 / (1 + Foundation.exp(-Double(x))), th = Foundation.tanh(Double(x))
            XCTAssertLessThanOrEqual(abs(Double(s[k]) - sigma), 3 * Double(Float(sigma).ulp) + 1e-40, "σ(\(x)) = \(s[k])")
            XCTAssertLessThanOrEqual(abs(Double(t[k]) - th), 3 * Double(Float(th).ulp) + 1e-40, "tanh(\(x)) = \(t[k])")
        }
        var nan: [Float] = [.nan]
        Activation.tanh(nan, into: &nan, count: 1)
        XCTAssertTrue(nan[0].isNaN)
        // Saturation is exact at the extremes.
        let extremes: [Float] = [-1e30, -100, 100, 1e30, .infinity, -.infinity]
        var ys = extremes
        Activation.tanh(extremes, into: &ys, count: ys.count)
        XCTAssertEqual(ys, extremes.map { $0 > 0 ? 1 : -1 })
        Activation.sigmoid(extremes, into: &ys, count: ys.count)
        XCTAssertEqual(ys, extremes.map { $0 > 0 ? 1 : 0 })
    }

    /// In place (y = x: a loop of its own, so that it vectorises) gives what a separate output gives.
    func testInPlaceEqualsSeparateOutput() {
        var rng = SeededGenerator(seed: 2)
        let xs: [Float] = (0..<1_003).map { _ in rng.nextUniform(-9, 9) }
        for f in [Activation.sigmoid(_:into:count:), Activation.tanh(_:into:count:)] {
            var separate = [Float](repeating: 0, count: xs.count)
            f(xs, &separate, xs.count)
            var inPlace = xs
            inPlace.withUnsafeMutableBufferPointer { f(UnsafePointer($0.baseAddress!), $0.baseAddress!, $0.count) }
            XCTAssertEqual(inPlace, separate)
            XCTAssertNotEqual(inPlace, xs)
        }
    }
}
