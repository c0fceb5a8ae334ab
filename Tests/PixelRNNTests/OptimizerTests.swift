import XCTest
@testable import PixelRNN

/// Adam and RMSProp against torch.optim (Fixtures/make_optimizer_golden.py), masks,
/// clipping, and exported state.
final class OptimizerTests: XCTestCase {
    private func startingParameters(_ g: GoldenFixture) -> [(String, Parameter)] {
        [("a", Parameter(g["start.a"])), ("b", Parameter(g["start.b"]))]
    }

    /// Five steps with the fixture's gradients; values compared after every step.
    private func checkAgainstPyTorch(_ run: String, _ optimizer: Optimizer, clip: Float? = nil) throws {
        let g = try GoldenFixture("optimizer_golden")
        let parameters = startingParameters(g)
        for t in 1...5 {
            for (name, p) in parameters { p.grad = g["grad.\(name).\(t)"] }
            if let clip {
                let norm = GradientClipping.clip(parameters, maxNorm: clip)
                XCTAssertEqual(norm, g["clipnorm.\(t)"].data[0], accuracy: 1e-6 * norm, "norm before clipping, step \(t)")
            }
            optimizer.step(parameters: parameters)
            for (name, p) in parameters {
                assertClose(p.value, g["\(run).\(name).\(t)"], tolerance: 1e-6, "\(run) step \(t) parameter \(name)")
            }
        }
        XCTAssertEqual(optimizer.stepCount, 5)
    }

    func testAdamMatchesTorchOptim() throws {
        try checkAgainstPyTorch("adam", Adam(learningRate: 1e-2))
    }

    func testRMSPropMatchesTorchOptim() throws {
        try checkAgainstPyTorch("rmsprop", RMSProp(learningRate: 1e-2))
    }

    func testAdamWithClippingMatchesTorch() throws {
        try checkAgainstPyTorch("adamclip", Adam(learningRate: 1e-2), clip: 0.5)
    }

    func testDefaultsArePyTorchs() {
        let adam = Adam()
        XCTAssertEqual([adam.learningRate, adam.beta1, adam.beta2, adam.epsilon], [1e-3, 0.9, 0.999, 1e-8])
        let rms = RMSProp()
        XCTAssertEqual([rms.learningRate, rms.alpha, rms.epsilon], [1e-2, 0.99, 1e-8])
    }

    func testClippingBelowTheLimitChangesNothing() {
        let p = Parameter(Tensor(zeros: [2]))
        p.grad = Tensor(shape: [2], data: [3, 4])
        XCTAssertEqual(GradientClipping.clip([("p", p)], maxNorm: 10), 5)
        XCTAssertEqual(p.grad.data, [3, 4])
        XCTAssertEqual(GradientClipping.clip([("p", p)], maxNorm: 1), 5)
        XCTAssertEqual(GradientClipping.globalNorm([("p", p)]), 1, accuracy: 1e-6)
    }

    /// The gradient is masked inside `step`: even a gradient that is (wrongly) non-zero
    /// at masked entries leaves them, and their moments, exactly zero.
    func testMaskedEntriesStayExactlyZero() {
        for kind in OptimizerKind.allCases {
            let mask = Tensor(shape: [2, 3], data: [1, 0, 1, 0, 1, 0])
            let p = Parameter(Tensor(shape: [2, 3], data: [0.5, 0, -0.25, 0, 1, 0]), mask: mask)
            let optimizer = makeOptimizer(kind, learningRate: 0.1)
            for t in 0..<10 {
                p.grad = Tensor(shape: [2, 3], data: (0..<6).map { Float($0 - 2) * Float(t + 1) + 0.5 })
                optimizer.step(parameters: [("w", p)])
            }
            for i in [1, 3, 5] {
                XCTAssertEqual(p.value.data[i].bitPattern, 0, "\(kind): masked entry \(i) is \(p.value.data[i])")
                for (name, moment) in optimizer.state() where name != OptimizerStateNames.step {
                    XCTAssertEqual(moment.data[i], 0, "\(kind): \(name)[\(i)]")
                }
            }
            XCTAssertNotEqual(p.value.data[0], 0.5, "\(kind): unmasked entries move")
        }
    }

    /// Export after 3 steps, load into a new optimizer, 2 more steps: bitwise the same.
    func testExportedStateContinuesExactly() throws {
        for kind in OptimizerKind.allCases {
            let grads = (0..<5).map { t in Tensor(shape: [3], data: [Float(t) - 1.5, 0.25 * Float(t), 2]) }
            let p1 = Parameter(Tensor(shape: [3], data: [1, -2, 3]))
            let straight = makeOptimizer(kind, learningRate: 0.05)
            for t in 0..<3 { p1.grad = grads[t]; straight.step(parameters: [("w", p1)]) }
            let saved = straight.state()
            XCTAssertEqual(Set(saved.keys), kind == .adam
                ? ["optimizer.step", "optimizer.exp_avg.w", "optimizer.exp_avg_sq.w"]
                : ["optimizer.step", "optimizer.square_avg.w"])
            let p2 = Parameter(p1.value)
            let resumed = makeOptimizer(kind, learningRate: 0.05)
            try resumed.load(state: saved, matching: [("w", p2)])
            XCTAssertEqual(resumed.stepCount, 3)
            for t in 3..<5 {
                p1.grad = grads[t]; straight.step(parameters: [("w", p1)])
                p2.grad = grads[t]; resumed.step(parameters: [("w", p2)])
            }
            XCTAssertEqual(p1.value.data.map(\.bitPattern), p2.value.data.map(\.bitPattern), "\(kind)")
        }
    }

    func testMalformedStateIsRejectedClearly() {
        let w = [("w", Parameter(Tensor(zeros: [3])))]
        let good = ["optimizer.step": Tensor(shape: [1], data: [2]),
                    "optimizer.exp_avg.w": Tensor(zeros: [3]), "optimizer.exp_avg_sq.w": Tensor(zeros: [3])]
        XCTAssertNoThrow(try Adam().load(state: good, matching: w))
        let cases: [([String: Tensor], String)] = [
            (good.filter { $0.key != "optimizer.step" }, "optimizer.step"),
            (good.merging(["optimizer.step": Tensor(shape: [1], data: [1.5])]) { $1 }, "whole number"),
            (good.merging(["optimizer.exp_avg.w": Tensor(zeros: [4])]) { $1 }, "shape"),
            (good.merging(["optimizer.exp_avg.v": Tensor(zeros: [3])]) { $1 }, "not a moment"),
            (good.filter { $0.key != "optimizer.exp_avg_sq.w" }, "different parameters"),
        ]
        for (state, words) in cases {
            XCTAssertThrowsError(try Adam().load(state: state, matching: w)) { error in
                XCTAssertTrue("\(error)".contains(words), "\(error) should mention '\(words)'")
            }
        }
        XCTAssertThrowsError(try RMSProp().load(state: good)) { XCTAssertTrue("\($0)".contains("unexpected entry")) }
    }

    func testPermutationIsSeededAndComplete() {
        var a = SeededGenerator(seed: 5, stream: 1), b = SeededGenerator(seed: 5, stream: 1)
        let p = a.permutation(50)
        XCTAssertEqual(p, b.permutation(50))
        XCTAssertEqual(p.sorted(), Array(0..<50))
        var c = SeededGenerator(seed: 5, stream: 2)
        XCTAssertNotEqual(p, c.permutation(50))
    }
}
