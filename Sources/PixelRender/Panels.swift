/// One picture inside a `Panels` composition, with the subtitle drawn above it.
public struct Panel {
    public var subtitle: String
    public var canvas: Canvas

    public init(subtitle: String, canvas: Canvas) {
        self.subtitle = subtitle
        self.canvas = canvas
    }
}

/// Several rendered pictures side by side (wrapping into rows) under one
/// title, each with its own subtitle, e.g. "PixelCNN | Row LSTM | Diagonal
/// BiLSTM". Render the panels with an empty title: the subtitle names them.
public struct Panels {
    public var title: String
    public private(set) var panels: [Panel]
    /// Panels per row; `nil` puts them all in one row.
    public var columns: Int?
    /// Legend lines under all panels (e.g. what the colours mean, once for all).
    public var legend: [LegendItem] = []

    static let gap = 20
    static let subtitleFont = Font.mediumBold
    static let subtitleGap = 4

    /// Throws `RenderError.empty` when there are no panels.
    public init(title: String, panels: [Panel], columns: Int? = nil) throws {
        guard !panels.isEmpty else { throw RenderError.empty("panels \"\(title)\" has none") }
        self.title = title
        self.panels = panels
        self.columns = columns
    }

    var columnCount: Int { max(1, min(columns ?? panels.count, panels.count)) }

    private var rowsOfPanels: [ArraySlice<Panel>] {
        stride(from: 0, to: panels.count, by: columnCount).map {
            panels[$0..<min($0 + columnCount, panels.count)]
        }
    }

    private func cellWidth(_ p: Panel) -> Int {
        max(p.canvas.width, Panels.subtitleFont.width(of: p.subtitle))
    }

    private var subtitleHeight: Int { Panels.subtitleFont.height + Panels.subtitleGap }

    private func rowHeight(_ row: ArraySlice<Panel>) -> Int {
        subtitleHeight + (row.map { $0.canvas.height }.max() ?? 0)
    }

    private func rowWidth(_ row: ArraySlice<Panel>) -> Int {
        row.map(cellWidth).reduce(0, +) + (row.count - 1) * Panels.gap
    }

    private var legendHeight: Int { legend.isEmpty ? 0 : Panels.gap / 2 + Legend.listSize(legend).height }

    var frame: Frame {
        let rows = rowsOfPanels
        let width = max(rows.map(rowWidth).max() ?? 0, Legend.listSize(legend).width)
        let height = rows.map(rowHeight).reduce(0, +) + (rows.count - 1) * Panels.gap + legendHeight
        return Frame(title: title, contentWidth: width, contentHeight: height)
    }

    /// Size of the rendered picture in pixels.
    public var size: (width: Int, height: Int) { (frame.width, frame.height) }

    /// Top-left corner of each panel's picture in the rendered picture.
    public var panelOrigins: [(x: Int, y: Int)] {
        let f = frame
        var origins: [(x: Int, y: Int)] = []
        var y = f.contentOrigin.y
        for row in rowsOfPanels {
            var x = (f.width - rowWidth(row)) / 2
            for p in row {
                origins.append((x + (cellWidth(p) - p.canvas.width) / 2, y + subtitleHeight))
                x += cellWidth(p) + Panels.gap
            }
            y += rowHeight(row) + Panels.gap
        }
        return origins
    }

    /// Draws the picture.
    public func render() -> Canvas {
        let f = frame
        let canvas = f.makeCanvas()
        for (p, o) in zip(panels, panelOrigins) {
            canvas.text(p.subtitle, x: o.x + p.canvas.width / 2, y: o.y - subtitleHeight,
                        font: Panels.subtitleFont, align: .center)
            canvas.draw(p.canvas, x: o.x, y: o.y)
        }
        if !legend.isEmpty {
            let x = (f.width - Legend.listSize(legend).width) / 2
            Legend.drawList(legend, on: canvas, x: x, y: f.height - Frame.margin - Legend.listSize(legend).height)
        }
        return canvas
    }
}
