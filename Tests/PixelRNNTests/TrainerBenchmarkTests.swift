import XCTest
@testable import PixelRNN

/// The benchmark returns sensible numbers (tiny sizes here; the real one is L=7, h=16, 28×28).
final class TrainerBenchmarkTests: XCTestCase {
    func testBenchmarkReturnsPositiveMediansAndPeakMemory() throws {
        let options = BenchmarkOptions(runs: 3, trainingSteps: 1, forwardPasses: 1, batchSize: 2, height: 6, width: 6, sampleCount: 2)
        let r = try Benchmark.run(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2), options: options)
        XCTAssertGreaterThan(r.trainingImagesPerSecond, 0)
        XCTAssertGreaterThan(r.forwardImagesPerSecond, 0)
        XCTAssertGreaterThan(try XCTUnwrap(r.sampleSeconds), 0)
        XCTAssertTrue(r.sampledIncrementally)
        XCTAssertGreaterThan(try XCTUnwrap(r.peakMemoryBytes), 1 << 20)
        XCTAssertThrowsError(try Benchmark.run(config: r.config, options: .init(runs: 0)))
    }

    /// The multi-scale model: trained, run and sampled in both stages (incrementally).
    func testBenchmarkRunsTheMultiScaleModel() throws {
        let options = BenchmarkOptions(runs: 1, trainingSteps: 1, forwardPasses: 1, batchSize: 2, height: 6, width: 6, sampleCount: 2)
        let config = ModelConfig.multiScale(MultiScaleSettings(base: .rowlstm, smallLayers: 1, smallHidden: 2), layers: 1, hidden: 2)
        let r = try Benchmark.run(config: config, options: options)
        XCTAssertGreaterThan(r.trainingImagesPerSecond, 0)
        XCTAssertGreaterThan(r.forwardImagesPerSecond, 0)
        XCTAssertGreaterThan(try XCTUnwrap(r.sampleSeconds), 0)
        XCTAssertTrue(r.sampledIncrementally)
        XCTAssertEqual(r.trainingFLOPsPerImage, OperationCount.trainingFLOPsPerImage(try MultiScaleNetwork(config: config), height: 6, width: 6))
        XCTAssertEqual(Sampler.drawCount(try MultiScaleNetwork(config: config), height: 6, width: 5), 30 + 9)
    }

    /// Ctrl-C between runs or during sampling: the runs before it are the result, the
    /// stopped one is not counted; a stop before the first run throws.
    func testStoppingKeepsTheCompletedRunsAndSaysSo() throws {
        let config = ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2)
        let options = BenchmarkOptions(runs: 3, trainingSteps: 1, forwardPasses: 1, batchSize: 2, height: 4, width: 4, sampleCount: 1)
        var stages: [BenchmarkStage] = []
        let r = try Benchmark.run(config: config, options: options, shouldStop: {
            if case .sampling(2, 5, _)? = stages.last { return true }   // during run 2's sixth draw
            return false
        }, progress: { stages.append($0) })
        XCTAssertEqual(r.runs.count, 1)
        XCTAssertTrue(r.stopped)
        XCTAssertEqual(r.trainingImagesPerSecond, r.runs[0].trainingImagesPerSecond)
        XCTAssertEqual(r.trainingFLOPsPerSecond, r.trainingImagesPerSecond * OperationCount.trainingFLOPsPerImage(
            try PixelNetwork(config: config), height: 4, width: 4))
        XCTAssertEqual(stages.first, .training(run: 1))
        XCTAssertEqual(stages.filter { if case .sampling(1, _, 16) = $0 { return true } else { return false } }.count, 16)
        XCTAssertEqual(stages.last, .sampling(run: 2, draw: 5, of: 16))
        XCTAssertThrowsError(try Benchmark.run(config: config, options: options, shouldStop: { true })) {
            XCTAssertEqual($0 as? Stopped, Stopped(done: 0, of: 3, "runs"))
        }
        let all = try Benchmark.run(config: config, options: options)
        XCTAssertFalse(all.stopped)
        XCTAssertEqual(all.runs.count, 3)
        XCTAssertEqual(all.forwardImagesPerSecond, Benchmark.median(all.runs.map(\.forwardImagesPerSecond)))
    }

    func testMedianAndPeakMemoryReading() {
        XCTAssertEqual(Benchmark.median([3, 1, 2]), 2)
        XCTAssertEqual(Benchmark.median([4, 1, 3, 2]), 2.5)
        let peak = PeakMemory.bytes()
        XCTAssertNotNil(peak)
        XCTAssertLessThanOrEqual(peak ?? 0, (PeakMemory.bytes() ?? 0))
    }
}
