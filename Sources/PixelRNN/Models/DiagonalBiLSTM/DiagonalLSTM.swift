import Foundation

/// One direction of the Diagonal BiLSTM (paper §3.2, Figure 3 right): an LSTM that
/// walks the skewed map one column — one diagonal of the image — at a time.
///
/// With x the block input (B, 2h, H, W) and Ws = H + W − 1:
///
///     z        = i_s(x)                   input-to-state, 1×1 mask B, 2h → 4h, whole map at once
///     zˢ       = skew(z)                  (B, 4h, H, Ws); column k holds the diagonal r + c = k
///     for k = 0 ..< Ws:
///       [o, f, i, g] = zˢ[:, :, :, k] + s_s(h_{k−1})       s_s: 2 taps down the column, rows r−1 and r
///       c_k = σ(f) ⊙ c_{k−1} + σ(i) ⊙ tanh(g)
///       h_k = σ(o) ⊙ tanh(c_k)
///       h_k = c_k = 0 at cells that are not pixels
///     output   = unskew(h)                (B, h, H, W)
///
/// (paper eq. 3–4; h_{−1} = c_{−1} = 0). The state at pixel (r, c) therefore sees the
/// state of the pixel above (r−1, c) and of the left neighbour (r, c−1): everything
/// above and to the left of it.
///
/// Two paths compute the same numbers: the plain one (`stepPlain`, `backwardPlain`)
/// follows the equations on the (B, C, H, Ws) skewed maps; the fast one
/// (`DiagonalLSTMFast.swift`) keeps the maps packed column by column (`SkewedColumns`),
/// x among them, and does the input-to-state convolution of each column as one small GEMM
/// on x's column and the state-to-state one as two.
/// `ComputePath.current` chooses; tests hold the two equal. Either way a finished pass keeps
/// its maps packed (`DiagonalLSTMForward`).
public final class DiagonalLSTM {
    /// h.
    public let hidden: Int
    /// `i_s`: 1×1 convolution, mask B, 2h → 4h.
    public let inputToState: Conv2d
    /// `s_s`: 2-tap convolution down a column, h → 4h, unmasked.
    public let stateToState: DiagonalStateToState
    /// True for the right-to-left direction (the block's `bwd`): it walks flip(x), the image
    /// mirrored left–right (flip the unskewed map, then skew it — never flip the skewed map),
    /// and hands its output and gradients back in the image frame, mirrored back. Its saved
    /// skewed maps (gates, c, h) are in its own, mirrored, frame.
    public let mirrored: Bool

    /// `--bug sigmoid-g`: σ instead of tanh on the content gate g (plain path only).
    var sigmoidOnContent = false
    /// `--bug flip-skewed` (bwd only): the walk runs on the skewed map flipped left–right,
    /// skewed column k being column Ws−1−k of skew(x), instead of on the skew of the
    /// flipped image (plain path only).
    var flipsSkewedMap = false

    /// True for the buggy variants the fast kernels do not have: they run plain whatever
    /// `ComputePath.current` says.
    var runsPlainPath: Bool { sigmoidOnContent || flipsSkewedMap || stateToState.readsRowBelow }

    /// Whether (r, k) of the walked skewed map is a pixel (with `flipsSkewedMap`, of the flipped map).
    func isPixel(row r: Int, walkedColumn k: Int, height: Int, width: Int) -> Bool {
        let column = flipsSkewedMap ? Skew.skewedWidth(height: height, width: width) - 1 - k : k
        return Skew.isPixel(row: r, skewedColumn: column, width: width)
    }

    /// A direction for `hidden` = h, initialised from `seed`; `mirrored` walks from the right.
    public init(hidden: Int, colors: Int, seed: UInt64, mirrored: Bool = false) {
        self.hidden = hidden
        self.mirrored = mirrored
        inputToState = Conv2d(inChannels: 2 * hidden, outChannels: 4 * hidden, kernelHeight: 1, kernelWidth: 1,
                               mask: .B, colors: colors, seed: SeededGenerator.derivedSeed(seed, stream: 1))
        stateToState = DiagonalStateToState(hidden: hidden, seed: SeededGenerator.derivedSeed(seed, stream: 2))
    }

    /// `i_s.weight`, `i_s.bias`, `s_s.weight`, `s_s.bias`.
    public var namedParameters: [(String, Parameter)] {
        prefixedParameters([("i_s", inputToState.namedParameters), ("s_s", stateToState.namedParameters)])
    }

    /// The image frame ↔ this direction's own: flip for a mirrored direction (its own
    /// inverse), nothing otherwise.
    func mirror(_ x: Tensor) -> Tensor { mirrored ? DiagonalBiLSTMBlock.flipLeftRight(x) : x }

    /// Starts a walk over x (B, 2h, H, W): computes i_s(x) and stands before column 0.
    /// `step()` then computes one skewed column at a time (this is what `forward` does).
    /// The walk takes the fast path when `ComputePath.current` is `.fast` as it begins.
    /// `inputToStateBias` (B, 4h, H, W), if given, is added to i_s(x) before it is skewed
    /// (the multi-scale PixelRNN's conditioning, paper §3.6).
    public func beginWalk(_ x: Tensor, inputToStateBias: Tensor? = nil) -> DiagonalLSTMWalk {
        DiagonalLSTMWalk(lstm: self, input: x, fastPath: ComputePath.isFast && !runsPlainPath, inputToStateBias: inputToStateBias)
    }

    /// The whole forward pass of this direction: every column in turn.
    public func forward(_ x: Tensor, inputToStateBias: Tensor? = nil) -> DiagonalLSTMForward {
        let walk = beginWalk(x, inputToStateBias: inputToStateBias)
        while walk.step() {}
        return walk.result()
    }

    /// `backward`, also returning ∂L/∂z (B, 4h, H, W), the gradient of the input-to-state map —
    /// and so of a bias added to it.
    public func backwardWithGateGradient(_ pass: DiagonalLSTMForward, outputGradient dOutput: Tensor) -> (input: Tensor, gates: Tensor) {
        precondition(dOutput.shape == pass.outputShape,
                     "DiagonalLSTM.backward: gradient \(dOutput.shape) does not fit output \(pass.outputShape)")
        if ComputePath.isFast && !runsPlainPath {
            let d = backwardColumns(pass, outputGradient: dOutput)
            return (d.input.unskewedTensor(mirrored: mirrored), d.gates.unskewedTensor(mirrored: mirrored))
        }
        return backwardPlainWithGateGradient(pass, outputGradient: dOutput)
    }

    /// Back-propagation through time, column by column from the last: accumulates the
    /// gradients of i_s and s_s and returns ∂L/∂x (B, 2h, H, W), given ∂L/∂output (B, h, H, W).
    public func backward(_ pass: DiagonalLSTMForward, outputGradient dOutput: Tensor) -> Tensor {
        precondition(dOutput.shape == pass.outputShape,
                     "DiagonalLSTM.backward: gradient \(dOutput.shape) does not fit output \(pass.outputShape)")
        return ComputePath.isFast && !runsPlainPath ? backwardFast(pass, outputGradient: dOutput)
                                        : backwardPlain(pass, outputGradient: dOutput)
    }

    /// The plain backward, on the (B, C, H, Ws) skewed maps. With dh, dc the gradients
    /// reaching h_k and c_k (from above and from column k+1):
    ///
    ///     dc   = dc_from_{k+1} + dh ⊙ σ(o) ⊙ (1 − tanh²(c_k))
    ///     do   = dh ⊙ tanh(c_k) ⊙ σ(o)(1 − σ(o))          (pre-activation gradients)
    ///     df   = dc ⊙ c_{k−1} ⊙ σ(f)(1 − σ(f))
    ///     di   = dc ⊙ tanh(g) ⊙ σ(i)(1 − σ(i))
    ///     dg   = dc ⊙ σ(i) ⊙ (1 − tanh²(g))
    ///     dc_{k−1} ← dc ⊙ σ(f);   dh_{k−1} += s_sᵀ [do, df, di, dg]
    ///
    /// and non-pixel cells pass nothing on (their h and c are constants, zero).
    public func backwardPlain(_ pass: DiagonalLSTMForward, outputGradient dOutput: Tensor) -> Tensor {
        backwardPlainWithGateGradient(pass, outputGradient: dOutput).input
    }

    /// `backwardPlain`, also returning ∂L/∂z; both in the image frame.
    func backwardPlainWithGateGradient(_ pass: DiagonalLSTMForward, outputGradient dOutput: Tensor) -> (input: Tensor, gates: Tensor) {
        let dz = gateGradientPlain(pass, outputGradient: mirror(dOutput))           // in this direction's frame
        return (mirror(inputToState.backward(input: mirror(pass.input), outputGradient: dz)), mirror(dz))
    }

    /// The fast backward (`backwardColumns`), ∂L/∂x unpacked.
    public func backwardFast(_ pass: DiagonalLSTMForward, outputGradient dOutput: Tensor) -> Tensor {
        backwardColumns(pass, outputGradient: dOutput).input.unskewedTensor(mirrored: mirrored)
    }

    /// `backwardPlain` down to ∂L/∂z (B, 4h, H, W), the gradient of the unskewed input-to-state
    /// map, all in this direction's frame (dOutput too).
    func gateGradientPlain(_ pass: DiagonalLSTMForward, outputGradient dOutput: Tensor) -> Tensor {
        let (batch, h, height, width) = (dOutput.shape[0], hidden, dOutput.shape[2], dOutput.shape[3])
        let ws = Skew.skewedWidth(height: height, width: width)
        // The maps in the order the walk visited them (flipped back for `flipsSkewedMap`).
        let walked: (Tensor) -> Tensor = { self.flipsSkewedMap ? DiagonalBiLSTMBlock.flipLeftRight($0) : $0 }
        var dHidden = walked(Skew.unskewBackward(outputGradient: dOutput)) // (B, h, H, Ws): ∂L/∂h from above
        var dPre = Tensor(zeros: [batch, 4 * h, height, ws])              // (B, 4h, H, Ws): ∂L/∂[o, f, i, g] pre-activations
        var dcCarry = Tensor(zeros: [batch, h, height])                   // ∂L/∂c_k through c_{k+1}
        let (gates, cell, hiddenMap) = (walked(pass.gates.skewedTensor()), walked(pass.cell.skewedTensor()),
                                        walked(pass.hidden.skewedTensor()))
        for k in stride(from: ws - 1, through: 0, by: -1) {
            var nextCarry = Tensor(zeros: [batch, h, height])
            for n in 0..<batch {
                for r in 0..<height where isPixel(row: r, walkedColumn: k, height: height, width: width) {
                    for j in 0..<h {
                        let cPrev: Float = k > 0 ? cell[n, j, r, k - 1] : 0
                        let d = LSTMCell.backward(o: gates[n, j, r, k], f: gates[n, h + j, r, k],
                                                  i: gates[n, 2 * h + j, r, k], g: gates[n, 3 * h + j, r, k],
                                                  tanhC: tanhf(cell[n, j, r, k]), previousCell: cPrev,
                                                  dh: dHidden[n, j, r, k], dcNext: dcCarry.data[(n * h + j) * height + r])
                        dPre[n, j, r, k] = d.dO
                        dPre[n, h + j, r, k] = d.dF
                        dPre[n, 2 * h + j, r, k] = d.dI
                        let g = gates[n, 3 * h + j, r, k]
                        dPre[n, 3 * h + j, r, k] = sigmoidOnContent ? d.dc * gates[n, 2 * h + j, r, k] * g * (1 - g) : d.dG
                        nextCarry.data[(n * h + j) * height + r] = d.dcPrev              // dc_{k−1}
                    }
                }
            }
            dcCarry = nextCarry
            // s_s read h_{k−1}: its gradient flows back into column k−1 (and into W, b).
            let dPreColumn = DiagonalLSTM.column(dPre, k)                               // (B, 4h, H)
            let hPrev = k > 0 ? DiagonalLSTM.column(hiddenMap, k - 1) : Tensor(zeros: [batch, h, height])
            let dhPrev = stateToState.backward(input: hPrev, outputGradient: dPreColumn) // (B, h, H)
            if k > 0 { DiagonalLSTM.addColumn(dhPrev, into: &dHidden, k - 1) }
        }
        return Skew.skewBackward(outputGradient: walked(dPre), width: width)  // ∂z (B, 4h, H, W)
    }

    // MARK: columns of skewed maps (plain path)

    /// Column k of a (B, C, H, Ws) map: (B, C, H).
    static func column(_ map: Tensor, _ k: Int) -> Tensor {
        let (b, c, hh, ws) = (map.shape[0], map.shape[1], map.shape[2], map.shape[3])
        var out = Tensor(zeros: [b, c, hh])
        for i in 0..<(b * c * hh) { out.data[i] = map.data[i * ws + k] }
        return out
    }

    /// map[:, :, :, k] += column.
    static func addColumn(_ column: Tensor, into map: inout Tensor, _ k: Int) {
        let ws = map.shape[3]
        for i in 0..<column.count { map.data[i * ws + k] += column.data[i] }
    }
}

/// What one direction's forward pass computed. The skewed maps (B, C, H, Ws), Ws = H + W − 1,
/// are kept packed column by column (`SkewedColumns`: pixel cells only; `skewedTensor()`
/// gives the map itself, zeros off the pixels). For a mirrored direction (`bwd`) the skewed
/// maps are in its own frame, the left–right flipped image; its input and output are in the
/// image frame.
public struct DiagonalLSTMForward {
    /// x, the direction's input (B, 2h, H, W), in the image frame.
    public var input: Tensor
    /// The activated gates [σ(o), σ(f), σ(i), tanh(g)], channel blocks of h: 4h channels.
    public var gates: SkewedColumns
    /// The cell states c: h channels (stored with a zero row above and below each column).
    public var cell: SkewedColumns
    /// tanh(c), as the forward pass computed it for h: h channels. Kept for backward, which
    /// would otherwise compute it again.
    public var cellTanh: SkewedColumns
    /// The hidden states h: h channels (stored with a zero row above and below each column).
    public var hidden: SkewedColumns
    /// True for a pass of a mirrored direction.
    public var mirrored: Bool
    /// x skewed and packed as the walk read it (skew(flip(x)) for a mirrored direction), 2h
    /// channels: what the fast backward of i_s reads (rather than packing x again).
    public var inputColumns: SkewedColumns

    public init(input: Tensor, gates: SkewedColumns, cell: SkewedColumns, cellTanh: SkewedColumns, hidden: SkewedColumns,
                mirrored: Bool, inputColumns: SkewedColumns) {
        self.input = input
        self.inputColumns = inputColumns
        self.gates = gates
        self.cell = cell
        self.cellTanh = cellTanh
        self.hidden = hidden
        self.mirrored = mirrored
    }

    /// unskew(hidden), (B, h, H, W), in the image frame: for a mirrored direction flipped
    /// back, flip(unskew(hidden)). Unpacked from `hidden` on each call (not kept).
    public var output: Tensor { hidden.unskewedTensor(mirrored: mirrored) }

    /// The shape of `output`, (B, h, H, W).
    public var outputShape: [Int] { [hidden.batch, hidden.channels, hidden.height, hidden.width] }
}

/// A forward pass of one direction in progress, one skewed column per `step()`.
/// `DiagonalLSTM.forward` and `DiagonalTrace` both run it, so a traced pass computes
/// exactly the numbers of an ordinary one.
public final class DiagonalLSTMWalk {
    public let lstm: DiagonalLSTM
    /// x (B, 2h, H, W), in the image frame (a mirrored direction walks flip(x)).
    public let input: Tensor
    /// The conditioning bias (B, 4h, H, W) added to i_s(x), if any, in the image frame.
    public let inputToStateBias: Tensor?
    public let batch: Int
    public let height: Int
    public let width: Int
    /// H + W − 1.
    public let skewedWidth: Int
    /// Which path computes the columns.
    public let fastPath: Bool
    /// The next skewed column `step()` computes (= the number of columns done).
    public private(set) var nextColumn = 0

    // Plain path: the skewed maps themselves, (B, C, H, Ws).
    var skewedZ = Tensor(zeros: [0])
    var gatesMap = Tensor(zeros: [0])
    var cellMap = Tensor(zeros: [0])
    var hiddenMap = Tensor(zeros: [0])
    // Fast path: the same maps packed column by column, zeros until step k writes column k;
    // and x (and the conditioning bias) packed the same way, from which step k forms column k of zˢ.
    var inputColumns: SkewedColumns!
    var biasColumns: SkewedColumns?
    var inputWeights: [Float] = []
    var gateColumns: SkewedColumns!
    var cellColumns: SkewedColumns!
    var cellTanhColumns: SkewedColumns!
    var hiddenColumns: SkewedColumns!
    var stateWeights: (tap0: [Float], tap1: [Float]) = ([], [])

    init(lstm: DiagonalLSTM, input x: Tensor, fastPath: Bool, inputToStateBias: Tensor? = nil) {
        precondition(x.rank == 4 && x.shape[1] == 2 * lstm.hidden,
                     "DiagonalLSTM: expected (B, \(2 * lstm.hidden), H, W), got \(x.shape)")
        self.lstm = lstm
        self.input = x
        self.fastPath = fastPath
        (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])
        skewedWidth = Skew.skewedWidth(height: height, width: width)
        self.inputToStateBias = inputToStateBias
        let h = lstm.hidden
        if fastPath {
            prepareFast()
        } else {
            skewedZ = Skew.skew(inputToState)                           // (B, 4h, H, Ws)
            if lstm.flipsSkewedMap { skewedZ = DiagonalBiLSTMBlock.flipLeftRight(skewedZ) }   // the bug
            gatesMap = Tensor(zeros: [batch, 4 * h, height, skewedWidth])
            cellMap = Tensor(zeros: [batch, h, height, skewedWidth])
            hiddenMap = Tensor(zeros: [batch, h, height, skewedWidth])
        }
    }

    /// True when every column has been computed.
    public var isFinished: Bool { nextColumn >= skewedWidth }

    /// Computes skewed column `nextColumn` and moves on. Returns false (doing nothing)
    /// when the walk is already finished.
    @discardableResult
    public func step() -> Bool {
        guard !isFinished else { return false }
        if fastPath { stepFast(nextColumn) } else { stepPlain(nextColumn) }
        nextColumn += 1
        return true
    }

    /// i_s(x), after its bias (and the conditioning bias, if any), unskewed (B, 4h, H, W), in
    /// the direction's own frame: i_s(flip(x)) for a mirrored one. (Computed on each call; the
    /// fast path itself forms it column by column.)
    public var inputToState: Tensor {
        let z = lstm.inputToState.forward(lstm.mirror(input))          // (B, 4h, H, W)
        return inputToStateBias.map { z + lstm.mirror($0) } ?? z       // + the conditioning bias, if any
    }

    /// The skewed input-to-state map zˢ = skew(i_s(x)), (B, 4h, H, Ws), in the direction's frame.
    public var skewedInputToState: Tensor { fastPath ? Skew.skew(inputToState) : skewedZ }
    /// The activated gates so far [σ(o), σ(f), σ(i), tanh(g)], (B, 4h, H, Ws); zero in columns not yet computed.
    public var gates: Tensor { fastPath ? gateColumns.skewedTensor() : gatesMap }
    /// The cell states so far, (B, h, H, Ws).
    public var cell: Tensor { fastPath ? cellColumns.skewedTensor() : cellMap }
    /// The hidden states so far, (B, h, H, Ws).
    public var hidden: Tensor { fastPath ? hiddenColumns.skewedTensor() : hiddenMap }

    /// The finished pass (call when `isFinished`).
    public func result() -> DiagonalLSTMForward {
        precondition(isFinished, "DiagonalLSTMWalk.result: \(skewedWidth - nextColumn) columns still to go")
        if fastPath {
            return DiagonalLSTMForward(input: input, gates: gateColumns, cell: cellColumns, cellTanh: cellTanhColumns,
                                       hidden: hiddenColumns, mirrored: lstm.mirrored, inputColumns: inputColumns)
        }
        // With `flipsSkewedMap` the maps are flipped back before they are packed.
        let unwalked: (Tensor) -> Tensor = { self.lstm.flipsSkewedMap ? DiagonalBiLSTMBlock.flipLeftRight($0) : $0 }
        let cellMap = unwalked(self.cellMap)
        return DiagonalLSTMForward(input: input, gates: SkewedColumns(packing: unwalked(gatesMap), width: width),
                                   cell: SkewedColumns(packing: cellMap, width: width, pad: 1),
                                   cellTanh: SkewedColumns(packing: Activation.tanh(cellMap), width: width),
                                   hidden: SkewedColumns(packing: unwalked(hiddenMap), width: width, pad: 1), mirrored: lstm.mirrored,
                                   inputColumns: SkewedColumns(skewing: input, mirrored: lstm.mirrored))
    }

    /// The plain column step, on the (B, C, H, Ws) maps.
    func stepPlain(_ k: Int) {
        let h = lstm.hidden
        // The previous column's hidden state (zeros before the first column).
        let hPrev = k > 0 ? DiagonalLSTM.column(hiddenMap, k - 1) : Tensor(zeros: [batch, h, height])   // (B, h, H)
        // [o, f, i, g] = s_s ⊛ h_{k−1} + zˢ[:, :, :, k]                                                   (B, 4h, H)
        var pre = lstm.stateToState.forward(hPrev)
        for n in 0..<batch {
            for o in 0..<(4 * h) {
                for r in 0..<height { pre.data[(n * 4 * h + o) * height + r] += skewedZ[n, o, r, k] }
            }
        }
        for n in 0..<batch {
            // Cells that are not pixels keep h = c = 0 (and show zero gates).
            for r in 0..<height where lstm.isPixel(row: r, walkedColumn: k, height: height, width: width) {
                for j in 0..<h {
                    let cPrev: Float = k > 0 ? cellMap[n, j, r, k - 1] : 0
                    // c_k = σ(f) ⊙ c_{k−1} + σ(i) ⊙ tanh(g);  h_k = σ(o) ⊙ tanh(c_k)
                    let cell = LSTMCell.forward(o: pre.data[(n * 4 * h + j) * height + r],
                                                f: pre.data[(n * 4 * h + h + j) * height + r],
                                                i: pre.data[(n * 4 * h + 2 * h + j) * height + r],
                                                g: pre.data[(n * 4 * h + 3 * h + j) * height + r], previousCell: cPrev,
                                                sigmoidOnContent: lstm.sigmoidOnContent)
                    gatesMap[n, j, r, k] = cell.o
                    gatesMap[n, h + j, r, k] = cell.f
                    gatesMap[n, 2 * h + j, r, k] = cell.i
                    gatesMap[n, 3 * h + j, r, k] = cell.g
                    cellMap[n, j, r, k] = cell.cell
                    hiddenMap[n, j, r, k] = cell.hidden
                }
            }
        }
    }
}
