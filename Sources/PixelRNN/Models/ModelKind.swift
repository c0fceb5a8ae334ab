/// A kind of network: `pixelcnn`, `rowlstm`, `diagbilstm` (paper Table 1 / §3) — the name used
/// in commands and in checkpoints' `model` metadata. What a kind is made of and what the generic
/// code may ask of it is its entry in `ModelKinds.table`.
public struct ModelKind: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The name, e.g. `rowlstm`.
    public let rawValue: String

    /// The kind of that name, if the table has one.
    public init?(rawValue: String) {
        guard ModelKinds.table.contains(where: { $0.kind.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    /// A name for a table entry.
    init(entryName: String) { rawValue = entryName }

    /// The PixelCNN (paper §3.4).
    public static let pixelcnn = ModelKind(entryName: "pixelcnn")
    /// The Row LSTM (paper §3.1).
    public static let rowlstm = ModelKind(entryName: "rowlstm")
    /// The Diagonal BiLSTM (paper §3.2).
    public static let diagbilstm = ModelKind(entryName: "diagbilstm")

    /// Every kind, in the table's order (`help`, completion, `benchmark --model all`).
    public static var allCases: [ModelKind] { ModelKinds.table.map(\.kind) }

    /// The kind's entry in the table.
    public var entry: ModelKindEntry { ModelKinds.table.first { $0.kind == self }! }

    /// The name used in the paper, e.g. "Row LSTM".
    public var paperName: String { self == .multiscale ? "Multi-Scale PixelRNN" : entry.paperName }

    public var description: String { rawValue }
}

/// Everything the generic code (network, trainer, sampler, trace, benchmark, REPL) knows
/// about one model kind. A model folder (`Models/<Model>/<Model>Kind.swift`) defines one
/// (with the memberwise initialiser); `ModelKinds.table` lists them.
public struct ModelKindEntry: Sendable {
    /// The kind's name.
    public let kind: ModelKind
    /// The name used in the paper.
    public let paperName: String
    /// Makes one residual block: hidden h, colours C, the block's own (derived) seed, and the
    /// switches choosing a variant (a known bug).
    public let makeBlock: @Sendable (_ hidden: Int, _ colors: Int, _ seed: UInt64, _ switches: BlockSwitches) -> ResidualBlock
    /// For `MemoryEstimate`: about how many floats per pixel, per unit of h, one block keeps
    /// for backward in a training step (its input and the maps its backward reads).
    public let floatsPerPixelPerHidden: Int
    /// Whether a training step runs faster as two halves of the batch, one per core
    /// (`PixelNetwork+Halves`), than with the layers' own splits (measured with `benchmark`).
    public let splitsBatchInHalves: Bool
    /// Whether the blocks sample one position at a time (`IncrementalBlock`); when false,
    /// sampling takes the reference path (a full forward pass per pixel) and says so.
    public let samplesIncrementally: Bool
    /// The checkpoint-name suffixes of weights applied at every cell of a skewed map
    /// (H·(H + W − 1) positions per image rather than H·W), for `OperationCount`.
    public let skewedMapWeights: [String]
    /// What `trace` steps through.
    public let trace: TraceSupport
    /// `benchmark`'s targets on 2 cores (L = 7, h = 16, batch 16).
    public let benchmarkTarget: BenchmarkTarget
    /// Makes a network of this kind with fresh weights drawn from the seed (what `model new`,
    /// `Checkpoint.load` and `benchmark` call, through `ModelKinds.makeNetwork`); throws
    /// `ModelError` for impossible configurations. By default a `PixelNetwork` (input layer,
    /// L blocks from `makeBlock`, head); a kind made of other parts (two networks, a
    /// conditioning input) sets its own.
    public var makeNetwork: @Sendable (_ config: ModelConfig, _ seed: UInt64) throws -> any PixelModel = {
        try PixelNetwork(config: $0, seed: $1)
    }
    /// The number of parameters of a network of this kind, without building it
    /// (`MemoryEstimate`, and `Checkpoint.load` before it allocates); by default a
    /// `PixelNetwork`'s count.
    public var countParameters: @Sendable (_ config: ModelConfig) throws -> Int = {
        try PixelNetwork.parameterCount(config: $0)
    }
    /// About how many floats a network of this kind keeps per image of height×width for
    /// backward, without building it (`MemoryEstimate`); by default a `PixelNetwork`'s.
    public var countActivationFloats: @Sendable (_ config: ModelConfig, _ height: Int, _ width: Int) -> Double = {
        PixelNetwork.activationFloatsPerImage(config: $0, height: $1, width: $2)
    }
    /// How many images a training step (and `logits`) takes through the whole network at a
    /// time, on each core (`PixelNetwork+Halves`, `lossAndGradientInPasses`); nil: all of its
    /// images in one pass. One image at a time keeps a PixelCNN's or a Row LSTM's maps in
    /// the core's cache from one layer (or row) to the next, though the Row LSTM's row
    /// products then have n = W columns instead of 8W (measured: 20 Row LSTM training steps
    /// took 2.40 → 1.75 s of CPU). 1 also has the two cores take the images in turn, in
    /// training (`PixelNetwork+ImagesInTurn`) and in `logits`.
    public var imagesPerPass: Int? = nil

    /// What `trace` does with a kind.
    public enum TraceSupport: Sendable, Equatable {
        /// Each `step` computes one `unit` ("row", "diagonal") of a block.
        case steps(unit: String)
        /// No block trace; the sentence says why (shown when one is asked for).
        case none(why: String)
    }

    /// `benchmark`'s targets for a kind.
    public struct BenchmarkTarget: Sendable, Equatable {
        /// Training images per second (issue 6).
        public let trainingImagesPerSecond: Double
        /// Training FLOP/s as a share of the sgemm peak (issue 12), where one is set.
        public let shareOfPeak: Double?

        public init(trainingImagesPerSecond: Double, shareOfPeak: Double? = nil) {
            self.trainingImagesPerSecond = trainingImagesPerSecond
            self.shareOfPeak = shareOfPeak
        }
    }
}

/// The table of model kinds, registered the way `CommandRegistry.families` registers the
/// REPL's commands: adding a model kind is a folder `Models/<Model>/` defining its
/// `ModelKindEntry`, and one line here.
public enum ModelKinds {
    /// Every model kind, in the order they are listed.
    public static let table: [ModelKindEntry] = [
        .pixelCNN,
        .rowLSTM,
        .diagonalBiLSTM,
    ]

    /// A fresh network of `config` (its kind's `makeNetwork`; a `MultiScaleNetwork` for the
    /// multi-scale kind, which is not in the table), weights drawn from `seed`.
    public static func makeNetwork(config: ModelConfig, seed: UInt64 = 0) throws -> any PixelModel {
        if config.kind == .multiscale { return try MultiScaleNetwork(config: config, seed: seed) }
        return try config.kind.entry.makeNetwork(config, seed)
    }

    /// The names, joined by `|` — for usage strings: `pixelcnn|rowlstm|diagbilstm`.
    public static var names: String { table.map(\.kind.rawValue).joined(separator: "|") }

    /// The names in a sentence: "pixelcnn, rowlstm or diagbilstm".
    public static func namesInWords(_ kinds: [ModelKind] = ModelKind.allCases) -> String {
        listInWords(kinds.map(\.rawValue))
    }

    /// "a, b or c" (for messages naming the kinds, and what goes with them).
    public static func listInWords(_ words: [String]) -> String {
        guard let last = words.last, words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + last
    }
}
