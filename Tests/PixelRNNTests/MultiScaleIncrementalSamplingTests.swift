import XCTest
@testable import PixelRNN

/// Stage 2 of the multi-scale PixelRNN sampled one position at a time (`ConditionalStageStepper`:
/// the bias maps computed once from the given small image, added in each block's incremental
/// state) equals the reference path (a full forward pass per pixel): bit for bit on the plain
/// paths, within 1e-5 and with the same images on the fast ones, for every base kind.
final class MultiScaleIncrementalSamplingTests: XCTestCase {
    /// A model with larger biases than the initialisation's (the bias maps' too), so the images
    /// are not uniform noise and the conditioning matters.
    static func network(_ base: ModelKind, layers: Int = 2, hidden: Int = 3, colors: Int = 1, levels: Int = 2,
                        seed: UInt64 = 5) throws -> MultiScaleNetwork {
        let config = ModelConfig.multiScale(MultiScaleSettings(base: base, smallLayers: 1, smallHidden: 3),
                                            layers: layers, hidden: hidden, colors: colors, levels: levels)
        let net = try MultiScaleNetwork(config: config, seed: seed)
        var rng = SeededGenerator(seed: seed)
        for (name, p) in net.namedParameters where p.value.rank == 1 || name.contains("bias_map") {
            for i in 0..<p.value.count { p.value.data[i] += rng.nextUniform(-1, 1) }
        }
        return net
    }

    /// Small images drawn by stage 1, placed in full images, and the keep mask of the small pixels.
    static func stageTwoStart(_ net: MultiScaleNetwork, count: Int, height: Int, width: Int) throws -> (start: Tensor, keep: Tensor) {
        let k = net.settings.factor
        let small = try Sampler.sample(network: net.small, count: count, height: (height + k - 1) / k,
                                       width: (width + k - 1) / k, seed: 11)
        let shape = [count, net.config.colors, height, width]
        var (start, keep) = (Tensor(zeros: shape), Tensor(zeros: shape))
        net.forEachSmallPixel(full: shape, small: small.shape) { full, s in (start.data[full], keep.data[full]) = (small.data[s], 1) }
        return (start, keep)
    }

    /// Two traces with the same seed, reference and incremental: the logits at every draw
    /// within `tolerance` (0: equal), the same draws, the same images (not all alike), the
    /// small pixels kept.
    private func assertStageTwoAgrees(_ net: MultiScaleNetwork, count: Int = 2, height: Int, width: Int, tolerance: Float,
                                      file: StaticString = #filePath, line: UInt = #line) throws {
        let (start, keep) = try Self.stageTwoStart(net, count: count, height: height, width: width)
        let levels = net.config.levels
        let reference = SampleTrace(stepper: ReferenceStepper(network: ConditionalStage(net)), start: start, keep: keep, levels: levels, seed: 3)
        let fast = SampleTrace(stepper: try ConditionalStageStepper(model: net, batch: count, height: height, width: width),
                               start: start, keep: keep, levels: levels, seed: 3)
        try IncrementalSamplingCheck.assertTracesAgree(reference: reference, fast: fast, tolerance: tolerance, file: file, line: line)
        XCTAssertEqual(net.subsample(fast.image), net.subsample(start), "the small pixels are kept", file: file, line: line)
    }

    func testPlainPathsEqualReferenceExactly() throws {
        for base in ModelKinds.table.map(\.kind) {
            let net = try Self.network(base)
            try ComputePath.with(.plain) {
                try assertStageTwoAgrees(net, height: 8, width: 8, tolerance: 0)
                try assertStageTwoAgrees(net, height: 7, width: 5, tolerance: 0)         // H, W not multiples of k
            }
        }
    }

    func testColoursEqualReferenceExactly() throws {
        for base in ModelKinds.table.map(\.kind) {
            let net = try Self.network(base, hidden: 3, colors: 3, levels: 4)
            try ComputePath.with(.plain) { try assertStageTwoAgrees(net, height: 4, width: 5, tolerance: 0) }
        }
    }

    func testFastPathsAgreeWithReference() throws {
        for base in ModelKinds.table.map(\.kind) {
            try assertStageTwoAgrees(try Self.network(base), height: 8, width: 8, tolerance: 1e-5)
        }
    }

    /// Without the bias maps the steps would differ: the test above could fail.
    func testTheConditioningChangesTheLogits() throws {
        for base in ModelKinds.table.map(\.kind) {
            let net = try Self.network(base)
            let (start, keep) = try Self.stageTwoStart(net, count: 2, height: 6, width: 6)
            let conditioned = SampleTrace(stepper: try ConditionalStageStepper(model: net, batch: 2, height: 6, width: 6),
                                          start: start, keep: keep, levels: 2, seed: 3)
            let bare = SampleTrace(stepper: try IncrementalStepper(network: net.conditional.network, batch: 2, height: 6, width: 6),
                                   start: start, keep: keep, levels: 2, seed: 3)
            XCTAssertNotEqual(conditioned.nextLogits(), bare.nextLogits(), "\(base)")
        }
    }

    /// `MultiScaleSampler` takes the incremental path in both stages by itself, with the same
    /// images as the reference path.
    func testSamplerIsIncrementalInBothStages() throws {
        for base in ModelKinds.table.map(\.kind) {
            let net = try Self.network(base)
            XCTAssertTrue(Sampler.hasIncrementalPath(net.conditionalStage), "\(base)")
            XCTAssertNil(Sampler.whyNoIncrementalPath(net.conditionalStage))
            let automatic = try MultiScaleSampler.sample(network: net, count: 2, height: 8, width: 7, seed: 4)
            let reference = try MultiScaleSampler.sample(network: net, count: 2, height: 8, width: 7, seed: 4, method: .reference)
            XCTAssertEqual(automatic.small, reference.small, "\(base)")
            XCTAssertEqual(automatic.full, reference.full, "\(base)")
        }
    }
}
