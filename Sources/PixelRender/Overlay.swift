/// Where the cells of a grid (a heat map, a matrix, one image of a grid) lie on
/// a canvas: cell (row, col) covers x + col·cellWidth ..< x + (col+1)·cellWidth,
/// and likewise down.
public struct CellGeometry: Equatable, Sendable {
    public var x: Int
    public var y: Int
    public var cellWidth: Int
    public var cellHeight: Int
    public var rows: Int
    public var cols: Int

    public init(x: Int, y: Int, cellWidth: Int, cellHeight: Int, rows: Int, cols: Int) {
        self.x = x
        self.y = y
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
        self.rows = rows
        self.cols = cols
    }

    /// Total size of the grid in pixels.
    public var width: Int { cols * cellWidth }
    public var height: Int { rows * cellHeight }

    /// The pixel rectangle of one cell.
    public func rect(row: Int, col: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        (x + col * cellWidth, y + row * cellHeight, cellWidth, cellHeight)
    }

    /// The centre pixel of one cell.
    public func center(row: Int, col: Int) -> (x: Int, y: Int) {
        (x + col * cellWidth + cellWidth / 2, y + row * cellHeight + cellHeight / 2)
    }

    /// Calls `body(row, col)` for every cell, row by row.
    func forEachCell(_ body: (_ row: Int, _ col: Int) -> Void) {
        for row in 0..<rows {
            for col in 0..<cols { body(row, col) }
        }
    }

    func contains(row: Int, col: Int) -> Bool {
        row >= 0 && row < rows && col >= 0 && col < cols
    }
}

/// Something drawn over a grid of cells. Masks are row-major, `rows × cols` of
/// the grid they are drawn on; a mask of another size is ignored, as is a mark
/// outside the grid.
public enum Overlay: Equatable, Sendable {
    /// An outlined square just outside one cell (the cell itself stays visible).
    case mark(row: Int, col: Int, color: RGB = Palette.marker)
    /// Every cell where the mask is true is tinted by `color` at `opacity` (0...1).
    case shade(mask: [Bool], color: RGB = Palette.shade, opacity: Double = 0.4)
    /// The boundary between true and false cells of the mask (and the grid's edge).
    case outline(mask: [Bool], color: RGB = Palette.marker)

    /// The marker line thickness, in pixels.
    public static let markThickness = 2
}

extension Canvas {
    /// Draws `overlay` over the cells described by `geometry`.
    public func draw(_ overlay: Overlay, on geometry: CellGeometry) {
        switch overlay {
        case let .mark(row, col, color):
            guard geometry.contains(row: row, col: col) else { return }
            let r = geometry.rect(row: row, col: col)
            let t = Overlay.markThickness
            stroke(x: r.x - t, y: r.y - t, width: r.width + 2 * t, height: r.height + 2 * t,
                   color: color, thickness: t)
        case let .shade(mask, color, opacity):
            guard mask.count == geometry.rows * geometry.cols else { return }
            forEachTrue(mask, geometry) { r in
                fill(x: r.x, y: r.y, width: r.width, height: r.height, color: color, opacity: opacity)
            }
        case let .outline(mask, color):
            guard mask.count == geometry.rows * geometry.cols else { return }
            outline(mask, geometry, color)
        }
    }

    private func forEachTrue(_ mask: [Bool], _ g: CellGeometry,
                             _ body: ((x: Int, y: Int, width: Int, height: Int)) -> Void) {
        for row in 0..<g.rows {
            for col in 0..<g.cols where mask[row * g.cols + col] {
                body(g.rect(row: row, col: col))
            }
        }
    }

    /// Draws, for each true cell, the sides it shares with a false cell or the edge.
    private func outline(_ mask: [Bool], _ g: CellGeometry, _ color: RGB) {
        func on(_ row: Int, _ col: Int) -> Bool {
            g.contains(row: row, col: col) && mask[row * g.cols + col]
        }
        let t = Overlay.markThickness
        for row in 0..<g.rows {
            for col in 0..<g.cols where on(row, col) {
                let r = g.rect(row: row, col: col)
                if !on(row - 1, col) { fill(x: r.x, y: r.y, width: r.width, height: t, color: color) }
                if !on(row + 1, col) { fill(x: r.x, y: r.y + r.height - t, width: r.width, height: t, color: color) }
                if !on(row, col - 1) { fill(x: r.x, y: r.y, width: t, height: r.height, color: color) }
                if !on(row, col + 1) { fill(x: r.x + r.width - t, y: r.y, width: t, height: r.height, color: color) }
            }
        }
    }
}
