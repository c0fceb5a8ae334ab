/// The PixelCNN block, one position at a time: its 1×1 layers need only the current
/// position; its 3×3 layer `b` reads ReLU(a(·)) of the row above and the left
/// neighbour, so that map is kept for every position.
extension PixelCNNBlock: IncrementalBlock {
    public func makeIncrementalState(batch: Int, height: Int, width: Int) -> IncrementalBlockState {
        PixelCNNIncrementalState(block: self, batch: batch, height: height, width: width)
    }
}

/// F(x) = c(ReLU(b(ReLU(a(ReLU(x)))))) at one position, the map ReLU(a(·)) cached.
final class PixelCNNIncrementalState: IncrementalBlockState {
    private let a: PositionConv
    private let b: PositionConv
    private let c: PositionConv
    private let (batch, height, width, hidden): (Int, Int, Int, Int)
    /// ReLU(a(ReLU(x))) at every position, position-major (H·W, h, B).
    private var reluA: [Float]
    /// Scratch for one position: ReLU(x) (2h·B), b's output and its ReLU (h·B each).
    private var reluIn: [Float]
    private var zb: [Float]
    private var reluB: [Float]

    init(block: PixelCNNBlock, batch: Int, height: Int, width: Int) {
        (a, b, c) = (PositionConv(block.a), PositionConv(block.b), PositionConv(block.c))
        (self.batch, self.height, self.width, hidden) = (batch, height, width, block.b.inChannels)
        reluA = [Float](repeating: 0, count: height * width * hidden * batch)
        reluIn = [Float](repeating: 0, count: 2 * hidden * batch)
        zb = [Float](repeating: 0, count: hidden * batch)
        reluB = zb
    }

    func step(row: Int, column: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let hb = hidden * batch
        let at = (row * width + column) * hb
        reluIn.withUnsafeMutableBufferPointer { r0 in
            reluA.withUnsafeMutableBufferPointer { ra in
                zb.withUnsafeMutableBufferPointer { zb in
                    reluB.withUnsafeMutableBufferPointer { rb in
                        reluCopy(input, r0.baseAddress!, count: 2 * hb)                       // ReLU(x)
                        a.apply(input: r0.baseAddress!, batch: batch, out: ra.baseAddress! + at) // a, 1×1
                        reluCopy(ra.baseAddress! + at, ra.baseAddress! + at, count: hb)          // ReLU, kept
                        b.apply(map: ra.baseAddress!, height: height, width: width, row: row, column: column,
                                batch: batch, out: zb.baseAddress!)                              // b, 3×3 mask B
                        reluCopy(zb.baseAddress!, rb.baseAddress!, count: hb)
                        c.apply(input: rb.baseAddress!, batch: batch, out: output)               // c, 1×1
                    }
                }
            }
        }
    }
}
