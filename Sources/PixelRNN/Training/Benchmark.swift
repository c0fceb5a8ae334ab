import Foundation

/// What `Benchmark.run` measures and how often (the settings of `benchmark`, Sources/PixelRNN/README.md "Speed": L=7, h=16, batch 16, 28×28 binary).
public struct BenchmarkOptions: Equatable, Sendable {
    /// Each number is the median over this many runs.
    public var runs: Int
    /// Training steps (zeroGrad, loss and gradient, clip 1, Adam) timed per run.
    public var trainingSteps: Int
    /// Forward passes timed per run.
    public var forwardPasses: Int
    /// Images per step and per forward pass.
    public var batchSize: Int
    public var height: Int
    public var width: Int
    /// Images sampled per run; 0 skips sampling (slow without an incremental path).
    public var sampleCount: Int
    /// Seeds the weights, the random images and the samples.
    public var seed: UInt64

    public init(runs: Int = 3, trainingSteps: Int = 20, forwardPasses: Int = 20, batchSize: Int = 16,
                height: Int = 28, width: Int = 28, sampleCount: Int = 16, seed: UInt64 = 0) {
        (self.runs, self.trainingSteps, self.forwardPasses) = (runs, trainingSteps, forwardPasses)
        (self.batchSize, self.height, self.width) = (batchSize, height, width)
        (self.sampleCount, self.seed) = (sampleCount, seed)
    }
}

/// The figures of one run of a benchmark.
public struct BenchmarkRun: Equatable, Sendable {
    /// Training images per second (full steps, optimizer included).
    public var trainingImagesPerSecond: Double
    /// Images per second through a forward pass alone.
    public var forwardImagesPerSecond: Double
    /// Seconds to sample `sampleCount` images (nil if skipped).
    public var sampleSeconds: Double?
    /// Peak resident memory during the run, in bytes (VmHWM; nil where unavailable).
    public var peakMemoryBytes: Int?
    /// False if the peak could not be reset: it is then the process's peak so far.
    public var peakMemoryIsPerRun: Bool
}

/// What `Benchmark.run` is doing, for a progress line.
public enum BenchmarkStage: Equatable, Sendable {
    /// The training steps and forward passes of run `run` (1-based).
    case training(run: Int)
    /// Before pixel draw `draw` (0-based) of the `of` draws of run `run`'s sampling.
    case sampling(run: Int, draw: Int, of: Int)
}

/// The numbers of one benchmark: every completed run, and each figure's median over them.
public struct BenchmarkResult: Equatable, Sendable {
    public var config: ModelConfig
    public var options: BenchmarkOptions
    /// The completed runs (at least one; fewer than `options.runs` when stopped).
    public var runs: [BenchmarkRun]
    /// True if `shouldStop` ended the benchmark before `options.runs` runs.
    public var stopped: Bool
    /// Whether sampling took the incremental path (else a full forward pass per pixel).
    public var sampledIncrementally: Bool
    /// Floating-point operations of one training step per image (`OperationCount`).
    public var trainingFLOPsPerImage: Double

    /// Training images per second, the median over the runs.
    public var trainingImagesPerSecond: Double { Benchmark.median(runs.map(\.trainingImagesPerSecond)) }
    /// Training floating-point operations per second (median images/s × operations per image).
    public var trainingFLOPsPerSecond: Double { trainingImagesPerSecond * trainingFLOPsPerImage }
    /// Forward images per second, the median over the runs.
    public var forwardImagesPerSecond: Double { Benchmark.median(runs.map(\.forwardImagesPerSecond)) }
    /// Seconds to sample, the median over the runs (nil if skipped).
    public var sampleSeconds: Double? {
        let seconds = runs.compactMap(\.sampleSeconds)
        return seconds.isEmpty ? nil : Benchmark.median(seconds)
    }
    /// Peak memory, the median over the runs (nil where unavailable).
    public var peakMemoryBytes: Int? {
        let peaks = runs.compactMap(\.peakMemoryBytes)
        return peaks.isEmpty ? nil : Int(Benchmark.median(peaks.map(Double.init)))
    }
    /// False if some run's peak could not be reset.
    public var peakMemoryIsPerRun: Bool { runs.allSatisfy(\.peakMemoryIsPerRun) }
}

/// Speed and memory of a model: training images/s, forward images/s, seconds to sample,
/// peak memory. Returns numbers, never prints (the REPL's `benchmark` shows them).
public enum Benchmark {
    /// Benchmarks a freshly initialised `config` model on random binary images: `options.runs`
    /// runs, each training steps, forward passes and sampling, `progress` told what comes
    /// next. `shouldStop` is asked before each run and before each pixel draw; a run it
    /// stops is not counted, and the result holds the runs before it (`stopped`). Throws
    /// `Stopped` (in runs) if it stops the first run.
    public static func run(config: ModelConfig, options o: BenchmarkOptions = .init(),
                           shouldStop: () -> Bool = { false },
                           progress: (BenchmarkStage) -> Void = { _ in }) throws -> BenchmarkResult {
        guard o.runs >= 1, o.trainingSteps >= 1, o.forwardPasses >= 1, o.batchSize >= 1, o.sampleCount >= 0 else {
            throw TrainingError.invalidHyperparameter("benchmark: runs, steps, passes and batch must be at least 1")
        }
        let network = try ModelKinds.makeNetwork(config: config, seed: o.seed)
        let images = randomImages(o, colors: config.colors, levels: config.levels)
        var runs: [BenchmarkRun] = []
        for run in 1...o.runs {
            guard !shouldStop(), let figures = try measure(network, images, o, run: run, shouldStop: shouldStop,
                                                           progress: progress) else { break }
            runs.append(figures)
        }
        guard !runs.isEmpty else { throw Stopped(done: 0, of: o.runs, "runs") }
        return BenchmarkResult(config: config, options: o, runs: runs, stopped: runs.count < o.runs,
                               sampledIncrementally: Sampler.samplesIncrementallyInEveryStage(network),
                               trainingFLOPsPerImage: OperationCount.trainingFLOPsPerImage(network, height: o.height, width: o.width))
    }

    /// One run's figures; nil if `shouldStop` stopped its sampling.
    private static func measure(_ network: any PixelModel, _ images: Tensor, _ o: BenchmarkOptions, run: Int,
                                shouldStop: () -> Bool, progress: (BenchmarkStage) -> Void) throws -> BenchmarkRun? {
        let perRun = PeakMemory.reset()
        progress(.training(run: run))
        let train = try trainingSpeed(network, images, o)
        let forward = forwardSpeed(network, images, o)
        var sample: Double?
        if o.sampleCount > 0 {
            let draws = Sampler.drawCount(network, height: o.height, width: o.width)
            var draw = 0
            do {
                sample = try time {
                    try sampleImages(network, o, shouldStop: { progress(.sampling(run: run, draw: draw, of: draws)); draw += 1; return shouldStop() })
                }
            } catch SamplingError.interrupted {
                return nil
            }
        }
        return BenchmarkRun(trainingImagesPerSecond: train, forwardImagesPerSecond: forward, sampleSeconds: sample,
                            peakMemoryBytes: PeakMemory.bytes(), peakMemoryIsPerRun: perRun)
    }

    /// Samples `o.sampleCount` images: in raster order, or a multi-scale model's two stages.
    private static func sampleImages(_ network: any PixelModel, _ o: BenchmarkOptions, shouldStop: () -> Bool) throws {
        if let multiScale = network as? MultiScaleNetwork {
            _ = try MultiScaleSampler.sample(network: multiScale, count: o.sampleCount, height: o.height, width: o.width,
                                             seed: o.seed, shouldStop: shouldStop)
        } else {
            _ = try Sampler.sample(network: network, count: o.sampleCount, height: o.height, width: o.width, seed: o.seed,
                                   shouldStop: shouldStop)
        }
    }

    private static func trainingSpeed(_ network: any PixelModel, _ images: Tensor, _ o: BenchmarkOptions) throws -> Double {
        let trainer = try Trainer(network: network, hyperparameters: .init(batchSize: o.batchSize))
        try trainer.trainStep(images)   // untimed: the two-halves twin, scratch pools and pages are made here
        let seconds = try time { for _ in 0..<o.trainingSteps { try trainer.trainStep(images) } }
        return Double(o.trainingSteps * o.batchSize) / seconds
    }

    private static func forwardSpeed(_ network: any PixelModel, _ images: Tensor, _ o: BenchmarkOptions) -> Double {
        let seconds = time { for _ in 0..<o.forwardPasses { _ = try! network.logits(images, shouldStop: { false }) } }   // never asked to stop
        return Double(o.forwardPasses * o.batchSize) / seconds
    }

    /// A batch of random levels (each pixel 1 with probability 0.3 for binary images).
    static func randomImages(_ o: BenchmarkOptions, colors: Int, levels: Int) -> Tensor {
        var rng = SeededGenerator(seed: o.seed, stream: 1)
        let count = o.batchSize * colors * o.height * o.width
        let data: [Float] = (0..<count).map { _ in
            levels == 2 ? (rng.nextUniform() < 0.3 ? 1 : 0) : Float(rng.nextIndex(below: levels))
        }
        return Tensor(shape: [o.batchSize, colors, o.height, o.width], data: data)
    }

    /// Seconds `body` takes (monotonic clock).
    public static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The median (the mean of the two middle values for an even count).
    public static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
