import Foundation
import PixelRNN
import PixelRender

/// How the REPL shows what each block adds to the residual stream (`ResidualStreamNorms`:
/// the RMS of x_l and of F(x_l), block by block), for `rf … --growth` and trace's
/// `show stream`: the lines, and a plot of both against l.
enum ResidualStreamReport {
    /// The norms of `network` on `pixels` (levels), stopping within one block of Ctrl-C.
    static func measure(_ stack: any ResidualStack, pixels: Tensor) throws -> ResidualStreamNorms {
        try Interruption.stoppable { try ResidualStreamNorms.measure(stack: stack, pixels: pixels, shouldStop: Interruption.shouldStop) }
    }

    /// "residual stream (RMS over 4 random images): |x_0| 0.512", then one line per block:
    /// "  block 1 adds |F(x_0)| 0.120: |x_1| 0.530" (blocks numbered from `firstBlock`).
    static func lines(_ norms: ResidualStreamNorms, over what: String, firstBlock: Int) -> [String] {
        guard let first = norms.stream.first else { return [] }
        var out = ["residual stream (RMS over \(what)): |x_0| \(String(format: "%.3f", first))"]
        for (l, added) in norms.added.enumerated() {
            out.append(String(format: "  block %d adds |F(x_%d)| %.3f: |x_%d| %.3f", l + firstBlock, l, added, l + 1, norms.stream[l + 1]))
        }
        return out
    }

    /// |x_l| and |F(x_(l−1))| against l; with `marking` (a block's index from 0), that block's
    /// F as a red dot. Nil for a network without blocks.
    static func panel(_ norms: ResidualStreamNorms, marking traced: Int? = nil) -> Panel? {
        guard !norms.added.isEmpty else { return nil }
        var series = [
            Series(name: "|x_l|, the stream", points: norms.stream.enumerated().map { (Double($0.offset), $0.element) }),
            Series(name: "|F(x_(l-1))|, what the l-th block adds", points: norms.added.enumerated().map { (Double($0.offset + 1), $0.element) }),
        ]
        if let traced, norms.added.indices.contains(traced) {
            series.append(Series(name: "|F(x_\(traced))|, the traced block", points: [(Double(traced + 1), norms.added[traced])],
                                 color: Palette.marker))
        }
        guard let plot = try? LinePlot(title: "", xLabel: "l (x_0: the input layer's output; x_l: after l blocks)", yLabel: "RMS", series: series) else { return nil }
        return Panel(subtitle: "the residual stream, block by block", canvas: plot.render())
    }
}
