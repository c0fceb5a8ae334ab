import Foundation
import PixelRNN
import PixelRender

/// Steps a Row LSTM block one row at a time (paper §3.1): each `step` runs
/// [o, f, i, g] = σ, σ, σ, tanh (K^is ⊛ x[r] + K^ss ⊛ h[r−1]), c_r = f⊙c_{r−1} + i⊙g, h_r = o⊙tanh(c_r).
final class RowLSTMTraceState: BlockTraceState<RowLSTMTrace>, BlockTraceViews {
    func step(_ session: Session) throws {
        guard !trace.isFinished else {
            throw CommandError("every row of block \(layer) is done — 'next' traces the next layer, 'continue' shows the result")
        }
        let s = trace.step()
        let previous = s.row == 0 ? "h[−1] = 0" : "h[\(s.row - 1)]"
        session.say("block \(layer), row \(s.row) of \(height): [o, f, i, g] = σ, σ, σ, tanh of K^is ⊛ x[\(s.row)] + K^ss ⊛ \(previous)")
        for stat in s.statistics {
            let label = "\(stat.gate) = \(stat.gate.activationName)(·)".padding(toLength: 12, withPad: " ", startingAt: 0)
            session.say("  " + label + String(format: "mean %6.3f  min %6.3f  max %6.3f", stat.mean, stat.min, stat.max)
                        + "   (\(stat.gate.name))")
        }
        session.say("  c[\(s.row)]: \(TraceDrawing.stats(s.cell.data))")
        session.say("  h[\(s.row)]: \(TraceDrawing.stats(s.hidden.data))")
        try renderState(session, highlightRow: s.row, name: String(format: "trace-rowlstm-b%d-row%02d", layer, s.row))
    }

    func finish(_ session: Session) throws {
        let steps = trace.finish()
        if let residual = trace.residual {
            let direct = trace.block.forward(trace.input).residual
            session.say("block \(layer): ran rows \(steps.first.map { "\($0.row)" } ?? "—")…\(height - 1); F(x) = out(h) is ready")
            session.say(String(format: "row-by-row trace vs the ordinary forward pass: largest difference %g", residual.maxAbsDifference(direct)))
        }
        if let line = try streamLine() { session.say(line) }
        try renderState(session, highlightRow: nil, name: "trace-rowlstm-b\(layer)-done")
    }

    func whereLines() -> [String] {
        [title,
         trace.isFinished ? "all \(height) rows done" : "rows done: \(trace.rowsDone) of \(height); next: row \(trace.currentRow)",
         "the input-to-state map K^is ⊛ x (1×3, mask B) was computed for the whole map at once; the recurrence goes row by row"]
    }

    /// The image with the current row, and h and c (channel means) filled so far.
    private func renderState(_ session: Session, highlightRow row: Int?, name: String) throws {
        let rowMask = (0..<(height * width)).map { $0 / width == row }
        let overlays: [Overlay] = row == nil ? [] : [.outline(mask: rowMask, color: Palette.highlight)]
        let hidden = TraceDrawing.channelMean(trace.hidden), cell = TraceDrawing.channelMean(trace.cell)
        let panels = [
            try TraceDrawing.panel(pixels.shape[1] == 3 ? "the image (mean of R, G, B)" : "the image", values: shownImage, rows: height, cols: width, range: 0...1,
                                   colormap: .grayscale, barLabel: "pixel", overlays: overlays),
            try TraceDrawing.panel("h: hidden state (mean over channels)", values: hidden, rows: height, cols: width,
                                   range: TraceDrawing.symmetricRange(hidden), colormap: .diverging, barLabel: "mean h", overlays: overlays),
            try TraceDrawing.panel("c: cell state (mean over channels)", values: cell, rows: height, cols: width,
                                   range: TraceDrawing.symmetricRange(cell), colormap: .diverging, barLabel: "mean c", overlays: overlays),
        ]
        let title = row.map { "Row LSTM block \(layer): row \($0) computed (\(trace.rowsDone) of \(height))" }
            ?? "Row LSTM block \(layer): every row computed"
        try TraceDrawing.save(session, panels, title: title,
                              legend: row == nil ? [LegendItem("every row computed: h and c as the ordinary forward pass gives them")]
                                  : [LegendItem("orange outline: the row just computed", color: Palette.highlight),
                                     LegendItem("gray: rows not computed yet")],
                              name: name, preview: (hidden, width, height))
    }

    /// The four gates of the last row: h channels × W columns each.
    func showGates(_ session: Session) throws {
        guard let s = trace.lastStep else { throw CommandError("no row computed yet — type 'step'") }
        var panels: [Panel] = []
        for gate in LSTMGate.allCases {
            let values = s.gate(gate)                 // (h, W)
            panels.append(try TraceDrawing.panel("\(gate.name) = \(gate.activationName)(…)", values: values.data,
                                                 rows: s.hiddenSize, cols: width,
                                                 range: gate == .g ? -1...1 : 0...1,
                                                 colormap: gate == .g ? .diverging : .viridis,
                                                 barLabel: gate.activationName, rowTitle: "channel"))
            session.say("  \(gate.name): \(TraceDrawing.stats(values.data))")
        }
        try TraceDrawing.save(session, panels, title: "Row LSTM block \(layer): the gates of row \(s.row)",
                              legend: [LegendItem("rows: the h channels of the gate; columns: the pixels of row \(s.row)")],
                              name: String(format: "trace-rowlstm-b%d-row%02d-gates", layer, s.row), columns: 2)
    }

    /// Every channel of h or c so far.
    func showChannels(_ session: Session, _ map: Tensor, name: String) throws {
        let channels = min(map.shape[1], 16)
        let panels = try (0..<channels).map { ch in
            try TraceDrawing.panel("\(name) channel \(ch)", values: TraceDrawing.channel(map, ch), rows: height, cols: width,
                                   range: TraceDrawing.symmetricRange(map.data), colormap: .diverging, barLabel: name,
                                   cellSize: max(3, 120 / max(height, width)))
        }
        session.say("\(name) after \(trace.rowsDone) of \(height) rows: \(TraceDrawing.stats(map.data))")
        try TraceDrawing.save(session, panels, title: "Row LSTM block \(layer): \(name) after \(trace.rowsDone) rows",
                              legend: [LegendItem("gray: rows not computed yet")],
                              name: "trace-rowlstm-b\(layer)-\(name)-\(trace.rowsDone)")
    }
}
