import Foundation
import PixelRNN
import PixelRender

/// A forward pass being stepped through in the REPL: a Row LSTM row by row, a Diagonal
/// BiLSTM diagonal by diagonal, or sampling pixel by pixel. The library computes each
/// step (`RowLSTMTrace`, `DiagonalTrace`, …); a trace state prints and renders it.
protocol TraceState: AnyObject {
    /// "Row LSTM block 0 of 2 on test image 3".
    var title: String { get }
    /// True when every step of the current layer (or image) is done.
    var isFinished: Bool { get }
    /// One step: print what changed, render it.
    func step(_ session: Session) throws
    /// Every remaining step of the current layer, then a summary.
    func finish(_ session: Session) throws
    /// The same trace on the next layer, or nil after the last.
    func nextLayer() throws -> TraceState?
    /// `show gates|state|cell|stream`.
    func show(_ what: String, _ session: Session) throws
    /// Where the trace stands, a few lines.
    func whereLines() -> [String]
    /// What the trace was built on: when one of them changes, the session ends it.
    var inputs: Set<TraceInput> { get }
}

/// What a trace reads from the session.
enum TraceInput: Hashable {
    /// The current model's weights.
    case model
    /// An image of the loaded data.
    case data
}

extension TraceState {
    /// By default a trace runs the model on an image of the data.
    var inputs: Set<TraceInput> { [.model, .data] }
}

/// Drawing helpers shared by the traces.
enum TraceDrawing {
    /// The channel mean of a (1, C, H, W) map as H·W values (NaN stays NaN).
    static func channelMean(_ map: Tensor) -> [Float] {
        let (c, h, w) = (map.shape[1], map.shape[2], map.shape[3])
        return (0..<(h * w)).map { i in
            var s: Float = 0
            for ch in 0..<c { s += map.data[ch * h * w + i] }
            return s / Float(c)
        }
    }

    /// One channel of a (1, C, H, W) map as H·W values.
    static func channel(_ map: Tensor, _ ch: Int) -> [Float] {
        let hw = map.shape[2] * map.shape[3]
        return Array(map.data[(ch * hw)..<((ch + 1) * hw)])
    }

    /// A heat map panel; NaN cells (not computed yet, not pixels) are gray.
    static func panel(_ subtitle: String, values: [Float], rows: Int, cols: Int, range: ClosedRange<Float>,
                      colormap: Colormap, barLabel: String, overlays: [Overlay] = [], cellSize: Int? = nil,
                      colTitle: String = "column", rowTitle: String = "row") throws -> Panel {
        var map = try HeatMap(title: "", values: values, rows: rows, cols: cols, colormap: colormap,
                              range: range, barLabel: barLabel)
        map.overlays = overlays
        map.cellSize = cellSize
        map.colTitle = colTitle
        map.rowTitle = rowTitle
        return Panel(subtitle: subtitle, canvas: map.render())
    }

    /// Composes panels, saves them and prints the path (and a preview of `preview`).
    static func save(_ session: Session, _ panels: [Panel], title: String, legend: [LegendItem], name: String,
                     columns: Int = 4, preview: (values: [Float], width: Int, height: Int)? = nil) throws {
        do {
            var composed = try Panels(title: title, panels: panels, columns: min(panels.count, columns))
            composed.legend = legend
            let lines = preview.map {
                TerminalPreview.lines(heatMap: $0.values.map { $0.isNaN ? 0 : $0 }, width: $0.width, height: $0.height,
                                      colormap: .diverging, range: symmetricRange($0.values), color: session.previewColour)
            }
            try session.show(composed.render(), name: name, title: title, preview: lines)
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError("cannot draw the trace: \(error)")
        }
    }

    /// ±max|v| over the finite values (at least ±1e-6): a diverging colour scale centred on 0.
    static func symmetricRange(_ values: [Float]) -> ClosedRange<Float> {
        let m = values.filter { $0.isFinite }.map { abs($0) }.max() ?? 1
        return -max(m, 1e-6)...max(m, 1e-6)
    }

    /// "mean 0.512  min 0.301  max 0.702".
    static func stats(_ values: [Float]) -> String {
        let finite = values.filter { $0.isFinite }
        guard !finite.isEmpty else { return "—" }
        let mean = finite.reduce(0, +) / Float(finite.count)
        return String(format: "mean %6.3f  min %6.3f  max %6.3f", mean, finite.min()!, finite.max()!)
    }
}

/// What the REPL reads of every library block trace.
protocol SteppedBlockTrace {
    /// The trace of block `layer` of `network` on one image (1, C, H, W).
    init(network: any ResidualStack, layer: Int, pixels: Tensor) throws
    var height: Int { get }
    var width: Int { get }
    var isFinished: Bool { get }
    /// h and c so far, (1, h, rows, columns) — of the image, or of the skewed map.
    var stateMap: Tensor { get }
    var cellMap: Tensor { get }
}

extension RowLSTMTrace: SteppedBlockTrace {
    var stateMap: Tensor { hidden }
    var cellMap: Tensor { cell }
}

extension DiagonalTrace: SteppedBlockTrace {
    var stateMap: Tensor { skewedState }
    var cellMap: Tensor { skewedCell }
}

/// What every block trace state holds: the network, the traced block, the image, and the
/// library's trace of that block (`RowLSTMTrace`, `DiagonalTrace`, …).
class BlockTraceState<Trace: SteppedBlockTrace> {
    let network: any ResidualStack
    let layer: Int
    let pixels: Tensor          // (1, C, H, W) of levels
    let imageName: String
    let trace: Trace

    /// The trace of block `layer`; the library's error becomes one line.
    required init(network: any ResidualStack, layer: Int, pixels: Tensor, imageName: String) throws {
        self.network = network
        self.layer = layer
        self.pixels = pixels
        self.imageName = imageName
        do {
            trace = try Trace(network: network, layer: layer, pixels: pixels)
        } catch {
            throw CommandError("cannot trace: \(error)")
        }
    }

    /// The image as the pictures draw it: intensities 0…1 (level / (K − 1)); for a colour
    /// image the mean of R, G and B.
    var shownImage: [Float] {
        let top = Float(max(network.config.levels - 1, 1))
        return TraceDrawing.channelMean(pixels).map { $0 / top }
    }

    /// "Row LSTM block 0 of 2 on test image 3".
    var title: String { "\(network.config.kind.paperName) block \(layer) of \(network.blocks.count) on \(imageName)" }
    var isFinished: Bool { trace.isFinished }
    var height: Int { trace.height }
    var width: Int { trace.width }
}

/// What a block trace state draws besides its steps: the gates of the last step, and
/// every channel of a map (h or c so far).
protocol BlockTraceViews: TraceState {
    associatedtype Trace: SteppedBlockTrace
    init(network: any ResidualStack, layer: Int, pixels: Tensor, imageName: String) throws
    var network: any ResidualStack { get }
    var layer: Int { get }
    var pixels: Tensor { get }
    var imageName: String { get }
    var trace: Trace { get }
    func showGates(_ session: Session) throws
    func showChannels(_ session: Session, _ map: Tensor, name: String) throws
}

extension BlockTraceViews {
    /// The same trace on the next block, or nil after the last.
    func nextLayer() throws -> TraceState? {
        guard layer + 1 < network.blocks.count else { return nil }
        return try Self(network: network, layer: layer + 1, pixels: pixels, imageName: imageName)
    }

    /// `show gates|state|cell|stream`.
    func show(_ what: String, _ session: Session) throws {
        switch what {
        case "gates": try showGates(session)
        case "state": try showChannels(session, trace.stateMap, name: "h")
        case "cell": try showChannels(session, trace.cellMap, name: "c")
        case "stream": try showStream(session)
        default: throw CommandError("show expects gates, state, cell or stream")
        }
    }
}

/// The block traces of the REPL, one per model kind whose `ModelKindEntry.trace` is
/// `.steps`: how `trace` starts one on block `layer` of a network for one image. A kind
/// with a block trace adds its state here (a test holds this and the table in step).
enum BlockTraceStates {
    typealias Make = (_ network: any ResidualStack, _ layer: Int, _ pixels: Tensor, _ imageName: String) throws -> TraceState

    static let byKind: [ModelKind: Make] = [
        .rowlstm: RowLSTMTraceState.init,
        .diagbilstm: DiagonalTraceState.init,
    ]

    /// The kinds that can be traced, in the table's order.
    static var kinds: [ModelKind] { ModelKind.allCases.filter { byKind[$0] != nil } }

    /// The kinds that can be traced, joined by `|` (for usage strings).
    static var names: String { kinds.map(\.rawValue).joined(separator: "|") }
}
