import Foundation
import PixelRNN
import PixelRender

/// Trace's `show stream`, and the line `continue` ends with: what each block adds to the
/// residual stream on the traced image (`ResidualStreamReport`, as `rf … --growth` shows it).
extension BlockTraceViews {
    /// The norms of the traced network on the traced image.
    private func streamNorms() throws -> ResidualStreamNorms {
        try ResidualStreamReport.measure(network, pixels: pixels)
    }

    /// `show stream`: |x_l| and |F(x_l)| block by block on the traced image, the traced block marked.
    func showStream(_ session: Session) throws {
        let norms = try streamNorms()
        guard let panel = ResidualStreamReport.panel(norms, marking: layer) else { throw CommandError("the model has no blocks") }
        for line in ResidualStreamReport.lines(norms, over: imageName, firstBlock: 0) { session.say(line) }
        let kind = network.config.kind
        let connections = network.config.residual ? "x_(l+1) = x_l + F(x_l)" : "x_(l+1) = F(x_l) (residual off)"
        try TraceDrawing.save(session, [panel], title: "\(kind.paperName): the residual stream on \(imageName)",
                              legend: [LegendItem(connections),
                                       LegendItem("red dot: block \(layer), the one being traced", color: Palette.marker)],
                              name: "trace-\(kind.rawValue)-stream")
    }

    /// "on this image block 0 adds |F(x_0)| 0.120 to the stream |x_0| 0.512: |x_1| 0.530 (RMS; …)";
    /// with `--residual off` the block's output replaces the stream, and the line says so.
    func streamLine() throws -> String? {
        let norms = try streamNorms()
        guard norms.added.indices.contains(layer) else { return nil }
        guard network.config.residual else {
            return String(format: "on this image block %d replaces the stream |x_%d| %.3f by its output |F(x_%d)| %.3f = |x_%d| (residual off; RMS; 'show stream' plots every block)",
                          layer, layer, norms.stream[layer], layer, norms.added[layer], layer + 1)
        }
        return String(format: "on this image block %d adds |F(x_%d)| %.3f to the stream |x_%d| %.3f: |x_%d| %.3f (RMS; 'show stream' plots every block)",
                      layer, layer, norms.added[layer], layer, norms.stream[layer], layer + 1, norms.stream[layer + 1])
    }
}
