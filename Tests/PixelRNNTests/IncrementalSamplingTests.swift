import XCTest
@testable import PixelRNN

/// What the incremental sampling tests of every model share: a network whose images are
/// far from noise, the switch to the plain paths, and the two comparisons with the
/// reference sampler (a full forward pass per pixel).
enum IncrementalSamplingCheck {
    /// A network with larger biases than the initialisation's, so the images are not uniform noise.
    static func network(_ config: ModelConfig, seed: UInt64 = 3) throws -> PixelNetwork {
        let net = try PixelNetwork(config: config, seed: seed)
        var rng = SeededGenerator(seed: seed)
        for (_, p) in net.namedParameters where p.value.rank == 1 {
            for i in 0..<p.value.count { p.value.data[i] += rng.nextUniform(-1, 1) }
        }
        return net
    }

    /// Runs `body` with every fast path off: the plain loops, whose sums the incremental
    /// steps repeat term by term.
    static func onPlainPaths(_ body: () throws -> Void) rethrows {
        let saved = (Conv2d.useFastPath, RowConv1d.useFastPath, RowLSTMBlock.useFastPath, DiagonalLSTM.useFastPath)
        (Conv2d.useFastPath, RowConv1d.useFastPath, RowLSTMBlock.useFastPath, DiagonalLSTM.useFastPath) = (false, false, false, false)
        defer { (Conv2d.useFastPath, RowConv1d.useFastPath, RowLSTMBlock.useFastPath, DiagonalLSTM.useFastPath) = saved }
        try body()
    }

    /// A random completion: binary images and a keep mask with the top rows and scattered pixels given.
    static func completionInput(count: Int, height: Int, width: Int, seed: UInt64) -> (start: Tensor, keep: Tensor) {
        var start = Tensor(zeros: [count, 1, height, width])
        var keep = start
        var rng = SeededGenerator(seed: seed)
        let perImage = height * width
        for i in 0..<start.count {
            start.data[i] = rng.nextUniform() < 0.4 ? 1 : 0
            keep.data[i] = (i % perImage) < 2 * width + 3 || i % 5 == 0 ? 1 : 0
        }
        return (start, keep)
    }

    /// Two traces with the same seed, the reference and the incremental stepper: at every
    /// draw the logits agree within `tolerance` (0: bit for bit), and the images are equal.
    static func assertSteppersAgree(_ net: PixelNetwork, count: Int, height: Int, width: Int, tolerance: Float = 0,
                                    start: Tensor? = nil, keep: Tensor? = nil, seed: UInt64 = 21,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let begin = start ?? Tensor(zeros: [count, net.config.colors, height, width])
        let reference = SampleTrace(stepper: ReferenceStepper(network: net), start: begin, keep: keep,
                                    levels: net.config.levels, seed: seed)
        let fast = SampleTrace(stepper: try IncrementalStepper(network: net, batch: count, height: height, width: width),
                               start: begin, keep: keep, levels: net.config.levels, seed: seed)
        var worst: Float = 0
        while let expected = reference.nextLogits() {
            let index = reference.next!
            XCTAssertEqual(fast.next, index, file: file, line: line)
            let got = try XCTUnwrap(fast.nextLogits(), file: file, line: line)
            if tolerance == 0 {
                XCTAssertEqual(got.data, expected.data, "logits at \(index)", file: file, line: line)
            } else {
                for (a, b) in zip(got.data, expected.data) { worst = max(worst, abs(a - b)) }
            }
            let (a, b) = (try XCTUnwrap(fast.step(), file: file, line: line), try XCTUnwrap(reference.step(), file: file, line: line))
            XCTAssertEqual(a.values, b.values, "draw at \(index)", file: file, line: line)
            XCTAssertEqual(a.given, b.given, file: file, line: line)
            if tolerance == 0 { XCTAssertEqual(a.probabilities, b.probabilities, file: file, line: line) }
        }
        XCTAssertLessThanOrEqual(worst, tolerance, "largest logit difference", file: file, line: line)
        XCTAssertTrue(fast.isFinished, file: file, line: line)
        XCTAssertEqual(fast.image, reference.image, file: file, line: line)
        let drawn = keep.map { k in zip(fast.image.data, k.data).filter { $0.1 == 0 }.map(\.0) } ?? fast.image.data
        XCTAssertGreaterThan(Set(drawn).count, 1, "the drawn pixels are not all alike", file: file, line: line)
    }
}

/// Every model samples on the incremental path.
final class IncrementalSamplingTests: XCTestCase {
    func testEveryModelHasAnIncrementalPath() throws {
        for kind in ModelKind.allCases {
            let net = try PixelNetwork(config: ModelConfig(kind: kind, layers: 2, hidden: 2))
            XCTAssertTrue(Sampler.hasIncrementalPath(net), "\(kind)")
            XCTAssertNoThrow(try IncrementalStepper(network: net, batch: 1, height: 3, width: 3), "\(kind)")
        }
    }
}
