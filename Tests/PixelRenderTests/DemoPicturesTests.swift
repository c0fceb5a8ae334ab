import Foundation
import XCTest
@testable import PixelRender

/// Realistic pictures of every kind, written where PIXELRENDER_DEMO_DIR says
/// (to look at them) or to a temporary folder; each must decode.
final class DemoPicturesTests: RenderTestCase {
    private var out: URL {
        ProcessInfo.processInfo.environment["PIXELRENDER_DEMO_DIR"].map { URL(fileURLWithPath: $0) } ?? folder
    }

    private func save(_ canvas: Canvas, _ name: String) throws {
        let url = try PixelRender.save(canvas, name: name, in: out)
        let png = try DecodedPNG(file: url)
        XCTAssertEqual(png.width, canvas.width)
    }

    /// A 7×7 mask: rows above the centre, and the centre row left of (A) or up to (B) the centre.
    private func mask(_ type: Character) -> [[Float]] {
        (0..<7).map { r in (0..<7).map { c in r < 3 || (r == 3 && (c < 3 || (type == "B" && c == 3))) ? 1 : 0 } }
    }

    /// A 28×28 ring, like a zero.
    private func digit(_ shift: Int) -> [Float] {
        (0..<784).map { i in
            let r = Double(i / 28) - 14, c = Double(i % 28) - 14 - Double(shift)
            let d = (r * r / 81 + c * c / 36).squareRoot()
            return abs(d - 1) < 0.25 ? 1 : 0
        }
    }

    func testMaskPictures() throws {
        try save(MatrixGrid.mask(mask("A"), title: "Mask A, 7x7: the centre pixel cannot see itself",
                                 highlight: CellIndex(row: 3, col: 3)).render(), "mask-a")
        let extra = [LegendItem("output R sees: nothing at the centre", color: Palette.channels[0]),
                     LegendItem("output G sees: R", color: Palette.channels[1]),
                     LegendItem("output B sees: R, G", color: Palette.channels[2])]
        try save(MatrixGrid.mask(mask("B"), title: "Mask B, 7x7, 3 colours (type A at the centre)",
                                 highlight: CellIndex(row: 3, col: 3), extraLegend: extra).render(), "mask-b-rgb")
    }

    func testHeatMapPictures() throws {
        let values: [Float] = (0..<784).map { i in
            let r = i / 28, c = i % 28
            return r < 14 && abs(c - 14) <= 14 - r ? Float(14 - r) / 14 * Float(c + 1) / 28 : 0
        }
        var map = try HeatMap(title: "Receptive field of pixel (14, 14), Row LSTM, 3 layers",
                              values: values, rows: 28, cols: 28, barLabel: "|d output / d input|")
        map.overlays = [.mark(row: 14, col: 14)]
        try save(map.render(), "heat-rf")
        var small = try HeatMap(title: "Gate values, row 3", matrix: [[-0.8, 0.1, 0.5], [0.02, -0.3, 0.9]],
                                colormap: .diverging, barLabel: "activation")
        small.showValues = true
        try save(small.render(), "heat-values")
    }

    func testImageGridPictures() throws {
        var grid = try ImageGrid(title: "16 samples, Diagonal BiLSTM (L=7, h=16), seed 1",
                                 images: (0..<16).map { digit($0 % 5 - 2) }, height: 28, width: 28)
        grid.captions = (0..<16).map { "#\($0)" }
        try save(grid.render(), "grid-samples")
        var done = try ImageGrid(title: "Completions: bottom half occluded",
                                 images: [digit(0), digit(2), digit(-2)], height: 28, width: 28)
        let bottom = (0..<784).map { $0 / 28 >= 14 }
        done.overlays = Array(repeating: [.shade(mask: bottom, color: Palette.shade, opacity: 0.3),
                                          .outline(mask: bottom, color: Palette.marker)], count: 3)
        done.captions = ["original", "completion 1", "completion 2 (a long caption)"]
        try save(done.render(), "grid-completions")
    }

    func testLinePlotPicture() throws {
        let epochs = (1...30).map(Double.init)
        let train: [Double] = epochs.map { (e: Double) -> Double in 80 + 120 * exp(-e / 6) }
        let valid: [Double] = epochs.map { (e: Double) -> Double in 84 + 118 * exp(-e / 6) + e * 0.1 }
        var plot = try LinePlot(title: "Loss: Row LSTM on binarized MNIST", xLabel: "epoch",
                                yLabel: "NLL (nats per image)",
                                series: [Series(name: "train", ys: train), Series(name: "validation", ys: valid)])
        plot.references = [ReferenceLine(y: 80.54, label: "paper: 80.54")]
        try save(plot.render(), "plot-loss")
    }

    func testPanelsPicture() throws {
        func field(_ visible: (Int, Int) -> Bool) throws -> Canvas {
            var map = try HeatMap(title: "", values: (0..<100).map { visible($0 / 10, $0 % 10) ? 1 : 0 },
                                  rows: 10, cols: 10, range: 0...1, barLabel: "visible")
            map.cellSize = 16
            map.overlays = [.mark(row: 5, col: 5)]
            return map.render()
        }
        let left = { (r: Int, c: Int) -> Bool in r == 5 && c < 5 && c >= 2 }
        let pixelcnn = try field { r, c in (r < 5 && c - 5 <= 5 - r - 1 && 5 - c <= 5 - r + 1) || left(r, c) }
        let rowLSTM = try field { r, c in (r < 5 && abs(c - 5) <= 5 - r + 1) || left(r, c) }
        let diag = try field { r, c in r < 5 || (r == 5 && c < 5) }
        var panels = try Panels(title: "Receptive fields of pixel (5, 5) after 3 layers",
                                panels: [Panel(subtitle: "PixelCNN (blind spot)", canvas: pixelcnn),
                                         Panel(subtitle: "Row LSTM (triangle)", canvas: rowLSTM),
                                         Panel(subtitle: "Diagonal BiLSTM (full context)", canvas: diag)])
        panels.legend = [LegendItem("red square = the pixel being predicted", color: Palette.marker)]
        try save(panels.render(), "panels-rf")
    }
}

/// Awkward inputs: tiny maps, long titles and labels, tiny numbers.
final class DemoEdgeCasesTests: RenderTestCase {
    private var out: URL {
        ProcessInfo.processInfo.environment["PIXELRENDER_DEMO_DIR"].map { URL(fileURLWithPath: $0) } ?? folder
    }

    func testAwkwardInputsStillRender() throws {
        let tiny = try HeatMap(title: "1x1", values: [0.5], rows: 1, cols: 1, barLabel: "a rather long colour bar label")
        try PixelRender.save(tiny.render(), name: "edge-tiny-heat", in: out)
        let title = "A very long title that goes on and on about receptive fields, masks and the skewed map of the Diagonal BiLSTM"
        let one = try ImageGrid(title: title, images: [[Float](repeating: 0.5, count: 16)], height: 4, width: 4)
        try PixelRender.save(one.render(), name: "edge-long-title", in: out)
        let small = try LinePlot(title: "Gradient norm", xLabel: "step", yLabel: "norm",
                                 series: [Series(name: "layer 0", ys: [0.0003, 0.0002, 0.00015]),
                                          Series(name: "layer 1 with a long name", ys: [0.0001])])
        try PixelRender.save(small.render(), name: "edge-small-numbers", in: out)
    }
}

/// Terminal previews of a digit and a heat map, written as text files next to the demo pictures.
final class DemoPreviewTests: RenderTestCase {
    func testPreviewsOfADigitAndAHeatMap() throws {
        let digit: [Float] = (0..<784).map { i in
            let r = Double(i / 28) - 14, c = Double(i % 28) - 14
            return Float(max(0, 1 - abs((r * r / 81 + c * c / 36).squareRoot() - 1) * 4))
        }
        let heat: [Float] = (0..<784).map { Float(($0 / 28) * ($0 % 28)) }
        var text = ""
        for color in [true, false] {
            text += TerminalPreview.lines(gray: digit, width: 28, height: 28, color: color).joined(separator: "\n") + "\n"
            text += TerminalPreview.lines(heatMap: heat, width: 28, height: 28, color: color).joined(separator: "\n") + "\n"
        }
        let wide = [Float](repeating: 0.5, count: 10 * 300)
        XCTAssertTrue(TerminalPreview.lines(gray: wide, width: 300, height: 10, color: false, maxWidth: 60)
            .allSatisfy { $0.count <= 60 })
        if let dir = ProcessInfo.processInfo.environment["PIXELRENDER_DEMO_DIR"] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: dir).appendingPathComponent("previews.txt"))
        }
    }
}
