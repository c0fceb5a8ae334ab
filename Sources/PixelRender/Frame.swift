/// The layout every picture shares: a margin, a title (word-wrapped, centred,
/// large font) and the content below it. An empty title leaves no title band
/// (used for panels that `Panels` titles itself).
struct Frame {
    static let margin = 14
    static let titleFont = Font.large
    static let titleLineHeight = 18
    static let titleGap = 10
    /// Titles wrap at this many pixels unless the content is wider.
    static let minTitleWrap = 480

    let titleLines: [String]
    let contentWidth: Int
    let contentHeight: Int

    init(title: String, contentWidth: Int, contentHeight: Int) {
        let wrap = max(contentWidth, Frame.minTitleWrap) / Frame.titleFont.width
        titleLines = title.isEmpty ? [] : wrapWords(title, maxChars: wrap)
        self.contentWidth = contentWidth
        self.contentHeight = contentHeight
    }

    var titleHeight: Int {
        titleLines.isEmpty ? 0 : titleLines.count * Frame.titleLineHeight + Frame.titleGap
    }

    var width: Int {
        let titleWidth = titleLines.map { Frame.titleFont.width(of: $0) }.max() ?? 0
        return max(contentWidth, titleWidth) + 2 * Frame.margin
    }

    var height: Int { Frame.margin + titleHeight + contentHeight + Frame.margin }

    /// Top-left corner of the content (centred horizontally).
    var contentOrigin: (x: Int, y: Int) {
        ((width - contentWidth) / 2, Frame.margin + titleHeight)
    }

    /// A canvas of the frame's size with the title drawn.
    func makeCanvas() -> Canvas {
        let canvas = Canvas(width: width, height: height)
        for (i, line) in titleLines.enumerated() {
            canvas.text(line, x: width / 2, y: Frame.margin + i * Frame.titleLineHeight,
                        font: Frame.titleFont, color: Palette.text, align: .center)
        }
        return canvas
    }
}
