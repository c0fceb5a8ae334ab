import CBLAS
/// Steps one Diagonal BiLSTM block's forward pass one diagonal — one skewed column —
/// at a time (the `trace` family: `trace`, `step`, `where`, `show gates|state|cell`; PixelREPL README).
///
/// Order: first the whole `fwd` walk (skewed columns 0 ..< H+W−1 of x), then the whole
/// `bwd` walk (the same columns of flip(x)). The two directions do not depend on each
/// other, so nothing is lost by showing one complete walk and then its mirror image,
/// and each step changes exactly one column of one direction's state.
///
/// The trace runs the very `DiagonalLSTMWalk`s that `DiagonalLSTM.forward` runs, so every
/// traced value equals the ordinary forward pass exactly; `result()` is F(x).
/// The library computes; the REPL prints and renders.
public final class DiagonalTrace {
    /// The two walks of the block.
    public enum Direction: String, Sendable, CaseIterable {
        /// Left to right, on x.
        case fwd
        /// Right to left, on flip(x); its output is flipped back and shifted down one row.
        case bwd
    }

    public let block: DiagonalBiLSTMBlock
    /// The block input x, (B, 2h, H, W).
    public let input: Tensor
    public let height: Int
    public let width: Int
    /// H + W − 1: the number of steps of each direction.
    public let skewedWidth: Int

    /// The walk of each direction (bwd's on the flipped input).
    public let fwdWalk: DiagonalLSTMWalk
    public let bwdWalk: DiagonalLSTMWalk

    /// The direction of the last step (`.fwd` before the first step).
    public private(set) var direction: Direction = .fwd
    /// The skewed column the last step computed, in `direction`; nil before the first step.
    public private(set) var column: Int?

    /// Traces `block` on the block input x (B, 2h, H, W).
    public init(block: DiagonalBiLSTMBlock, input x: Tensor) {
        self.block = block
        input = x
        (height, width) = (x.shape[2], x.shape[3])
        skewedWidth = Skew.skewedWidth(height: height, width: width)
        (fwdWalk, bwdWalk) = DiagonalTrace.withOneBLASThread {
            (block.fwd.beginWalk(x), block.bwd.beginWalk(x))         // bwd, mirrored, walks flip(x)
        }
    }

    /// `forward` runs each direction with OpenBLAS on one thread (the two directions side
    /// by side); the trace does the same, so that every sum is added in the same order
    /// and the traced numbers equal the forward pass bit for bit.
    private static func withOneBLASThread<T>(_ body: () -> T) -> T {
        guard DiagonalBiLSTMBlock.concurrentDirections else { return body() }
        return Cores.withOneBLASThread(body)
    }

    /// Traces block `layer` of `network` on `pixels` (B, C, H, W): the block's input is
    /// the residual stream after the input layer and blocks 0 ..< layer.
    public convenience init(network: any ResidualStack, layer: Int, pixels: Tensor) throws {
        let (block, input) = try network.tracedBlock(layer, as: DiagonalBiLSTMBlock.self, what: "Diagonal BiLSTM", pixels: pixels)
        self.init(block: block, input: input)    // input (B, 2h, H, W)
    }

    /// The walk of a direction.
    public func walk(_ d: Direction) -> DiagonalLSTMWalk { d == .fwd ? fwdWalk : bwdWalk }

    /// Steps done so far, out of `totalSteps` = 2·(H + W − 1).
    public var stepsDone: Int { fwdWalk.nextColumn + bwdWalk.nextColumn }
    public var totalSteps: Int { 2 * skewedWidth }
    public var isFinished: Bool { fwdWalk.isFinished && bwdWalk.isFinished }

    /// Computes the next diagonal (fwd first, then bwd). Returns false when finished.
    @discardableResult
    public func step() -> Bool {
        let d: Direction = fwdWalk.isFinished ? .bwd : .fwd
        guard DiagonalTrace.withOneBLASThread({ walk(d).step() }) else { return false }
        direction = d
        column = walk(d).nextColumn - 1
        return true
    }

    /// Steps to the end (`continue`).
    public func run() { while step() {} }

    /// The pixels (row, column) of the direction's own input map that the last computed
    /// skewed column holds — the anti-diagonal row + column = k. For bwd these are
    /// pixels of flip(x). Empty before the first step.
    public var pixelsInDirectionFrame: [(row: Int, column: Int)] {
        guard let k = column else { return [] }
        return Skew.pixels(inSkewedColumn: k, height: height, width: width)
    }

    /// The same pixels in the image's coordinates: for bwd, column c of flip(x) is image
    /// column W−1−c. (bwd's state at image (r, c) reaches the output one row lower, at (r+1, c).)
    public var pixelsInImage: [(row: Int, column: Int)] {
        let own = pixelsInDirectionFrame
        return direction == .fwd ? own : own.map { (row: $0.row, column: width - 1 - $0.column) }
    }

    /// The skewed hidden state h of the current direction so far, (B, h, H, H+W−1).
    public var skewedState: Tensor { walk(direction).hidden }
    /// The skewed cell state c of the current direction so far, (B, h, H, H+W−1).
    public var skewedCell: Tensor { walk(direction).cell }
    /// The activated gates [σ(o), σ(f), σ(i), tanh(g)] of the current direction so far, (B, 4h, H, H+W−1).
    public var skewedGates: Tensor { walk(direction).gates }
    /// The skewed input-to-state map skew(i_s(x)) of the current direction, (B, 4h, H, H+W−1).
    public var skewedInputToState: Tensor { walk(direction).skewedInputToState }

    /// F(x) and the saved maps, exactly as `block.forward(input)` (call when finished).
    public func result() -> BlockForward {
        precondition(isFinished, "DiagonalTrace.result: \(totalSteps - stepsDone) steps still to go")
        return block.combine(input, fwdWalk.result(), bwdWalk.result())
    }
}
