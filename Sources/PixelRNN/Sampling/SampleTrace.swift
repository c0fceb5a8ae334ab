/// Sampling one pixel colour at a time (what `trace sample` steps through, and what
/// `Sampler` runs to the end).
///
/// Holds the images so far, the index of the next draw, and the model's distribution
/// for it. Each image has its own random stream, `SeededGenerator(seed:, stream: n)`,
/// drawing one uniform number per pixel colour it samples, so an image does not
/// depend on how many others are sampled with it. Given pixels (completion) are kept
/// and draw nothing.
public final class SampleTrace {
    /// The images so far: (B, C, H, W) of levels; not yet drawn entries are 0.
    public private(set) var image: Tensor
    /// 1 where a pixel colour is given (kept), 0 where it is drawn; nil: all drawn.
    public let keep: Tensor?
    /// The next pixel colour to draw, nil when every one is done.
    public private(set) var next: PixelIndex?
    /// Draws done and in all (one per pixel colour, counted once for the batch).
    public private(set) var stepsDone = 0
    public var totalSteps: Int { image.count / image.shape[0] }
    /// The model's levels (2 or 256).
    public let levels: Int

    private let stepper: ConditionalStepper
    private var generators: [SeededGenerator]
    private var cachedProbabilities: Tensor?
    private var cachedLogits: Tensor?

    /// A trace over `start` (B, C, H, W): entries where `keep` is 1 are kept, the others
    /// drawn in raster order (set to 0 first). `keep` has `start`'s shape or is nil.
    public init(stepper: ConditionalStepper, start: Tensor, keep: Tensor?, levels: Int, seed: UInt64) {
        precondition(keep == nil || keep!.shape == start.shape, "SampleTrace: keep mask shape")
        var image = start
        if let keep { for i in 0..<image.count where keep.data[i] == 0 { image.data[i] = 0 } }
        else { image = Tensor(zeros: start.shape) }
        self.image = image
        self.keep = keep
        self.levels = levels
        self.stepper = stepper
        generators = (0..<start.shape[0]).map { SeededGenerator(seed: seed, stream: UInt64($0)) }
        next = PixelIndex(row: 0, column: 0, colour: 0)
    }

    /// True when every pixel colour is done.
    public var isFinished: Bool { next == nil }

    /// The logits of the next draw, (B, K): K = 1 (2 levels) or 256.
    public func nextLogits() -> Tensor? {
        guard let next else { return nil }
        if cachedLogits == nil { cachedLogits = stepper.logits(at: next, pixels: image) }
        return cachedLogits
    }

    /// p(x_next = level | x_<next) for every image and level, (B, levels).
    public func nextProbabilities() -> Tensor? {
        guard let logits = nextLogits() else { return nil }
        if cachedProbabilities == nil {
            let (b, k) = (logits.shape[0], logits.shape[1])
            let rows = (0..<b).flatMap { n in
                PixelDistribution.probabilities(logits: logits.data[(n * k)..<((n + 1) * k)], levels: levels)
            }
            cachedProbabilities = Tensor(shape: [b, levels], data: rows)
        }
        return cachedProbabilities
    }

    /// Draws the next pixel colour of every image (keeping given ones) and moves on.
    /// Returns what happened, or nil if already finished.
    @discardableResult
    public func step() -> TraceStep? {
        guard let index = next, let logits = nextLogits(), let probabilities = nextProbabilities() else { return nil }
        let k = logits.shape[1]
        var values: [Int] = [], given: [Bool] = []
        for n in 0..<image.shape[0] {
            let at = image.index(n, index.colour, index.row, index.column)
            let isGiven = keep.map { $0.data[at] != 0 } ?? false
            if !isGiven {
                let u = generators[n].nextUniform()
                image.data[at] = Float(PixelDistribution.draw(logits: logits.data[(n * k)..<((n + 1) * k)],
                                                              levels: levels, uniform: u))
            }
            values.append(Int(image.data[at]))
            given.append(isGiven)
        }
        advance()
        return TraceStep(index: index, probabilities: probabilities, values: values, given: given)
    }

    /// Steps to the end, checking `shouldStop` before each draw. Returns true if finished.
    @discardableResult
    public func run(shouldStop: () -> Bool = { false }) -> Bool {
        while !isFinished {
            if shouldStop() { return false }
            step()
        }
        return true
    }

    private func advance() {
        stepsDone += 1
        cachedLogits = nil
        cachedProbabilities = nil
        let (c, w) = (image.shape[1], image.shape[3])
        next = stepsDone < totalSteps ? PixelIndex(rasterIndex: stepsDone, width: w, colors: c) : nil
    }
}

/// One draw of a `SampleTrace`.
public struct TraceStep: Equatable {
    /// The pixel colour drawn.
    public var index: PixelIndex
    /// The distribution it was drawn from, (B, levels).
    public var probabilities: Tensor
    /// The level of each image there (drawn, or given).
    public var values: [Int]
    /// Whether each image's value was given (completion) rather than drawn.
    public var given: [Bool]
}
