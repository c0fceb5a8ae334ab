/// One line of a legend: a colour swatch (optional) and its meaning.
public struct LegendItem: Sendable, Equatable {
    public var text: String
    public var color: RGB?

    public init(_ text: String, color: RGB? = nil) {
        self.text = text
        self.color = color
    }
}

/// Drawing legends: a list (one item a line) or a row (items side by side,
/// wrapping to more rows when they do not fit).
enum Legend {
    static let font = Font.small
    static let lineHeight = 16
    static let swatch = 12
    static let swatchGap = 6
    static let itemGap = 18

    static func itemWidth(_ item: LegendItem) -> Int {
        (item.color == nil ? 0 : swatch + swatchGap) + font.width(of: item.text)
    }

    /// Size of the items drawn one per line.
    static func listSize(_ items: [LegendItem]) -> (width: Int, height: Int) {
        (items.map(itemWidth).max() ?? 0, items.count * lineHeight)
    }

    static func drawList(_ items: [LegendItem], on canvas: Canvas, x: Int, y: Int) {
        for (i, item) in items.enumerated() {
            drawItem(item, on: canvas, x: x, y: y + i * lineHeight)
        }
    }

    /// The items split into rows no wider than `maxWidth`.
    static func rows(_ items: [LegendItem], maxWidth: Int) -> [[LegendItem]] {
        var rows: [[LegendItem]] = []
        var current: [LegendItem] = []
        var used = 0
        for item in items {
            let w = itemWidth(item)
            if !current.isEmpty && used + itemGap + w > maxWidth {
                rows.append(current)
                current = []
                used = 0
            }
            used += (current.isEmpty ? 0 : itemGap) + w
            current.append(item)
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }

    static func rowWidth(_ row: [LegendItem]) -> Int {
        row.map(itemWidth).reduce(0, +) + max(0, row.count - 1) * itemGap
    }

    /// Draws the rows centred on `centerX`.
    static func drawRows(_ rows: [[LegendItem]], on canvas: Canvas, centerX: Int, y: Int) {
        for (r, row) in rows.enumerated() {
            var x = centerX - rowWidth(row) / 2
            for item in row {
                drawItem(item, on: canvas, x: x, y: y + r * lineHeight)
                x += itemWidth(item) + itemGap
            }
        }
    }

    static func drawItem(_ item: LegendItem, on canvas: Canvas, x: Int, y: Int) {
        var textX = x
        if let color = item.color {
            let top = y + (font.height - swatch) / 2
            canvas.fill(x: x, y: top, width: swatch, height: swatch, color: color)
            canvas.stroke(x: x, y: top, width: swatch, height: swatch, color: Palette.axis)
            textX += swatch + swatchGap
        }
        canvas.text(item.text, x: textX, y: y, font: font, color: Palette.text)
    }
}
