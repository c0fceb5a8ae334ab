import Foundation

/// The Row LSTM residual block (paper §3.1 and Figure 5, middle; Models/RowLSTM/README.md).
///
/// The hidden state of a whole row is computed at once, rows top to bottom:
///
///     [o_r, f_r, i_r, g_r] = σ, σ, σ, tanh of  (K^is ⊛ x)[row r] + K^ss ⊛ h_{r−1}     (paper eq. 3)
///     c_r = f_r ⊙ c_{r−1} + i_r ⊙ g_r
///     h_r = o_r ⊙ tanh(c_r)
///     F(x) = out(h)
///
/// - `inputToState` (checkpoint name `i_s`), the input-to-state convolution K^is: 1×3 along the row, mask B, 2h → 4h,
///   computed for the whole map at once (it only reads the current row of x).
/// - `stateToState` (checkpoint name `s_s`), the state-to-state convolution K^ss: 1-D, width 3, zero padding 1, h → 4h,
///   unmasked, over the previous row's hidden states; h_{−1} = c_{−1} = 0.
/// - `out`: 1×1, mask B, h → 2h.
///
/// The 4h channels of a gate map are four h-channel groups in the paper's order
/// [o, f, i, g]: channels 0..<h are o, h..<2h are f, 2h..<3h are i, 3h..<4h are g.
///
/// Colours (C = 3): channel k of every map belongs to colour k mod 3 (`colourGroup`); with h
/// a multiple of 3, o_k, f_k, i_k, g_k, c_k and h_k all share state k's colour. i_s and out
/// carry mask B; K^ss stays unmasked, as in the paper, because it reads only the previous
/// row, which is entirely in the past for every colour.
///
/// Receptive field: h_r at column j reads h_{r−1} at j−1…j+1, so the field grows by one
/// column on each side per row going up — a triangle above the pixel, not the whole context.
public final class RowLSTMBlock: ResidualBlock {
    /// h, the number of hidden states per pixel.
    public let hidden: Int
    /// K^is: 1×3 mask B, 2h → 4h.
    public let inputToState: Conv2d
    /// K^ss: width-3 1-D convolution, h → 4h, unmasked.
    public let stateToState: RowStateToState
    /// 1×1 mask B, h → 2h.
    public let out: Conv2d

    /// Test-only: a deliberately wrong variant (one of the known bugs of public code),
    /// so tests can show that their checks catch it. nil for the real block.
    let knownBug: RowLSTMKnownBug?

    /// A block for `hidden` = h, initialised from `seed`.
    public convenience init(hidden: Int, colors: Int, seed: UInt64) {
        self.init(hidden: hidden, colors: colors, seed: seed, knownBug: nil)
    }

    /// A block for `hidden` = h with the variant `switches` asks for: `--bug sigmoid-g` is
    /// the test variant `sigmoidOnContent` (run on the plain path).
    public convenience init(hidden: Int, colors: Int, seed: UInt64, switches: BlockSwitches) {
        self.init(hidden: hidden, colors: colors, seed: seed, knownBug: switches.bug == .sigmoidG ? .sigmoidOnContent : nil)
    }

    init(hidden: Int, colors: Int, seed: UInt64, knownBug: RowLSTMKnownBug?) {
        self.hidden = hidden
        self.knownBug = knownBug
        inputToState = Conv2d(inChannels: 2 * hidden, outChannels: 4 * hidden, kernelHeight: 1, kernelWidth: 3,
                     mask: knownBug == .inputToStateUnmasked ? nil : .B, colors: colors, seed: SeededGenerator.derivedSeed(seed, stream: 1))
        stateToState = RowStateToState(inChannels: hidden, outChannels: 4 * hidden, kernelWidth: 3, seed: SeededGenerator.derivedSeed(seed, stream: 2))
        out = Conv2d(inChannels: hidden, outChannels: 2 * hidden, kernelHeight: 1, kernelWidth: 1,
                     mask: .B, colors: colors, seed: SeededGenerator.derivedSeed(seed, stream: 3))
    }

    public var namedParameters: [(String, Parameter)] {
        prefixedParameters([("i_s", inputToState.namedParameters), ("s_s", stateToState.namedParameters),
                            ("out", out.namedParameters)])
    }

    /// The order in which the recurrence visits the rows: top to bottom.
    func recurrenceOrder(height: Int) -> [Int] {
        knownBug == .stateFromRowBelow ? Array((0..<height).reversed()) : Array(0..<height)
    }

    // MARK: - Forward

    /// Whether forward and backward take the fused fast path (RowLSTMFastPath.swift) rather
    /// than the plain path written out below: with `ComputePath.current == .fast`, for the real
    /// block only (the test-only buggy variants run plain). Tests hold the two equal.
    var usesFastPath: Bool { ComputePath.isFast && knownBug == nil }

    /// F(x) for x (B, 2h, H, W). Keeps the `RowLSTMMaps`: the gates before (`gates`) and
    /// after (`gateValues`) σ, σ, σ, tanh ((B, 4h, H, W)), `cell`, `cellTanh` (tanh c, for
    /// backward) and `hidden` ((B, h, H, W)).
    public func forward(_ x: Tensor) -> BlockForward { forward(x, inputToStateBias: nil) }

    /// F(x) with `inputToStateBias` (B, 4h, H, W), if given, added to the input-to-state map
    /// K^is ⊛ x: how the multi-scale PixelRNN's conditional network is biased (paper §3.6).
    public func forward(_ x: Tensor, inputToStateBias bias: Tensor?) -> BlockForward {
        precondition(x.rank == 4 && x.shape[1] == 2 * hidden,
                     "RowLSTMBlock: expected (B, \(2 * hidden), H, W), got \(x.shape)")
        let (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])

        // Input-to-state for the whole map at once: K^is ⊛ x (+ the conditioning bias).
        var inputToState = self.inputToState.forward(x)                           // (B, 4h, H, W)
        if let bias { inputToState += bias }

        // The recurrence, one row at a time, top to bottom; h_{−1} = c_{−1} = 0.
        var maps = RowLSTMMaps(batch: batch, hidden: hidden, height: height, width: width)
        if usesFastPath {
            forwardRecurrenceFast(inputToState: inputToState, maps: &maps)
        } else {
            let recurrence = RowLSTMRecurrence(block: self, images: 0..<batch, height: height, width: width)
            for r in recurrenceOrder(height: height) {
                recurrence.computeRow(r, inputToState: inputToState, maps: &maps)   // calls `step` below
            }
        }

        let residual = out.forward(maps.hidden)                     // F(x) = out(h)   (B, 2h, H, W)
        return BlockForward(input: x, residual: residual, activations: maps)
    }

    /// One step of the recurrence, the plain way: row r from its input-to-state row and the
    /// previous row's h and c (zeros above the first row). All (B, ·, W).
    ///
    ///     z = (K^is ⊛ x)[r] + K^ss ⊛ h_{r−1}          (B, 4h, W), split [o, f, i, g]
    ///     c_r = σ(f) ⊙ c_{r−1} + σ(i) ⊙ tanh(g)
    ///     h_r = σ(o) ⊙ tanh(c_r)
    func step(inputToStateRow: Tensor, previousHidden hPrev: Tensor, previousCell cPrev: Tensor) -> RowLSTMRowValues {
        let (batch, width, h) = (hPrev.shape[0], hPrev.shape[2], hidden)
        let z = inputToStateRow + stateToState.forward(hPrev)                // (B, 4h, W)
        var a = Tensor(zeros: z.shape)                              // σ(o), σ(f), σ(i), tanh(g)
        var c = Tensor(zeros: [batch, h, width])                    // (B, h, W)
        var cTanh = Tensor(zeros: [batch, h, width])
        var hNew = Tensor(zeros: [batch, h, width])
        let sigmoidOnContent = knownBug == .sigmoidOnContent
        for n in 0..<batch {
            for k in 0..<h {
                for j in 0..<width {
                    // Gate q ∈ [o, f, i, g] of state k is channel q·h + k of z.
                    let (zo, zf, zi, zg) = (((n * 4 + 0) * h + k) * width + j, ((n * 4 + 1) * h + k) * width + j,
                                            ((n * 4 + 2) * h + k) * width + j, ((n * 4 + 3) * h + k) * width + j)
                    let s = (n * h + k) * width + j
                    // c = σ(f) ⊙ c_prev + σ(i) ⊙ tanh(g);  h = σ(o) ⊙ tanh(c)
                    let cell = LSTMCell.forward(o: z.data[zo], f: z.data[zf], i: z.data[zi], g: z.data[zg],
                                                previousCell: cPrev.data[s], sigmoidOnContent: sigmoidOnContent)
                    (a.data[zo], a.data[zf], a.data[zi], a.data[zg]) = (cell.o, cell.f, cell.i, cell.g)
                    (c.data[s], cTanh.data[s], hNew.data[s]) = (cell.cell, cell.cellTanh, cell.hidden)
                }
            }
        }
        return RowLSTMRowValues(gates: z, gateValues: a, cell: c, cellTanh: cTanh, hidden: hNew)
    }

    // MARK: - Backward

    /// Back-propagation through time, row by row from the bottom up. Accumulates the
    /// gradients of i_s, s_s and out, and returns ∂L/∂x through F.
    public func backward(_ pass: BlockForward, outputGradient dResidual: Tensor) -> Tensor {
        backwardWithGateGradient(pass, outputGradient: dResidual).input
    }

    /// `backward`, also returning ∂L/∂z (B, 4h, H, W), the gradient of the input-to-state
    /// map — and so of a bias added to it (`forward(_:inputToStateBias:)`).
    public func backwardWithGateGradient(_ pass: BlockForward, outputGradient dResidual: Tensor) -> (input: Tensor, gates: Tensor) {
        let dGates = usesFastPath ? gateGradientFast(pass, outputGradient: dResidual) : gateGradientPlain(pass, outputGradient: dResidual)
        // The input-to-state path, every row at once: ∂L/∂x = K^isᵀ ⋆ ∂z.
        return (inputToState.backward(input: pass.input, outputGradient: dGates), dGates)     // (B, 2h, H, W)
    }

    /// The plain backward, written out with Tensors, down to ∂L/∂z (the gates' pre-activations).
    func gateGradientPlain(_ pass: BlockForward, outputGradient dResidual: Tensor) -> Tensor {
        let maps = pass.activations(as: RowLSTMMaps.self)
        let (gateValues, cell, hiddenMap, cellTanh) = (maps.gateValues, maps.cell, maps.hidden, maps.cellTanh)
        let (batch, height, width) = (cell.shape[0], cell.shape[2], cell.shape[3])
        let h = hidden
        let sigmoidOnContent = knownBug == .sigmoidOnContent

        // F = out(h): ∂L/∂h_r from the output convolution, every row at once.
        let dHiddenOut = out.backward(input: hiddenMap, outputGradient: dResidual)   // (B, h, H, W)

        var dGates = Tensor(zeros: gateValues.shape)       // ∂L/∂z, pre-activations   (B, 4h, H, W)
        let zeroRow = Tensor(zeros: [batch, h, width])
        var dhNext = zeroRow                                // ∂L/∂h_r through row r+1's K^ss ⊛ h_r
        var dcNext = zeroRow                                // ∂L/∂c_r through c_{r+1} = f_{r+1} ⊙ c_r + …
        let order = recurrenceOrder(height: height)
        for t in stride(from: height - 1, through: 0, by: -1) {
            let r = order[t]
            let previous: Int? = t > 0 ? order[t - 1] : nil     // the row whose h, c this row read
            let a = gateValues.mapRow(r)                         // (B, 4h, W)
            let cTanh = cellTanh.mapRow(r)                       // tanh(c_r)   (B, h, W)
            let cPrev = previous.map { cell.mapRow($0) } ?? zeroRow
            // h_r feeds the output and the next row.
            let dh = dHiddenOut.mapRow(r) + dhNext               // (B, h, W)
            var dz = Tensor(zeros: a.shape)                      // (B, 4h, W)
            var dcPrev = Tensor(zeros: [batch, h, width])
            for n in 0..<batch {
                for k in 0..<h {
                    let (zo, zf, zi, zg) = (((n * 4 + 0) * h + k) * width, ((n * 4 + 1) * h + k) * width,
                                            ((n * 4 + 2) * h + k) * width, ((n * 4 + 3) * h + k) * width)
                    let s = (n * h + k) * width
                    for j in 0..<width {
                        let (o, f, i, g) = (a.data[zo + j], a.data[zf + j], a.data[zi + j], a.data[zg + j])
                        // Back through h = o ⊙ tanh(c) and c = f ⊙ c_prev + i ⊙ g, then the nonlinearities.
                        let d = LSTMCell.backward(o: o, f: f, i: i, g: g, tanhC: cTanh.data[s + j],
                                                  previousCell: cPrev.data[s + j], dh: dh.data[s + j],
                                                  dcNext: dcNext.data[s + j])
                        dcPrev.data[s + j] = d.dcPrev
                        (dz.data[zo + j], dz.data[zf + j], dz.data[zi + j]) = (d.dO, d.dF, d.dI)
                        dz.data[zg + j] = sigmoidOnContent ? d.dc * i * g * (1 - g) : d.dG
                    }
                }
            }
            dGates.setMapRow(r, dz)
            // z_r = (K^is ⊛ x)[r] + K^ss ⊛ h_{r−1}: the state-to-state path carries ∂z_r to h_{r−1}
            // (and to K^ss, whose bias is used at every row, row 0 included).
            let hPrev = previous.map { hiddenMap.mapRow($0) } ?? zeroRow
            dhNext = stateToState.backward(input: hPrev, outputGradient: dz)          // (B, h, W)
            dcNext = dcPrev
        }
        return dGates
    }
}

/// What one step of the Row LSTM recurrence computed for one row (all (B, ·, W)).
struct RowLSTMRowValues {
    /// z, the gates before their nonlinearities, [o, f, i, g] groups: (B, 4h, W).
    var gates: Tensor
    /// σ(o), σ(f), σ(i), tanh(g): (B, 4h, W).
    var gateValues: Tensor
    /// c_r: (B, h, W).
    var cell: Tensor
    /// tanh(c_r): (B, h, W).
    var cellTanh: Tensor
    /// h_r: (B, h, W).
    var hidden: Tensor
}

/// Test-only variants with a known bug of public PixelRNN code (Models README, "The network"), so that the
/// tests can show their checks would catch it.
enum RowLSTMKnownBug: Equatable {
    /// i_s without its mask: the input-to-state convolution sees the right neighbour.
    case inputToStateUnmasked
    /// The recurrence runs bottom to top: each row's state-to-state input is the row below.
    case stateFromRowBelow
    /// σ instead of tanh on the content gate g.
    case sigmoidOnContent
}

extension Tensor {
    /// Row r of a map (B, C, H, W), as (B, C, W).
    func mapRow(_ r: Int) -> Tensor {
        precondition(rank == 4 && r >= 0 && r < shape[2], "mapRow: row \(r) of \(shape)")
        let (b, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        var out = Tensor(zeros: [b, c, w])
        data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                for nc in 0..<(b * c) {
                    let s = (nc * h + r) * w, d = nc * w
                    for j in 0..<w { dst[d + j] = src[s + j] }
                }
            }
        }
        return out
    }

    /// Writes `values` (B, C, W) into row r of a map (B, C, H, W).
    mutating func setMapRow(_ r: Int, _ values: Tensor) {
        precondition(rank == 4 && values.shape == [shape[0], shape[1], shape[3]] && r >= 0 && r < shape[2],
                     "setMapRow: \(values.shape) into row \(r) of \(shape)")
        let (h, w) = (shape[2], shape[3])
        let count = shape[0] * shape[1]
        values.data.withUnsafeBufferPointer { src in
            data.withUnsafeMutableBufferPointer { dst in
                for nc in 0..<count {
                    let d = (nc * h + r) * w, s = nc * w
                    for j in 0..<w { dst[d + j] = src[s + j] }
                }
            }
        }
    }
}
