/// Steps through one Row LSTM block's forward pass one row at a time (paper §3.1).
///
/// At creation the input-to-state map K^is ⊛ x is computed for the whole image at once,
/// exactly as the layer does; each `step()` then runs the recurrence for one row:
///
///     [o, f, i, g] = σ, σ, σ, tanh of  (K^is ⊛ x)[r] + K^ss ⊛ h_{r−1}
///     c_r = f ⊙ c_{r−1} + i ⊙ g,   h_r = o ⊙ tanh(c_r)
///
/// The row computation is the one `RowLSTMBlock.forward` runs (`RowLSTMRecurrence`, plain or
/// fast path alike), so the traced values are exactly those of the forward pass on the same input. The maps hold NaN in the rows
/// not computed yet. One image (B = 1). The library side only: nothing is printed.
public final class RowLSTMTrace {
    /// The traced block.
    public let block: RowLSTMBlock
    /// x, the block's input: (1, 2h, H, W).
    public let input: Tensor
    /// K^is ⊛ x for the whole map: (1, 4h, H, W).
    public let inputToState: Tensor
    /// H and W of the map.
    public let height: Int
    public let width: Int

    /// h: (1, h, H, W); rows not computed yet are NaN.
    public var hidden: Tensor { maps.hidden }
    /// c: (1, h, H, W); rows not computed yet are NaN.
    public var cell: Tensor { maps.cell }
    /// The gates before their nonlinearities, [o, f, i, g] groups: (1, 4h, H, W); NaN rows not computed yet.
    public var gates: Tensor { maps.gates }
    /// The gates after σ, σ, σ, tanh: (1, 4h, H, W); NaN rows not computed yet.
    public var gateValues: Tensor { maps.gateValues }
    /// Every step taken so far, in order.
    public private(set) var steps: [RowLSTMTraceStep] = []

    private var maps: RowLSTMMaps
    private let recurrence: RowLSTMRecurrence
    private let order: [Int]

    /// A trace of `block` on `x` (1, 2h, H, W), before any row is computed.
    public init(block: RowLSTMBlock, input x: Tensor) {
        precondition(x.rank == 4 && x.shape[0] == 1 && x.shape[1] == 2 * block.hidden,
                     "RowLSTMTrace: expected x of shape (1, \(2 * block.hidden), H, W), got \(x.shape)")
        self.block = block
        self.input = x
        (height, width) = (x.shape[2], x.shape[3])
        inputToState = block.inputToState.forward(x)
        maps = RowLSTMMaps(batch: 1, hidden: block.hidden, height: height, width: width, fill: .nan)
        recurrence = RowLSTMRecurrence(block: block, images: 0..<1, height: height, width: width)
        order = block.recurrenceOrder(height: height)
    }

    /// A trace of block `layer` of `network` on one image `pixels` (1, C, H, W): the block's
    /// input is the residual stream the network computes before it.
    public convenience init(network: any ResidualStack, layer: Int, pixels: Tensor) throws {
        guard layer >= 0 && layer < network.blocks.count else {
            throw ModelError.invalidConfig("layer must be 0…\(network.blocks.count - 1), got \(layer)")
        }
        guard let block = network.blocks[layer] as? RowLSTMBlock else {
            throw ModelError.notAvailable("block \(layer) is not a Row LSTM layer")
        }
        guard pixels.rank == 4 && pixels.shape[0] == 1 && pixels.shape[1] == network.config.colors else {
            throw ModelError.shapeMismatch("expected one image (1, \(network.config.colors), H, W), got \(pixels.shape)")
        }
        self.init(block: block, input: network.stream(enteringBlock: layer, pixels: pixels))   // only the layers before it
    }

    /// How many rows have been computed.
    public var rowsDone: Int { steps.count }

    /// The row the next `step()` computes; `height` once finished.
    public var currentRow: Int { isFinished ? height : order[steps.count] }

    /// True when every row has been computed.
    public var isFinished: Bool { steps.count == height }

    /// The last step taken, if any.
    public var lastStep: RowLSTMTraceStep? { steps.last }

    /// Computes the next row and returns what it computed. Must not be called once finished.
    @discardableResult
    public func step() -> RowLSTMTraceStep {
        precondition(!isFinished, "RowLSTMTrace: every row has been computed")
        let r = order[steps.count]
        recurrence.computeRow(r, inputToState: inputToState, maps: &maps)
        let h = block.hidden
        let s = RowLSTMTraceStep(row: r, hiddenSize: h, width: width,
                                 preActivation: maps.gates.mapRow(r).reshaped([4 * h, width]),
                                 gateValues: maps.gateValues.mapRow(r).reshaped([4 * h, width]),
                                 cell: maps.cell.mapRow(r).reshaped([h, width]),
                                 hidden: maps.hidden.mapRow(r).reshaped([h, width]))
        steps.append(s)
        return s
    }

    /// Computes every remaining row ("continue") and returns those steps.
    @discardableResult
    public func finish() -> [RowLSTMTraceStep] {
        var done: [RowLSTMTraceStep] = []
        while !isFinished { done.append(step()) }
        return done
    }

    /// F(x) = out(h), available once every row is computed: (1, 2h, H, W).
    public var residual: Tensor? {
        isFinished ? block.out.forward(hidden) : nil
    }
}

/// Mean, smallest and largest value of one gate over a row (all h channels, all columns).
public struct GateStatistics: Equatable, Sendable {
    public let gate: LSTMGate
    public let mean: Float
    public let min: Float
    public let max: Float
}

/// What one step of a `RowLSTMTrace` computed: one row of the map.
public struct RowLSTMTraceStep {
    /// The row index r.
    public let row: Int
    /// h, the hidden size.
    public let hiddenSize: Int
    /// W, the row length.
    public let width: Int
    /// z = (K^is ⊛ x)[r] + K^ss ⊛ h_{r−1}, [o, f, i, g] groups: (4h, W).
    public let preActivation: Tensor
    /// σ(o), σ(f), σ(i), tanh(g): (4h, W).
    public let gateValues: Tensor
    /// c_r: (h, W).
    public let cell: Tensor
    /// h_r: (h, W).
    public let hidden: Tensor

    /// One gate of this row after its nonlinearity: (h, W).
    public func gate(_ g: LSTMGate) -> Tensor {
        let n = hiddenSize * width
        return Tensor(shape: [hiddenSize, width], data: Array(gateValues.data[(g.rawValue * n)..<((g.rawValue + 1) * n)]))
    }

    /// Mean / min / max of each gate over the row, in the order [o, f, i, g].
    public var statistics: [GateStatistics] {
        LSTMGate.allCases.map { g in
            let values = gate(g).data
            var s = 0.0
            for v in values { s += Double(v) }
            return GateStatistics(gate: g, mean: Float(s / Double(values.count)),
                                  min: values.min() ?? .nan, max: values.max() ?? .nan)
        }
    }
}
