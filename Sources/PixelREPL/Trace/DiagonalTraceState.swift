import Foundation
import PixelRNN
import PixelRender

/// Steps a Diagonal BiLSTM block one diagonal at a time (paper §3.2): first every skewed
/// column of the left-to-right walk `fwd`, then every column of `bwd` (which walks the
/// flipped image). The state at skewed (r, k) reads h(r−1, k−1) and h(r, k−1).
final class DiagonalTraceState: BlockTraceState<DiagonalTrace>, BlockTraceViews {
    private var skewedWidth: Int { trace.skewedWidth }

    func step(_ session: Session) throws {
        guard trace.step(), let k = trace.column else {
            throw CommandError("both directions of block \(layer) are done — 'next' traces the next layer, 'continue' shows the result")
        }
        let d = trace.direction
        let cells = trace.pixelsInImage.map { "(\($0.row), \($0.column))" }.joined(separator: " ")
        session.say("block \(layer), \(d.rawValue), skewed column \(k) of \(skewedWidth) (step \(trace.stepsDone) of \(trace.totalSteps))")
        session.say("  the diagonal holds image pixels \(cells)")
        session.say("  each reads h(r−1, \(k - 1)) and h(r, \(k - 1)) of the previous column — never row r+1")
        let column = columnValues(trace.skewedState, column: k)
        session.say("  h in this column: \(TraceDrawing.stats(column))")
        try render(session, column: k, name: String(format: "trace-diag-b%d-%@-col%02d", layer, d.rawValue, k))
    }

    func finish(_ session: Session) throws {
        trace.run()
        let traced = trace.result().residual
        let direct = trace.block.forward(trace.input).residual
        session.say("block \(layer): both directions walked all \(skewedWidth) diagonals; F(x) = out(h_fwd + shift_down(flip(h_bwd))) is ready")
        session.say(String(format: "diagonal-by-diagonal trace vs the ordinary forward pass: largest difference %g", traced.maxAbsDifference(direct)))
        if let line = try streamLine() { session.say(line) }
    }

    func whereLines() -> [String] {
        var lines = [title, "steps done: \(trace.stepsDone) of \(trace.totalSteps) (\(skewedWidth) diagonals for fwd, then \(skewedWidth) for bwd)"]
        if let k = trace.column { lines.append("last step: \(trace.direction.rawValue), skewed column \(k)") }
        lines.append("bwd walks the image flipped left–right; its output is flipped back and shifted down one row")
        return lines
    }

    /// Channel `ch` of a (1, C, H, S) skewed map in column k, for the pixel rows (NaN elsewhere).
    private func columnValues(_ map: Tensor, column k: Int) -> [Float] {
        var out: [Float] = []
        for ch in 0..<map.shape[1] {
            for r in 0..<height where Skew.isPixel(row: r, skewedColumn: k, width: width) {
                out.append(map[0, ch, r, k])
            }
        }
        return out
    }

    /// A skewed (1, C, H, S) map's channel mean, NaN where not a pixel or not computed yet.
    private func skewedDisplay(_ values: [Float]) -> [Float] {
        let done = trace.column ?? -1
        return (0..<(height * skewedWidth)).map { i in
            let (r, k) = (i / skewedWidth, i % skewedWidth)
            return Skew.isPixel(row: r, skewedColumn: k, width: width) && k <= done ? values[i] : .nan
        }
    }

    private func render(_ session: Session, column k: Int, name: String) throws {
        let d = trace.direction
        let columnMask = (0..<(height * skewedWidth)).map { $0 % skewedWidth == k && Skew.isPixel(row: $0 / skewedWidth, skewedColumn: k, width: width) }
        let onImage = Set(trace.pixelsInImage.map { $0.row * width + $0.column })
        let imageMask = (0..<(height * width)).map { onImage.contains($0) }
        let state = skewedDisplay(TraceDrawing.channelMean(trace.skewedState))
        let cell = max(4, 280 / max(height, width))
        let panels = [
            try TraceDrawing.panel("skewed h of \(d.rawValue) (mean over channels)", values: state, rows: height, cols: skewedWidth,
                                   range: TraceDrawing.symmetricRange(state), colormap: .diverging, barLabel: "mean h",
                                   overlays: [.outline(mask: columnMask, color: Palette.highlight)], cellSize: cell,
                                   colTitle: "skewed column"),
            try TraceDrawing.panel("the same cells on the image", values: shownImage, rows: height, cols: width, range: 0...1,
                                   colormap: .grayscale, barLabel: "pixel",
                                   overlays: [.shade(mask: imageMask, color: Palette.highlight, opacity: 0.6)], cellSize: cell),
        ]
        try TraceDrawing.save(session, panels,
                              title: "Diagonal BiLSTM block \(layer), \(d.rawValue): diagonal \(k) computed",
                              legend: [LegendItem("orange: the column just computed, and the image pixels it holds", color: Palette.highlight),
                                       LegendItem(d == .bwd ? "bwd walks the flipped image: its column k is the diagonal r + (W−1−c) = k" : "fwd: skewed column k is the diagonal r + c = k"),
                                       LegendItem("gray: not a pixel, or not computed yet")],
                              name: name, preview: (state, skewedWidth, height))
    }

    func showGates(_ session: Session) throws {
        guard let k = trace.column else { throw CommandError("no diagonal computed yet — type 'step'") }
        let gates = trace.skewedGates          // (1, 4h, H, S), activated
        let h = gates.shape[1] / 4
        var panels: [Panel] = []
        for gate in LSTMGate.allCases {
            let name = "\(gate) = \(gate.activationName)(·)"
            var values: [Float] = []
            for ch in gate.channels(hidden: h) {
                for r in 0..<height { values.append(Skew.isPixel(row: r, skewedColumn: k, width: width) ? gates[0, ch, r, k] : .nan) }
            }
            session.say("  \(name): \(TraceDrawing.stats(values))")
            panels.append(try TraceDrawing.panel(name, values: values, rows: h, cols: height,
                                                 range: gate == .g ? -1...1 : 0...1, colormap: gate == .g ? .diverging : .viridis,
                                                 barLabel: gate.activationName, colTitle: "row of the column", rowTitle: "channel"))
        }
        try TraceDrawing.save(session, panels, title: "Diagonal BiLSTM block \(layer), \(trace.direction.rawValue): the gates of column \(k)",
                              legend: [LegendItem("rows: the h channels; columns: the rows r of skewed column \(k) (gray: not a pixel)")],
                              name: "trace-diag-b\(layer)-\(trace.direction.rawValue)-col\(k)-gates", columns: 2)
    }

    func showChannels(_ session: Session, _ map: Tensor, name: String) throws {
        let channels = min(map.shape[1], 16)
        let panels = try (0..<channels).map { ch in
            try TraceDrawing.panel("\(name) channel \(ch)", values: skewedDisplay(TraceDrawing.channel(map, ch)), rows: height,
                                   cols: skewedWidth, range: TraceDrawing.symmetricRange(map.data), colormap: .diverging, barLabel: name,
                                   cellSize: max(3, 160 / skewedWidth), colTitle: "skewed column")
        }
        session.say("skewed \(name) of \(trace.direction.rawValue) after \(trace.stepsDone) steps: \(TraceDrawing.stats(map.data))")
        try TraceDrawing.save(session, panels, title: "Diagonal BiLSTM block \(layer), \(trace.direction.rawValue): skewed \(name)",
                              legend: [LegendItem("gray: not a pixel, or not computed yet")],
                              name: "trace-diag-b\(layer)-\(trace.direction.rawValue)-\(name)-\(trace.stepsDone)")
    }
}
