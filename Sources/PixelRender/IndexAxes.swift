/// Row and column indices around a grid of cells: column numbers above it
/// under a "column" caption, row numbers to its left beside a rotated "row"
/// caption. Indices are thinned (every 2nd, 5th, 10th…) when cells are too
/// small for every number.
struct IndexAxes {
    static let font = Font.small
    static let gap = 4

    let rows: Int
    let cols: Int
    let cellWidth: Int
    let cellHeight: Int
    let rowTitle: String
    let colTitle: String

    /// Label every `rowStep`-th row and `colStep`-th column.
    var rowStep: Int { IndexAxes.step(count: rows, cell: cellHeight, need: IndexAxes.font.height) }
    var colStep: Int {
        IndexAxes.step(count: cols, cell: cellWidth, need: IndexAxes.font.width(of: String(cols - 1)) + 4)
    }

    private var indexWidth: Int { IndexAxes.font.width(of: String(max(0, rows - 1))) }
    private var hasRowTitle: Bool { !rowTitle.isEmpty }
    private var hasColTitle: Bool { !colTitle.isEmpty }

    /// Pixels taken left of the grid and above it.
    var left: Int { (hasRowTitle ? IndexAxes.font.height + IndexAxes.gap : 0) + indexWidth + IndexAxes.gap }
    var top: Int { (hasColTitle ? IndexAxes.font.height + 2 : 0) + IndexAxes.font.height + IndexAxes.gap }

    /// Smallest of 1, 2, 5, 10, 20, 50… with step·cell ≥ need.
    static func step(count: Int, cell: Int, need: Int) -> Int {
        var base = 1
        while true {
            for m in [1, 2, 5] where m * base * max(cell, 1) >= need || m * base >= count {
                return m * base
            }
            base *= 10
        }
    }

    /// Draws the indices for a grid whose top-left corner is at (gridX, gridY).
    func draw(on canvas: Canvas, gridX: Int, gridY: Int) {
        let font = IndexAxes.font
        let indexY = gridY - IndexAxes.gap - font.height
        for col in stride(from: 0, to: cols, by: colStep) {
            canvas.text(String(col), x: gridX + col * cellWidth + cellWidth / 2, y: indexY,
                        font: font, color: Palette.mutedText, align: .center)
        }
        for row in stride(from: 0, to: rows, by: rowStep) {
            canvas.text(String(row), x: gridX - IndexAxes.gap,
                        y: gridY + row * cellHeight + (cellHeight - font.height) / 2,
                        font: font, color: Palette.mutedText, align: .right)
        }
        if hasColTitle {
            canvas.text(colTitle, x: gridX + cols * cellWidth / 2, y: indexY - 2 - font.height,
                        font: font, color: Palette.text, align: .center)
        }
        if hasRowTitle {
            canvas.textUp(rowTitle, x: gridX - left, centerY: gridY + rows * cellHeight / 2,
                          font: font, color: Palette.text)
        }
    }
}
