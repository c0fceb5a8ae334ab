/// A grid of numbers drawn as colours, with row/column indices and a colour
/// bar (its bottom, middle and top values written beside it), optional values
/// written in the cells, and optional overlays (marks, shading, outlines).
///
/// Shape: `values` holds rows × cols numbers, row-major (values[r·cols + c]).
/// NaN cells are drawn gray.
public struct HeatMap {
    public var title: String
    public private(set) var values: [Float]
    public private(set) var rows: Int
    public private(set) var cols: Int
    public var colormap: Colormap
    /// The values mapped to the bottom and top colours; `nil` picks the data's
    /// range (symmetric around 0 for a diverging colormap).
    public var range: ClosedRange<Float>?
    /// What the colour bar measures, e.g. "|gradient|".
    public var barLabel: String
    /// Write each value in its cell (only when cells are big enough).
    public var showValues = false
    public var overlays: [Overlay] = []
    public var rowTitle = "row"
    public var colTitle = "column"
    /// Side of a square cell in pixels; `nil` fits the map into about 320 pixels.
    public var cellSize: Int?

    static let barGap = 18
    static let barWidth = 16
    static let minBarHeight = 120
    static let tickLength = 4

    /// Checks the shape; throws `RenderError` when values.count ≠ rows·cols.
    public init(title: String, values: [Float], rows: Int, cols: Int, colormap: Colormap = .viridis,
                range: ClosedRange<Float>? = nil, barLabel: String = "value") throws {
        guard rows > 0 && cols > 0 else { throw RenderError.empty("heat map \"\(title)\" is \(rows)×\(cols)") }
        guard values.count == rows * cols else {
            throw RenderError.shapeMismatch("\(values.count) values for a \(rows)×\(cols) heat map")
        }
        self.title = title
        self.values = values
        self.rows = rows
        self.cols = cols
        self.colormap = colormap
        self.range = range
        self.barLabel = barLabel
    }

    /// A heat map of a matrix given as rows (every row the same length).
    public init(title: String, matrix: [[Float]], colormap: Colormap = .viridis,
                range: ClosedRange<Float>? = nil, barLabel: String = "value") throws {
        guard let cols = matrix.first?.count, matrix.allSatisfy({ $0.count == cols }) else {
            throw RenderError.shapeMismatch("heat map rows have different lengths")
        }
        try self.init(title: title, values: matrix.flatMap { $0 }, rows: matrix.count, cols: cols,
                      colormap: colormap, range: range, barLabel: barLabel)
    }

    /// The values mapped to the bottom and top colours.
    public var effectiveRange: ClosedRange<Float> {
        if let range { return range }
        let finite = values.filter { $0.isFinite }
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if colormap.isSymmetric {
            let m = max(abs(lo), abs(hi))
            (lo, hi) = (-m, m)
        }
        if hi <= lo { (lo, hi) = (min(lo, 0), max(hi, 0)) }
        if hi <= lo { hi = lo + 1 }
        return lo...hi
    }

    /// The colour of one value.
    public func color(of value: Float) -> RGB {
        guard !value.isNaN else { return Palette.gridLine }
        let r = effectiveRange
        return colormap.color(at: Double((value - r.lowerBound) / (r.upperBound - r.lowerBound)))
    }

    var cell: Int { cellSize ?? min(48, max(4, 320 / max(rows, cols))) }

    var axes: IndexAxes {
        IndexAxes(rows: rows, cols: cols, cellWidth: cell, cellHeight: cell, rowTitle: rowTitle, colTitle: colTitle)
    }

    /// As tall as the map, and at least tall enough for its rotated label.
    private var barHeight: Int { max(rows * cell, HeatMap.minBarHeight, Font.small.width(of: barLabel) + 8) }
    private var barLabels: [(t: Double, text: String)] {
        let r = effectiveRange
        let mid = (r.lowerBound + r.upperBound) / 2
        return [(0, compactNumber(Double(r.lowerBound))), (0.5, compactNumber(Double(mid))),
                (1, compactNumber(Double(r.upperBound)))]
    }
    private var barBlockWidth: Int {
        let labels = barLabels.map { Font.small.width(of: $0.text) }.max() ?? 0
        return HeatMap.barGap + HeatMap.barWidth + HeatMap.tickLength + 4 + labels + 8 + Font.small.height
    }

    var frame: Frame {
        Frame(title: title, contentWidth: axes.left + cols * cell + barBlockWidth,
              contentHeight: axes.top + max(rows * cell, barHeight) + Font.small.height / 2)
    }

    /// Size of the rendered picture in pixels.
    public var size: (width: Int, height: Int) { (frame.width, frame.height) }

    /// Where the cells land in the rendered picture.
    public var geometry: CellGeometry {
        let f = frame
        return CellGeometry(x: f.contentOrigin.x + axes.left, y: f.contentOrigin.y + axes.top,
                            cellWidth: cell, cellHeight: cell, rows: rows, cols: cols)
    }

    /// Draws the picture.
    public func render() -> Canvas {
        let canvas = frame.makeCanvas()
        let g = geometry
        g.forEachCell { drawCell($0, $1, on: canvas, g) }
        canvas.stroke(x: g.x - 1, y: g.y - 1, width: g.width + 2, height: g.height + 2, color: Palette.axis)
        overlays.forEach { canvas.draw($0, on: g) }
        axes.draw(on: canvas, gridX: g.x, gridY: g.y)
        drawBar(on: canvas, x: g.x + g.width + HeatMap.barGap, y: g.y)
        return canvas
    }

    private func drawCell(_ row: Int, _ col: Int, on canvas: Canvas, _ g: CellGeometry) {
        let r = g.rect(row: row, col: col)
        let v = values[row * cols + col]
        let c = color(of: v)
        canvas.fill(x: r.x, y: r.y, width: r.width, height: r.height, color: c)
        guard showValues else { return }
        let text = compactNumber(Double(v))
        guard let font = [Font.small, .tiny].first(where: { $0.width(of: text) + 2 <= cell && $0.height <= cell })
        else { return }
        canvas.text(text, x: r.x + r.width / 2 + 1, y: r.y + (r.height - font.height) / 2, font: font,
                    color: c.isDark ? RGB(hex: 0xFFFFFF) : Palette.text, align: .center)
    }

    private func drawBar(on canvas: Canvas, x: Int, y: Int) {
        let h = barHeight
        for i in 0..<h {
            let t = h == 1 ? 1 : 1 - Double(i) / Double(h - 1)
            canvas.fill(x: x, y: y + i, width: HeatMap.barWidth, height: 1, color: colormap.color(at: t))
        }
        canvas.stroke(x: x - 1, y: y - 1, width: HeatMap.barWidth + 2, height: h + 2, color: Palette.axis)
        let font = Font.small
        let labelX = x + HeatMap.barWidth + HeatMap.tickLength + 4
        for (t, text) in barLabels {
            let ty = y + Int((1 - t) * Double(h - 1))
            canvas.line(x0: x + HeatMap.barWidth, y0: ty, x1: x + HeatMap.barWidth + HeatMap.tickLength, y1: ty,
                        color: Palette.axis)
            canvas.text(text, x: labelX, y: ty - font.height / 2, font: font)
        }
        let widest = barLabels.map { font.width(of: $0.text) }.max() ?? 0
        canvas.textUp(barLabel, x: labelX + widest + 8, centerY: y + h / 2, font: font)
    }
}
