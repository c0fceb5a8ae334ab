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

    func testMedianAndPeakMemoryReading() {
        XCTAssertEqual(Benchmark.median([3, 1, 2]), 2)
        XCTAssertEqual(Benchmark.median([4, 1, 3, 2]), 2.5)
        let peak = PeakMemory.bytes()
        XCTAssertNotNil(peak)
        XCTAssertLessThanOrEqual(peak ?? 0, (PeakMemory.bytes() ?? 0))
    }
}
