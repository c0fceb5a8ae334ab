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

    public init(runs: Int = 3, trainingSteps: Int = 5, forwardPasses: Int = 5, batchSize: Int = 16,
                height: Int = 28, width: Int = 28, sampleCount: Int = 16, seed: UInt64 = 0) {
        (self.runs, self.trainingSteps, self.forwardPasses) = (runs, trainingSteps, forwardPasses)
        (self.batchSize, self.height, self.width) = (batchSize, height, width)
        (self.sampleCount, self.seed) = (sampleCount, seed)
    }
}

/// The numbers of one benchmark, each the median over `runs`.
public struct BenchmarkResult: Equatable, Sendable {
    public var config: ModelConfig
    public var options: BenchmarkOptions
    /// Training images per second (full steps, optimizer included).
    public var trainingImagesPerSecond: Double
    /// Images per second through a forward pass alone.
    public var forwardImagesPerSecond: Double
    /// Seconds to sample `sampleCount` images (nil if skipped).
    public var sampleSeconds: Double?
    /// Whether sampling took the incremental path (else a full forward pass per pixel).
    public var sampledIncrementally: Bool
    /// Peak resident memory during a run, in bytes (VmHWM; nil where unavailable).
    public var peakMemoryBytes: Int?
    /// False if the peak could not be reset: it is then the process's peak so far.
    public var peakMemoryIsPerRun: Bool
}

/// Speed and memory of a model: training images/s, forward images/s, seconds to sample,
/// peak memory. Returns numbers, never prints (the REPL's `benchmark` shows them).
public enum Benchmark {
    /// Benchmarks a freshly initialised `config` model on random binary images.
    public static func run(config: ModelConfig, options o: BenchmarkOptions = .init()) throws -> BenchmarkResult {
        guard o.runs >= 1, o.trainingSteps >= 1, o.forwardPasses >= 1, o.batchSize >= 1, o.sampleCount >= 0 else {
            throw TrainingError.invalidHyperparameter("benchmark: runs, steps, passes and batch must be at least 1")
        }
        let network = try ModelKinds.makeNetwork(config: config, seed: o.seed)
        let images = randomImages(o, colors: config.colors, levels: config.levels)
        var train: [Double] = [], forward: [Double] = [], sample: [Double] = [], peaks: [Int] = []
        var perRun = true
        for _ in 0..<o.runs {
            perRun = PeakMemory.reset() && perRun
            train.append(try trainingSpeed(network, images, o))
            forward.append(forwardSpeed(network, images, o))
            if o.sampleCount > 0 { sample.append(try samplingTime(network, o)) }
            if let peak = PeakMemory.bytes() { peaks.append(peak) }
        }
        return BenchmarkResult(config: config, options: o, trainingImagesPerSecond: median(train),
                               forwardImagesPerSecond: median(forward), sampleSeconds: sample.isEmpty ? nil : median(sample),
                               sampledIncrementally: Sampler.hasIncrementalPath(network),
                               peakMemoryBytes: peaks.isEmpty ? nil : Int(median(peaks.map(Double.init))),
                               peakMemoryIsPerRun: perRun)
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

    private static func samplingTime(_ network: any PixelModel, _ o: BenchmarkOptions) throws -> Double {
        try time { _ = try Sampler.sample(network: network, count: o.sampleCount, height: o.height, width: o.width, seed: o.seed) }
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
    static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The median (the mean of the two middle values for an even count).
    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
