/// A known bug of public PixelRNN/PixelCNN code, which `model new … --bug NAME` switches on
/// (Models README, "Known bugs"): the network trains and samples, but computes something
/// other than the paper's model. Four of them let a prediction see its own pixel or the
/// future (`leaks`): the training NLL then falls far below what the data allows, and the
/// samples are broken. The other two only change what the model can learn.
///
/// A checkpoint of a buggy model keeps the bug's name in its metadata (`bug`).
public enum KnownBug: String, CaseIterable, Sendable {
    /// σ instead of tanh on the LSTM's content gate g: c can only grow.
    case sigmoidG = "sigmoid-g"
    /// The Diagonal BiLSTM's bwd output added without its one-row shift down.
    case noShift = "no-shift"
    /// The Diagonal LSTM's 2-tap state-to-state convolution with "same" padding (a zero
    /// row below instead of above): it reads rows r and r+1 of the previous column.
    case samePadding = "same-padding"
    /// The first (7×7) layer with mask B instead of mask A.
    case maskBFirst = "mask-b-first"
    /// Masks without colour groups: the centre tap of every masked convolution open to
    /// every channel (the spatial part of the mask only shuts the later pixels).
    case noColourMask = "no-colour-mask"
    /// The Diagonal BiLSTM's bwd direction on the skewed map flipped left–right, instead
    /// of on the skew of the flipped image.
    case flipSkewed = "flip-skewed"

    /// The model kinds the bug exists in.
    public var kinds: [ModelKind] {
        switch self {
        case .sigmoidG: return [.rowlstm, .diagbilstm]
        case .noShift, .samePadding, .flipSkewed: return [.diagbilstm]
        case .maskBFirst, .noColourMask: return ModelKind.allCases
        }
    }

    /// Whether the bug lets a prediction see its own pixel (or colour) or a later one.
    /// `CausalityCheck` finds exactly these (tested).
    public var leaks: Bool {
        switch self {
        case .noShift, .samePadding, .maskBFirst, .noColourMask: return true
        case .sigmoidG, .flipSkewed: return false
        }
    }

    /// What the bug breaks, one sentence.
    public var breaks: String {
        switch self {
        case .sigmoidG:
            return "σ(g) ∈ (0, 1) instead of tanh(g): the cell can only grow; causal, only a worse NLL shows it"
        case .noShift:
            return "bwd's state at (r, c) has read the rest of its own row, (r, c+1), …: leaks the future"
        case .samePadding:
            return "s_s reads rows r and r+1 of the previous diagonal, the pixel below-left: leaks the future"
        case .maskBFirst:
            return "the first layer reads the pixel it predicts: the model learns to copy it (NLL near 0), samples nothing"
        case .noColourMask:
            return "each colour reads all three colours of its own pixel (R sees G and B): leaks"
        case .flipSkewed:
            return "bwd at (r, c) reads (r, c+1) and (r−1, c+2): causal, but its field leans right and misses context"
        }
    }

    /// Whether the bug applies to `kind` with `colors`; nil if it does, else why not (one sentence).
    public func refusal(kind: ModelKind, colors: Int) -> String? {
        if !kinds.contains(kind) {
            let names = kinds.map(\.rawValue).joined(separator: " and ")
            switch self {
            case .sigmoidG: return "a \(kind.paperName) has no LSTM content gate: --bug sigmoid-g applies to \(names)"
            default: return "--bug \(rawValue) is a bug of the \(names == "diagbilstm" ? "Diagonal BiLSTM" : names) only, not of a \(kind.paperName)"
            }
        }
        if self == .noColourMask && colors != 3 {
            return "--bug no-colour-mask needs --colors 3 (with one colour there are no colour groups to forget)"
        }
        return nil
    }

    /// Whether the blocks run their plain path whatever `ComputePath.current` says (the fast
    /// kernels of the Diagonal LSTM and of the Row LSTM do not have these variants).
    public var runsPlainPath: Bool {
        switch self {
        case .sigmoidG, .samePadding, .flipSkewed: return true
        case .noShift, .maskBFirst, .noColourMask: return false
        }
    }
}

/// The switches a block factory (`ModelKindEntry.makeBlock`) receives besides h, C and the
/// seed: which variant of the block to build. The default is the paper's block.
public struct BlockSwitches: Equatable, Sendable {
    /// A known bug to build in (only the bugs of the block's own kind matter to it).
    public var bug: KnownBug?

    public init(bug: KnownBug? = nil) { self.bug = bug }

    /// The paper's block.
    public static let paper = BlockSwitches()
}
