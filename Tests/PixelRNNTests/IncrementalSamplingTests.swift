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
        try ComputePath.with(.plain, body)
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
        try assertTracesAgree(reference: reference, fast: fast, tolerance: tolerance, file: file, line: line)
    }

    /// Two traces of the same start, keep mask and seed, run to the end side by side: at every
    /// draw the logits agree within `tolerance` (0: bit for bit), and the images are equal.
    static func assertTracesAgree(reference: SampleTrace, fast: SampleTrace, tolerance: Float,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let keep = reference.keep
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

/// The incremental sampling cases the recurrent models share, for one `ModelKind`: each
/// model's test class calls these from thin test methods (and adds its own shapes and its
/// model-specific cases).
struct IncrementalSamplingCases {
    private typealias Check = IncrementalSamplingCheck
    let kind: ModelKind

    func config(layers: Int, hidden: Int = 4, colors: Int = 1, levels: Int = 2) -> ModelConfig {
        ModelConfig(kind: kind, layers: layers, hidden: hidden, colors: colors, levels: levels)
    }

    /// `layers` layers, 8×8, on the plain paths: bit for bit.
    func assertLayersEqualReferenceExactly(_ layers: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let net = try Check.network(config(layers: layers))
        try Check.onPlainPaths { try Check.assertSteppersAgree(net, count: 3, height: 8, width: 8, file: file, line: line) }
    }

    /// Two layers of 3, seed 7, two images of each (height, width), on the plain paths: bit for bit.
    func assertShapesEqualReferenceExactly(_ shapes: [(height: Int, width: Int)],
                                           file: StaticString = #filePath, line: UInt = #line) throws {
        let net = try Check.network(config(layers: 2, hidden: 3), seed: 7)
        try Check.onPlainPaths {
            for (height, width) in shapes {
                try Check.assertSteppersAgree(net, count: 2, height: height, width: width, file: file, line: line)
            }
        }
    }

    /// Completion: given pixels skip draws, so stretches of positions are computed in one go;
    /// the given pixels stay.
    func assertCompletionEqualsReferenceExactly(file: StaticString = #filePath, line: UInt = #line) throws {
        let net = try Check.network(config(layers: 2))
        let (start, keep) = Check.completionInput(count: 2, height: 8, width: 8, seed: 8)
        try Check.onPlainPaths {
            try Check.assertSteppersAgree(net, count: 2, height: 8, width: 8, start: start, keep: keep, file: file, line: line)
        }
        let done = try Sampler.complete(network: net, images: start, keep: keep, samplesPerImage: 1, seed: 2)
        for i in 0..<start.count where keep.data[i] == 1 { XCTAssertEqual(done.data[i], start.data[i], file: file, line: line) }
    }

    /// Three colours: each position is visited once per colour, its input more final each time.
    func assertColoursEqualReferenceExactly(file: StaticString = #filePath, line: UInt = #line) throws {
        let net = try Check.network(config(layers: 2, hidden: 3, colors: 3, levels: 256))
        try Check.onPlainPaths { try Check.assertSteppersAgree(net, count: 2, height: 4, width: 5, file: file, line: line) }
    }

    /// The default paths: logits within 1e-5 at every draw, and the same images.
    func assertFastPathsAgreeWithReference(file: StaticString = #filePath, line: UInt = #line) throws {
        for layers in [1, 2] {
            let net = try Check.network(config(layers: layers))
            try Check.assertSteppersAgree(net, count: 3, height: 8, width: 8, tolerance: 1e-5, file: file, line: line)
        }
        let net = try Check.network(config(layers: 2))
        let (start, keep) = Check.completionInput(count: 2, height: 8, width: 8, seed: 9)
        try Check.assertSteppersAgree(net, count: 2, height: 8, width: 8, tolerance: 1e-5, start: start, keep: keep,
                                      file: file, line: line)
    }

    /// `Sampler` takes the incremental path by itself, with the same images as the reference.
    func assertSamplerUsesTheIncrementalPath(file: StaticString = #filePath, line: UInt = #line) throws {
        let net = try Check.network(config(layers: 2))
        XCTAssertTrue(Sampler.hasIncrementalPath(net), file: file, line: line)
        let automatic = try Sampler.sample(network: net, count: 2, height: 7, width: 7, seed: 5)
        XCTAssertEqual(automatic, try Sampler.sample(network: net, count: 2, height: 7, width: 7, seed: 5, method: .reference),
                       file: file, line: line)
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
