/// A (row, column) position in a grid.
public struct CellIndex: Hashable, Sendable {
    public var row: Int
    public var col: Int

    public init(row: Int, col: Int) {
        self.row = row
        self.col = col
    }
}

/// A matrix drawn as a table of cells: text in each cell (numbers or symbols),
/// row and column indices, optional cell colours, an optional highlighted cell
/// (drawn with a thick orange border) and legend lines below.
///
/// Shapes: `cells` is rows × cols (every row the same length); `fills`, when
/// given, is rows × cols too.
public struct MatrixGrid {
    public var title: String
    public var cells: [[String]]
    public var fills: [[RGB]]?
    public var highlight: CellIndex?
    public var legend: [LegendItem]
    public var overlays: [Overlay] = []
    public var rowTitle = "row"
    public var colTitle = "column"

    static let cellFont = Font.mediumBold
    static let legendGap = 12
    static let highlightThickness = 3

    /// Checks the shapes; throws `RenderError` when they do not fit.
    public init(title: String, cells: [[String]], fills: [[RGB]]? = nil, highlight: CellIndex? = nil,
                legend: [LegendItem] = []) throws {
        guard let cols = cells.first?.count, cols > 0 else {
            throw RenderError.empty("matrix \"\(title)\" has no cells")
        }
        guard cells.allSatisfy({ $0.count == cols }) else {
            throw RenderError.shapeMismatch("matrix rows have different lengths")
        }
        if let fills, fills.count != cells.count || !fills.allSatisfy({ $0.count == cols }) {
            throw RenderError.shapeMismatch("cell colours are not \(cells.count)×\(cols)")
        }
        if let h = highlight, !(0..<cells.count ~= h.row && 0..<cols ~= h.col) {
            throw RenderError.shapeMismatch("highlighted cell (\(h.row), \(h.col)) outside \(cells.count)×\(cols)")
        }
        self.title = title
        self.cells = cells
        self.fills = fills
        self.highlight = highlight
        self.legend = legend
    }

    /// A mask matrix: 1 is a dark cell with a white "1", 0 a light cell with a
    /// gray "0" (other values are written as numbers on a light cell). The
    /// legend explains the colours and the highlight, then `extraLegend` follows.
    public static func mask(_ values: [[Float]], title: String, highlight: CellIndex? = nil,
                            extraLegend: [LegendItem] = []) throws -> MatrixGrid {
        let cells = values.map { $0.map { $0 == 1 ? "1" : $0 == 0 ? "0" : compactNumber(Double($0)) } }
        let fills = values.map { $0.map { $0 == 1 ? Palette.maskOn : Palette.maskOff } }
        var legend = [LegendItem("1 = weight kept (input visible)", color: Palette.maskOn),
                      LegendItem("0 = weight zeroed (input hidden)", color: Palette.maskOff)]
        if highlight != nil {
            legend.append(LegendItem("orange border = centre (the pixel being predicted)", color: Palette.highlight))
        }
        return try MatrixGrid(title: title, cells: cells, fills: fills, highlight: highlight,
                              legend: legend + extraLegend)
    }

    public var rows: Int { cells.count }
    public var cols: Int { cells[0].count }

    /// Side of a (square) cell: wide enough for the longest text.
    public var cellSize: Int {
        let widest = cells.flatMap { $0 }.map { MatrixGrid.cellFont.width(of: $0) }.max() ?? 0
        return max(30, widest + 12)
    }

    var axes: IndexAxes {
        IndexAxes(rows: rows, cols: cols, cellWidth: cellSize, cellHeight: cellSize,
                  rowTitle: rowTitle, colTitle: colTitle)
    }

    private var gridBlockWidth: Int { axes.left + cols * cellSize }
    private var legendSize: (width: Int, height: Int) { Legend.listSize(legend) }
    private var legendHeight: Int { legend.isEmpty ? 0 : MatrixGrid.legendGap + legendSize.height }

    var frame: Frame {
        Frame(title: title, contentWidth: max(gridBlockWidth, legendSize.width),
              contentHeight: axes.top + rows * cellSize + legendHeight)
    }

    /// Size of the rendered picture in pixels.
    public var size: (width: Int, height: Int) { (frame.width, frame.height) }

    /// Where the cells land in the rendered picture.
    public var geometry: CellGeometry {
        let f = frame
        let blockX = (f.width - gridBlockWidth) / 2
        return CellGeometry(x: blockX + axes.left, y: f.contentOrigin.y + axes.top,
                            cellWidth: cellSize, cellHeight: cellSize, rows: rows, cols: cols)
    }

    /// Draws the picture.
    public func render() -> Canvas {
        let canvas = frame.makeCanvas()
        let g = geometry
        g.forEachCell { drawCell($0, $1, on: canvas, g) }
        canvas.stroke(x: g.x, y: g.y, width: g.width + 1, height: g.height + 1, color: Palette.axis)
        if let h = highlight {
            let r = g.rect(row: h.row, col: h.col)
            canvas.stroke(x: r.x + 1, y: r.y + 1, width: r.width - 1, height: r.height - 1,
                          color: Palette.highlight, thickness: MatrixGrid.highlightThickness)
        }
        overlays.forEach { canvas.draw($0, on: g) }
        axes.draw(on: canvas, gridX: g.x, gridY: g.y)
        if !legend.isEmpty {
            let x = (frame.width - max(gridBlockWidth, legendSize.width)) / 2
            Legend.drawList(legend, on: canvas, x: x, y: g.y + g.height + MatrixGrid.legendGap)
        }
        return canvas
    }

    private func drawCell(_ row: Int, _ col: Int, on canvas: Canvas, _ g: CellGeometry) {
        let r = g.rect(row: row, col: col)
        let fill = fills?[row][col] ?? Palette.background
        canvas.fill(x: r.x, y: r.y, width: r.width, height: r.height, color: fill)
        canvas.stroke(x: r.x, y: r.y, width: r.width + 1, height: r.height + 1, color: Palette.gridLine)
        let ink = fill.isDark ? RGB(hex: 0xFFFFFF) : (cells[row][col] == "0" ? Palette.mutedText : Palette.text)
        let font = MatrixGrid.cellFont
        canvas.text(cells[row][col], x: r.x + r.width / 2 + 1, y: r.y + (r.height - font.height) / 2,
                    font: font, color: ink, align: .center)
    }
}
