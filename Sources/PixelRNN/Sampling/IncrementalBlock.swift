/// A residual block that can compute F(x) one position at a time, in raster order —
/// what lets sampling avoid a full forward pass per pixel.
///
/// In a causal network every map at position p depends only on pixels before p, so
/// once pixel p−1 is drawn the values at p are final and never change again: each
/// position of each layer needs to be computed once. A block conforming to this
/// protocol keeps whatever it needs of earlier positions (maps a kernel reads, an
/// LSTM's states) in its `IncrementalBlockState`.
public protocol IncrementalBlock: ResidualBlock {
    /// False when this block's `forward` cannot be followed one position at a time — the
    /// test-only variants with a known bug that lets a pixel see the future. The sampler
    /// then takes the reference path, so it samples what `forward` computes. True by default.
    var hasIncrementalForm: Bool { get }
    /// Fresh state for `batch` images of height×width.
    func makeIncrementalState(batch: Int, height: Int, width: Int) -> IncrementalBlockState
}

extension IncrementalBlock {
    public var hasIncrementalForm: Bool { true }
}

/// The per-sampling memory of an `IncrementalBlock`.
///
/// Values of one position are stored channel-major, batch innermost:
/// `[channel][image]`, i.e. value (c, n) at `c·B + n`.
public protocol IncrementalBlockState: AnyObject {
    /// F(x) at (row, column) for every image: `input` is the block's input x there
    /// (2h·B values), `output` receives F(x) there (2h·B values). Positions come in
    /// raster order, each with its final input; a position may come several times in
    /// a row (once per colour, its input growing more final): the last call counts.
    /// The result must equal `forward`'s residual at that position.
    func step(row: Int, column: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>)
}
