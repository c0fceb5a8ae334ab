import CBLAS
import Foundation

/// The Diagonal BiLSTM residual block (paper §3.2 and Figure 5, right).
///
/// Two Diagonal LSTM directions read the block input x (B, 2h, H, W):
/// - `fwd` walks the diagonals of x from the top-left corner: its state at (r, c)
///   has seen everything above and to the left;
/// - `bwd` (a `mirrored` direction) walks the diagonals of the left–right flipped x (flip
///   the unskewed map, then skew it — never flip the skewed map): its state has seen
///   everything above and to the right. Its output, flipped back to the image frame, is
///   SHIFTED DOWN ONE ROW (top row zeros): otherwise the state at (r, c) would have seen
///   (r, c+1), (r, c+2), … — the right side of its own row, the future.
///
///     F(x) = out( h_fwd + shift_down(flip(h_bwd)) )       out: 1×1, mask B, h → 2h
///
/// (bwd's fast path never builds flip(x) or flip(h_bwd): it packs and unpacks its skewed
/// columns mirrored, `SkewedColumns(skewing:mirrored:)`.)
///
/// The network adds F(x) to x. Parameters: `fwd.i_s`, `fwd.s_s`, `bwd.i_s`,
/// `bwd.s_s` (each `.weight`, `.bias`), `out.weight`, `out.bias`.
///
/// Saved maps (for backward and inspection), each direction in its own frame (bwd: the
/// flipped image): `fwd.gates.columns`, `fwd.cell.columns`, `fwd.hidden.columns` — the
/// skewed maps packed column by column as the walk keeps them (`SkewedColumns`, flat;
/// `DiagonalBiLSTMBlock.skewedMaps(_:)` turns them into (B, C, H, H+W−1) maps named
/// `fwd.gates`, …) — and `fwd.output` (unskewed h, (B, h, H, W)); the same for `bwd`
/// (its `bwd.output` flipped back to the image frame: flip(unskew(h_bwd)));
/// `bwd.shifted` = shift_down(bwd.output), what bwd adds;
/// `sum` = fwd.output + bwd.shifted, the input of `out`. (The outputs and `bwd.shifted`
/// are unpacked from the kept maps when asked for; backward needs only the packed maps,
/// tanh(c), x packed, and `sum`.)
///
/// The two directions do not depend on each other; with `concurrentDirections` (the
/// default) they run on two threads, in forward and in backward. Each has its own
/// parameters and scratch memory, so the numbers are the same either way.
public final class DiagonalBiLSTMBlock: ResidualBlock {
    /// h.
    public let hidden: Int
    /// The left-to-right direction (on x).
    public let fwd: DiagonalLSTM
    /// The right-to-left direction (on flip(x)).
    public let bwd: DiagonalLSTM
    /// `out`: 1×1, mask B, h → 2h.
    public let out: Conv2d

    /// Test-only switch: with false the bwd output is NOT shifted down, which lets each
    /// pixel see the right side of its own row. Exists so a test can prove the shift matters.
    var shiftsBackwardDirection = true

    /// Run fwd and bwd on two threads (true by default).
    nonisolated(unsafe) public static var concurrentDirections = true

    /// Runs `first` and `second`, on two threads if `concurrentDirections`. Meanwhile
    /// OpenBLAS runs single-threaded: each direction is one thread's work, and two callers
    /// each asking OpenBLAS's shared thread pool for two threads would wait on each other
    /// (measured: ten times slower). The previous setting is restored afterwards.
    private static func both(_ first: () -> Void, _ second: () -> Void) {
        guard concurrentDirections else { first(); second(); return }
        Cores.run(2) { i in if i == 0 { first() } else { second() } }
    }

    /// A block for `hidden` = h, initialised from `seed`.
    public init(hidden: Int, colors: Int, seed: UInt64) {
        self.hidden = hidden
        fwd = DiagonalLSTM(hidden: hidden, colors: colors, seed: SeededGenerator.derivedSeed(seed, stream: 1))
        bwd = DiagonalLSTM(hidden: hidden, colors: colors, seed: SeededGenerator.derivedSeed(seed, stream: 2), mirrored: true)
        out = Conv2d(inChannels: hidden, outChannels: 2 * hidden, kernelHeight: 1, kernelWidth: 1,
                     mask: .B, colors: colors, seed: SeededGenerator.derivedSeed(seed, stream: 3))
    }

    /// A block with the variant `switches` asks for (Models README, "Known bugs"):
    /// `no-shift` (bwd not shifted down), `sigmoid-g` (both directions), `same-padding` (both
    /// directions' s_s read rows r and r+1), `flip-skewed` (bwd walks the flipped skewed map).
    public convenience init(hidden: Int, colors: Int, seed: UInt64, switches: BlockSwitches) {
        self.init(hidden: hidden, colors: colors, seed: seed)
        switch switches.bug {
        case .noShift?: shiftsBackwardDirection = false
        case .sigmoidG?: (fwd.sigmoidOnContent, bwd.sigmoidOnContent) = (true, true)
        case .samePadding?: (fwd.stateToState.readsRowBelow, bwd.stateToState.readsRowBelow) = (true, true)
        case .flipSkewed?: bwd.flipsSkewedMap = true
        case .maskBFirst?, .noColourMask?, nil: break
        }
    }

    /// True for the paper's block; false when a known bug is switched on.
    var isPaperBlock: Bool { shiftsBackwardDirection && !fwd.runsPlainPath && !bwd.runsPlainPath }

    public var namedParameters: [(String, Parameter)] {
        prefixedParameters([("fwd", fwd.namedParameters), ("bwd", bwd.namedParameters), ("out", out.namedParameters)])
    }

    public func forward(_ x: Tensor) -> BlockForward { forward(x, inputToStateBias: nil) }

    /// F(x) with `inputToStateBias` (B, 8h, H, W), if given, added to the two directions'
    /// input-to-state maps: channels 0..<4h to fwd's i_s(x), 4h..<8h to bwd's (in the image
    /// frame, as x). The multi-scale PixelRNN's conditioning (paper §3.6).
    public func forward(_ x: Tensor, inputToStateBias bias: Tensor?) -> BlockForward {
        let h = hidden
        var passF: DiagonalLSTMForward?, passB: DiagonalLSTMForward?
        DiagonalBiLSTMBlock.both(
            { passF = self.fwd.forward(x, inputToStateBias: bias?.channels(0..<(4 * h))) },          // h_fwd: (B, h, H, W)
            { passB = self.bwd.forward(x, inputToStateBias: bias?.channels((4 * h)..<(8 * h))) }     // on flip(x); flip(h_bwd)
        )
        return combine(x, passF!, passB!)
    }

    /// F(x) from the two finished directions (also used by `DiagonalTrace`).
    func combine(_ x: Tensor, _ passF: DiagonalLSTMForward, _ passB: DiagonalLSTMForward) -> BlockForward {
        let back = passB.output                                            // flip(h_bwd): in the image frame
        let shifted = shiftsBackwardDirection ? DiagonalBiLSTMBlock.shiftDown(back) : back
        let sum = passF.output + shifted                                  // (B, h, H, W)
        let y = out.forward(sum)                                          // (B, 2h, H, W)
        return BlockForward(input: x, residual: y,
                            activations: DiagonalBiLSTMActivations(fwd: passF, bwd: passB, shiftsBackwardDirection: shiftsBackwardDirection,
                                                                   sum: sum))
    }

    /// The saved skewed maps of a forward pass of this block as (B, C, H, H+W−1) maps:
    /// `fwd.gates`, `fwd.cell`, `fwd.hidden`, `bwd.gates`, `bwd.cell`, `bwd.hidden`
    /// (bwd in its own, flipped, frame).
    public func skewedMaps(_ pass: BlockForward) -> [String: Tensor] {
        let saved = pass.activations(as: DiagonalBiLSTMActivations.self)
        var maps: [String: Tensor] = [:]
        for (d, p) in [("fwd", saved.fwd), ("bwd", saved.bwd)] {
            maps["\(d).gates"] = p.gates.skewedTensor()
            maps["\(d).cell"] = p.cell.skewedTensor()
            maps["\(d).hidden"] = p.hidden.skewedTensor()
        }
        return maps
    }

    public func backward(_ pass: BlockForward, outputGradient dy: Tensor) -> Tensor {
        let (dxF, dxB) = directionsBackward(pass, outputGradient: dy, gateGradient: false)
        return dxF.input + dxB.input
    }

    /// `backward`, also returning the gradient (B, 8h, H, W) of the two input-to-state maps
    /// (fwd's, then bwd's in the image frame) — and so of a bias added to them.
    public func backwardWithGateGradient(_ pass: BlockForward, outputGradient dy: Tensor) -> (input: Tensor, gates: Tensor) {
        let (dxF, dxB) = directionsBackward(pass, outputGradient: dy, gateGradient: true)
        return (dxF.input + dxB.input, Tensor.concatChannels([dxF.gates!, dxB.gates!]))
    }

    /// Back through `out` and the two directions: each one's ∂x (and ∂z with `gateGradient`),
    /// in the image frame.
    private func directionsBackward(_ pass: BlockForward, outputGradient dy: Tensor, gateGradient: Bool)
        -> (fwd: (input: Tensor, gates: Tensor?), bwd: (input: Tensor, gates: Tensor?)) {
        let s = pass.activations(as: DiagonalBiLSTMActivations.self)
        let dSum = out.backward(input: s.sum, outputGradient: dy)         // (B, h, H, W)
        let back = { (d: DiagonalLSTM, pass: DiagonalLSTMForward, dh: Tensor) -> (input: Tensor, gates: Tensor?) in
            gateGradient ? d.backwardWithGateGradient(pass, outputGradient: dh) : (d.backward(pass, outputGradient: dh), nil)
        }
        var dxF: (input: Tensor, gates: Tensor?)?, dxB: (input: Tensor, gates: Tensor?)?
        DiagonalBiLSTMBlock.both({
            // fwd: h_fwd enters the sum directly.
            dxF = back(self.fwd, s.fwd, dSum)
        }, {
            // bwd: sum ∋ shift_down(flip(h_bwd)), so ∂L/∂flip(h_bwd) = shift_downᵀ(dSum) (bwd flips it itself).
            dxB = back(self.bwd, s.bwd, self.shiftsBackwardDirection ? DiagonalBiLSTMBlock.shiftDownBackward(dSum) : dSum)
        })
        return (dxF!, dxB!)
    }

    // MARK: the two moves of the bwd direction, with their backward

    /// Mirrors every row: y[n, c, r, j] = x[n, c, r, W−1−j]. Its own inverse and its own backward.
    public static func flipLeftRight(_ x: Tensor) -> Tensor {
        let w = x.shape[3]
        var y = Tensor(zeros: x.shape)
        x.data.withUnsafeBufferPointer { x in
        y.data.withUnsafeMutableBufferPointer { y in
            for row in stride(from: 0, to: x.count, by: max(w, 1)) {
                for j in 0..<w { y[row + j] = x[row + w - 1 - j] }
            }
        }}
        return y
    }

    /// Moves a map down one row: y[n, c, r, j] = x[n, c, r−1, j], row 0 zeros (the last row drops out).
    public static func shiftDown(_ x: Tensor) -> Tensor {
        let (planes, hh, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        var y = Tensor(zeros: x.shape)
        for p in 0..<planes {
            for r in 1..<max(hh, 1) {
                for j in 0..<w { y.data[(p * hh + r) * w + j] = x.data[(p * hh + r - 1) * w + j] }
            }
        }
        return y
    }

    /// Backward of `shiftDown`: the gradient moves up one row, dx[n, c, r, j] = dy[n, c, r+1, j],
    /// the last row zeros (it reached nothing).
    public static func shiftDownBackward(_ dy: Tensor) -> Tensor {
        let (planes, hh, w) = (dy.shape[0] * dy.shape[1], dy.shape[2], dy.shape[3])
        var dx = Tensor(zeros: dy.shape)
        for p in 0..<planes {
            for r in 0..<max(hh - 1, 0) {
                for j in 0..<w { dx.data[(p * hh + r) * w + j] = dy.data[(p * hh + r + 1) * w + j] }
            }
        }
        return dx
    }
}

/// What a Diagonal BiLSTM block's forward pass keeps: each direction's finished pass (its
/// skewed maps packed column by column, in its own frame — bwd: the flipped image; its
/// input and output in the image frame), what bwd adds, and the input of `out`.
public struct DiagonalBiLSTMActivations: BlockActivations {
    /// The left-to-right direction's pass.
    public var fwd: DiagonalLSTMForward
    /// The right-to-left direction's pass, on flip(x). Its `input` is x, the block's input
    /// (the same storage).
    public var bwd: DiagonalLSTMForward
    /// False for the `no-shift` known bug (`DiagonalBiLSTMBlock.shiftsBackwardDirection`).
    public var shiftsBackwardDirection: Bool
    /// fwd.output + shifted, the input of `out`, (B, h, H, W).
    public var sum: Tensor

    /// shift_down(bwd.output), (B, h, H, W): what bwd adds (computed again on each call, not kept).
    public var shifted: Tensor { shiftsBackwardDirection ? DiagonalBiLSTMBlock.shiftDown(bwd.output) : bwd.output }

    /// `fwd.gates.columns`, `fwd.cell.columns`, `fwd.hidden.columns` (packed, flat),
    /// `fwd.output`; the same for bwd; `bwd.shifted`, `sum`.
    public var named: [String: Tensor] {
        var maps = ["bwd.shifted": shifted, "sum": sum]
        for (d, p) in [("fwd", fwd), ("bwd", bwd)] {
            maps["\(d).gates.columns"] = p.gates.flat
            maps["\(d).cell.columns"] = p.cell.flat
            maps["\(d).hidden.columns"] = p.hidden.flat
            maps["\(d).output"] = p.output
        }
        return maps
    }
}
