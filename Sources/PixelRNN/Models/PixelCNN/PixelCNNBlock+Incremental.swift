/// The PixelCNN block, one position at a time: its 1×1 layers need only the current
/// position; its 3×3 layer `b` reads ReLU(a(·)) of the row above and the left
/// neighbour, so that map is kept for every position.
extension PixelCNNBlock: IncrementalBlock {
    public func makeIncrementalState(batch: Int, height: Int, width: Int) -> IncrementalBlockState {
        PixelCNNIncrementalState(block: self, batch: batch, height: height, width: width)
    }
}

/// F(x) = c(ReLU(b(ReLU(a(ReLU(x)))))) at one position, the map ReLU(a(·)) cached.
final class PixelCNNIncrementalState: ConditionedIncrementalState {
    private let a: PositionConv
    private let b: PositionConv
    private let c: PositionConv
    private let (batch, height, width, hidden): (Int, Int, Int, Int)
    /// ReLU(a(ReLU(x))) at every position, position-major (H·W, h, B).
    private let reluA: FloatBuffer
    /// Scratch for one position: ReLU(x) (2h·B), b's output and its ReLU (h·B each).
    private let reluIn: FloatBuffer, zb: FloatBuffer, reluB: FloatBuffer
    /// The multi-scale conditioning bias (2h per position), added to x: F(x + b).
    private var conditioning: PositionMajorMap?

    init(block: PixelCNNBlock, batch: Int, height: Int, width: Int) {
        (a, b, c) = (PositionConv(block.a), PositionConv(block.b), PositionConv(block.c))
        (self.batch, self.height, self.width, hidden) = (batch, height, width, block.b.inChannels)
        reluA = FloatBuffer(count: height * width * hidden * batch)
        reluIn = FloatBuffer(count: 2 * hidden * batch)
        (zb, reluB) = (FloatBuffer(count: hidden * batch), FloatBuffer(count: hidden * batch))
    }

    func step(row: Int, column: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let hb = hidden * batch
        let at = (row * width + column) * hb
        let (r0, ra, zb, rb) = (reluIn.pointer, reluA.pointer, zb.pointer, reluB.pointer)
        if let conditioning {                                                     // ReLU(x + b), multi-scale
            r0.update(from: input, count: 2 * hb)
            conditioning.add(at: row * width + column, to: r0, count: 2 * hb)
            reluCopy(r0, r0, count: 2 * hb)
        } else {
            reluCopy(input, r0, count: 2 * hb)                                    // ReLU(x)
        }
        a.apply(input: r0, batch: batch, out: ra + at)                            // a, 1×1
        reluCopy(ra + at, ra + at, count: hb)                                     // ReLU, kept
        b.apply(map: ra, height: height, width: width, row: row, column: column, batch: batch, out: zb)   // b, 3×3 mask B
        reluCopy(zb, rb, count: hb)
        c.apply(input: rb, batch: batch, out: output)                             // c, 1×1
    }

    func condition(on bias: Tensor) { conditioning = PositionMajorMap(bias) }
}
