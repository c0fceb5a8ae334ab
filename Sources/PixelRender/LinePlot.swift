/// One named curve of a line plot.
public struct Series: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    /// `nil` takes the next colour of `Palette.series`.
    public var color: RGB?

    /// A curve through (x, y) pairs; non-finite points are skipped when drawn.
    public init(name: String, points: [(x: Double, y: Double)], color: RGB? = nil) {
        self.name = name
        self.points = points
        self.color = color
    }

    /// A curve through (xs[i], ys[i]); the shorter array decides the length.
    public init(name: String, xs: [Double], ys: [Double], color: RGB? = nil) {
        self.init(name: name, points: Array(zip(xs, ys)).map { (x: $0.0, y: $0.1) }, color: color)
    }

    /// A curve through (1, ys[0]), (2, ys[1]), … — e.g. a loss per epoch.
    public init(name: String, ys: [Double], color: RGB? = nil) {
        self.init(name: name, xs: ys.indices.map { Double($0 + 1) }, ys: ys, color: color)
    }

    var finitePoints: [(x: Double, y: Double)] { points.filter { $0.x.isFinite && $0.y.isFinite } }
}

/// A horizontal dashed line with a label, e.g. the paper's NLL for comparison.
public struct ReferenceLine: Sendable {
    public var y: Double
    public var label: String
    public var color: RGB

    public init(y: Double, label: String, color: RGB = Palette.mutedText) {
        self.y = y
        self.label = label
        self.color = color
    }
}

/// A line plot: axes with nice tick numbers, axis labels, gridlines, several
/// named series (lines, with dots when there are few points), reference lines
/// and a legend under the x-axis label.
public struct LinePlot {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public private(set) var series: [Series]
    public var references: [ReferenceLine] = []
    /// Size of the plotting area (inside the axes) in pixels.
    public var plotWidth = 480
    public var plotHeight = 280

    static let tickLength = 5
    static let gap = 6
    static let dotLimit = 40

    /// Throws `RenderError.empty` when no series has a finite point.
    public init(title: String, xLabel: String, yLabel: String, series: [Series]) throws {
        guard series.contains(where: { !$0.finitePoints.isEmpty }) else {
            throw RenderError.empty("plot \"\(title)\" has no finite points")
        }
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// The x and y axes' ranges and ticks.
    public var xScale: NiceScale {
        let xs = series.flatMap { $0.finitePoints.map(\.x) }
        let counts = xs.allSatisfy { $0 == $0.rounded() }
        return NiceScale(min: xs.min() ?? 0, max: xs.max() ?? 1, targetTicks: 6, minimumStep: counts ? 1 : 0)
    }
    public var yScale: NiceScale {
        let ys = (series.flatMap { $0.finitePoints.map(\.y) } + references.map(\.y).filter(\.isFinite)).map(NiceScale.clamp)
        let lo = ys.min() ?? 0, hi = ys.max() ?? 1, pad = (hi - lo) * 0.03 // keep points off the frame
        return NiceScale(min: lo - pad, max: hi + pad, targetTicks: 5)
    }

    private var legendItems: [LegendItem] {
        series.enumerated().map { LegendItem($1.name, color: $1.color ?? Palette.series($0)) }
    }
    private var legendRows: [[LegendItem]] { Legend.rows(legendItems, maxWidth: plotWidth + left) }
    private var yTickWidth: Int { yScale.ticks.map { Font.small.width(of: yScale.label($0)) }.max() ?? 0 }
    private var left: Int { Font.small.height + LinePlot.gap + yTickWidth + LinePlot.gap + LinePlot.tickLength }
    private var bottom: Int {
        LinePlot.tickLength + 3 + Font.small.height + LinePlot.gap + Font.small.height + 10
            + legendRows.count * Legend.lineHeight
    }
    /// Room right of the plot for the last x tick label and reference labels.
    private var right: Int {
        let refs = references.map { Font.small.width(of: $0.label) + 6 }.max() ?? 0
        return max(Font.small.width(of: xScale.label(xScale.upper)) / 2 + 2, refs)
    }

    var frame: Frame {
        Frame(title: title, contentWidth: left + plotWidth + right,
              contentHeight: Font.small.height / 2 + plotHeight + bottom)
    }

    /// Size of the rendered picture in pixels.
    public var size: (width: Int, height: Int) { (frame.width, frame.height) }

    /// The plotting area (inside the axes) in the rendered picture.
    public var plotArea: (x: Int, y: Int, width: Int, height: Int) {
        let o = frame.contentOrigin
        return (o.x + left, o.y + Font.small.height / 2, plotWidth, plotHeight)
    }

    /// The picture position of a data point.
    public func position(x: Double, y: Double) -> (x: Int, y: Int) {
        let a = plotArea, xs = xScale, ys = yScale, x = NiceScale.clamp(x), y = NiceScale.clamp(y)
        let px = Double(a.x) + (x - xs.lower) / (xs.upper - xs.lower) * Double(a.width - 1)
        let py = Double(a.y + a.height - 1) - (y - ys.lower) / (ys.upper - ys.lower) * Double(a.height - 1)
        // A point far outside the scale (a clamped huge value) lands just off the canvas.
        func pixel(_ v: Double) -> Int { v.isNaN ? 0 : Int(Swift.min(Swift.max(v, -1e6), 1e6).rounded()) }
        return (pixel(px), pixel(py))
    }

    /// Draws the picture.
    public func render() -> Canvas {
        let canvas = frame.makeCanvas()
        drawGridAndTicks(on: canvas)
        references.forEach { drawReference($0, on: canvas) }
        for (i, s) in series.enumerated() { drawSeries(s, color: s.color ?? Palette.series(i), on: canvas) }
        drawAxesAndLabels(on: canvas)
        return canvas
    }

    private func drawGridAndTicks(on canvas: Canvas) {
        let a = plotArea, font = Font.small
        for t in yScale.ticks {
            let y = position(x: xScale.lower, y: t).y
            canvas.line(x0: a.x, y0: y, x1: a.x + a.width - 1, y1: y, color: RGB(hex: 0xE6E6E6))
            canvas.line(x0: a.x - LinePlot.tickLength, y0: y, x1: a.x - 1, y1: y, color: Palette.axis)
            canvas.text(yScale.label(t), x: a.x - LinePlot.tickLength - LinePlot.gap, y: y - font.height / 2,
                        font: font, align: .right)
        }
        for t in xScale.ticks {
            let x = position(x: t, y: yScale.lower).x
            canvas.line(x0: x, y0: a.y, x1: x, y1: a.y + a.height - 1, color: RGB(hex: 0xE6E6E6))
            canvas.line(x0: x, y0: a.y + a.height, x1: x, y1: a.y + a.height + LinePlot.tickLength - 1,
                        color: Palette.axis)
            canvas.text(xScale.label(t), x: x, y: a.y + a.height + LinePlot.tickLength + 3, font: font,
                        align: .center)
        }
    }

    private func drawAxesAndLabels(on canvas: Canvas) {
        let a = plotArea, font = Font.small
        canvas.stroke(x: a.x - 1, y: a.y - 1, width: a.width + 2, height: a.height + 2, color: Palette.axis)
        let xLabelY = a.y + a.height + LinePlot.tickLength + 3 + font.height + LinePlot.gap
        canvas.text(xLabel, x: a.x + a.width / 2, y: xLabelY, font: font, align: .center)
        canvas.textUp(yLabel, x: a.x - left, centerY: a.y + a.height / 2, font: font)
        let legendY = xLabelY + font.height + 10
        Legend.drawRows(legendRows, on: canvas, centerX: a.x + a.width / 2, y: legendY)
    }

    private func drawSeries(_ s: Series, color: RGB, on canvas: Canvas) {
        let points = s.finitePoints.map { position(x: $0.x, y: $0.y) }
        for (p, q) in zip(points, points.dropFirst()) {
            canvas.line(x0: p.x, y0: p.y, x1: q.x, y1: q.y, color: color, thickness: 2)
        }
        if points.count <= LinePlot.dotLimit {
            points.forEach { canvas.fill(x: $0.x - 2, y: $0.y - 2, width: 5, height: 5, color: color) }
        }
    }

    private func drawReference(_ r: ReferenceLine, on canvas: Canvas) {
        guard r.y.isFinite else { return }
        let a = plotArea, y = position(x: xScale.lower, y: r.y).y
        canvas.dashedLine(x0: a.x, y0: y, x1: a.x + a.width - 1, y1: y, color: r.color)
        canvas.text(r.label, x: a.x + a.width + 6, y: y - Font.small.height / 2, font: .small, color: r.color)
    }
}
