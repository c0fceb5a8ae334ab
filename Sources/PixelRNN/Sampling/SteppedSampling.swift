/// Sampling that can be stepped through one draw at a time (what `trace sample` shows): a
/// `SampleTrace` in raster order, or the multi-scale model's two stages
/// (`MultiScaleSampleTrace`). Indices are of the full image.
public protocol SteppedSampling: AnyObject {
    /// The images so far: (B, C, H, W) of levels; not yet drawn entries are 0.
    var image: Tensor { get }
    /// The next pixel colour to draw, nil when every one is done.
    var next: PixelIndex? { get }
    /// Draws done, and in all.
    var stepsDone: Int { get }
    var totalSteps: Int { get }
    /// True when every draw is done.
    var isFinished: Bool { get }
    /// Draws the next pixel colour of every image and moves on; nil if already finished.
    func step() -> TraceStep?
    /// The distribution of the next draw for every image and level, (B, levels).
    func nextProbabilities() -> Tensor?
}

extension SampleTrace: SteppedSampling {}
