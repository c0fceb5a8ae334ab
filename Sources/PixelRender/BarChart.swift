/// A bar chart of one discrete distribution: bar k is p(k) for k = 0…K−1 (the paper's figure
/// of softmax activations: no assumption about their shape). One bar may be marked (the
/// value actually there), drawn in the highlight colour with a dashed line and its label.
public struct BarChart {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// The height of each bar (finite, ≥ 0).
    public let values: [Float]
    /// The bar to mark, and the label written beside it.
    public var marked: (index: Int, label: String)?
    /// The colour of the bars.
    public var color: RGB = Palette.series(0)
    /// Width of the plotting area in pixels (bars share it; at least one pixel each).
    public var plotWidth = 512
    public var plotHeight = 160

    static let tickLength = 5
    static let gap = 6

    /// Throws `RenderError.empty` with no values, `.shapeMismatch` for a negative or non-finite one.
    public init(title: String, xLabel: String, yLabel: String, values: [Float]) throws {
        guard !values.isEmpty else { throw RenderError.empty("bar chart \"\(title)\" has no bars") }
        guard values.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw RenderError.shapeMismatch("bar chart \"\(title)\" has a negative or non-finite value")
        }
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.values = values
    }

    /// The top of the y axis when the values have a natural one (probabilities: 1); nil: a
    /// little above the tallest bar.
    public var yLimit: Double?
    /// The y axis: 0 to `yLimit`, or to a little above the tallest bar.
    public var yScale: NiceScale {
        NiceScale(min: 0, max: yLimit ?? Double(max(values.max() ?? 0, 1e-6)) * 1.05, targetTicks: 4)
    }
    /// The x axis: the bar indices.
    public var xScale: NiceScale { NiceScale(min: 0, max: Double(values.count - 1), targetTicks: 8, minimumStep: 1) }

    private var barWidth: Int { max(1, plotWidth / values.count) }
    private var areaWidth: Int { barWidth * values.count }
    private var left: Int {
        let ticks = yScale.ticks.map { Font.small.width(of: yScale.label($0)) }.max() ?? 0
        return Font.small.height + BarChart.gap + ticks + BarChart.gap + BarChart.tickLength
    }
    private var bottom: Int { BarChart.tickLength + 3 + Font.small.height + BarChart.gap + Font.small.height + 4 }
    private var top: Int { Font.small.height + 4 }   // room for the marked bar's label

    var frame: Frame {
        Frame(title: title, contentWidth: left + areaWidth + 40, contentHeight: top + plotHeight + bottom)
    }

    /// Size of the rendered picture in pixels.
    public var size: (width: Int, height: Int) { (frame.width, frame.height) }

    /// The plotting area in the rendered picture.
    public var plotArea: (x: Int, y: Int, width: Int, height: Int) {
        let o = frame.contentOrigin
        return (o.x + left, o.y + top, areaWidth, plotHeight)
    }

    /// The top of bar `k` (its height in pixels from the base).
    public func barHeight(_ k: Int) -> Int {
        let s = yScale
        return Int((Double(values[k]) / s.upper * Double(plotHeight)).rounded())
    }

    /// Draws the picture.
    public func render() -> Canvas {
        let canvas = frame.makeCanvas()
        let a = plotArea, font = Font.small, s = yScale
        for t in s.ticks {
            let y = a.y + a.height - Int((t / s.upper * Double(a.height)).rounded())
            canvas.line(x0: a.x, y0: y, x1: a.x + a.width - 1, y1: y, color: RGB(hex: 0xE6E6E6))
            canvas.line(x0: a.x - BarChart.tickLength, y0: y, x1: a.x - 1, y1: y, color: Palette.axis)
            canvas.text(s.label(t), x: a.x - BarChart.tickLength - BarChart.gap, y: y - font.height / 2, font: font, align: .right)
        }
        for k in values.indices {
            let h = barHeight(k)
            let isMarked = marked?.index == k
            canvas.fill(x: a.x + k * barWidth, y: a.y + a.height - h, width: barWidth, height: h,
                        color: isMarked ? Palette.highlight : color)
        }
        for t in xScale.ticks where Int(t) < values.count {
            let x = a.x + Int(t) * barWidth + barWidth / 2
            canvas.line(x0: x, y0: a.y + a.height, x1: x, y1: a.y + a.height + BarChart.tickLength - 1, color: Palette.axis)
            canvas.text(xScale.label(t), x: x, y: a.y + a.height + BarChart.tickLength + 3, font: font, align: .center)
        }
        if let (k, label) = marked, values.indices.contains(k) {
            let x = a.x + k * barWidth + barWidth / 2
            canvas.dashedLine(x0: x, y0: a.y, x1: x, y1: a.y + a.height - 1, color: Palette.highlight)
            let align: Canvas.Alignment = k < values.count / 2 ? .left : .right
            canvas.text(label, x: x + (align == .left ? 3 : -3), y: a.y - font.height - 2, font: font,
                        color: Palette.highlight, align: align)
        }
        canvas.stroke(x: a.x - 1, y: a.y - 1, width: a.width + 2, height: a.height + 2, color: Palette.axis)
        canvas.text(xLabel, x: a.x + a.width / 2, y: a.y + a.height + BarChart.tickLength + 3 + font.height + BarChart.gap,
                    font: font, align: .center)
        canvas.textUp(yLabel, x: a.x - left, centerY: a.y + a.height / 2, font: font)
        return canvas
    }
}
