/// Several small images (samples, digits) in a grid: each scaled up by an
/// integer factor, separated by thin gray lines, with an optional caption
/// under each and optional overlays (marks, shaded or outlined regions).
///
/// Shapes: each image is `channels × height × width` numbers in [0, 1],
/// channel-major then row-major (CHW, as one item of an NCHW batch).
/// Intensity 0 is black, 1 is white; with 3 channels they are red, green, blue.
/// Values outside [0, 1] are clamped; NaN is black.
public struct ImageGrid {
    public var title: String
    public private(set) var images: [[Float]]
    public private(set) var height: Int
    public private(set) var width: Int
    public private(set) var channels: Int
    /// Images per row; `nil` means min(count, 8).
    public var columns: Int?
    /// Screen pixels per image pixel; `nil` makes images about 84 pixels tall.
    public var scale: Int?
    /// One caption per image (fewer is fine; extra ones are ignored).
    public var captions: [String] = []
    /// Overlays per image, in the image's own pixel grid (index = image number).
    public var overlays: [[Overlay]] = []

    static let separator = 2
    static let captionGap = 3

    /// Checks the shapes; throws `RenderError` when an image has the wrong size.
    public init(title: String, images: [[Float]], height: Int, width: Int, channels: Int = 1) throws {
        guard !images.isEmpty else { throw RenderError.empty("image grid \"\(title)\" has no images") }
        guard height > 0 && width > 0 && (channels == 1 || channels == 3) else {
            throw RenderError.shapeMismatch("images must be 1 or 3 channels of at least 1×1, not \(channels)×\(height)×\(width)")
        }
        if let bad = images.firstIndex(where: { $0.count != channels * height * width }) {
            throw RenderError.shapeMismatch("image \(bad) has \(images[bad].count) values, expected \(channels)×\(height)×\(width)")
        }
        self.title = title
        self.images = images
        self.height = height
        self.width = width
        self.channels = channels
    }

    var columnCount: Int { max(1, min(columns ?? 8, images.count)) }
    var rowCount: Int { (images.count + columnCount - 1) / columnCount }
    var pixelScale: Int { max(1, scale ?? max(1, 84 / max(height, width))) }

    private var hasCaptions: Bool { !captions.isEmpty }
    private var imageWidth: Int { width * pixelScale }
    private var imageHeight: Int { height * pixelScale }
    /// A cell is the image plus its caption band, widened for captions up to 2× the image.
    var cellWidth: Int {
        let widest = captions.prefix(images.count).map { Font.small.width(of: $0) + 4 }.max() ?? 0
        return max(imageWidth, min(widest, 2 * imageWidth))
    }
    var cellHeight: Int { imageHeight + (hasCaptions ? ImageGrid.captionGap + Font.small.height + 2 : 0) }

    var frame: Frame {
        let s = ImageGrid.separator
        return Frame(title: title, contentWidth: columnCount * (cellWidth + s) + s,
                     contentHeight: rowCount * (cellHeight + s) + s)
    }

    /// Size of the rendered picture in pixels.
    public var size: (width: Int, height: Int) { (frame.width, frame.height) }

    /// Where image `index`'s pixels land in the rendered picture.
    public func geometry(ofImage index: Int) -> CellGeometry {
        let s = ImageGrid.separator
        let origin = frame.contentOrigin
        let cellX = origin.x + s + (index % columnCount) * (cellWidth + s)
        let cellY = origin.y + s + (index / columnCount) * (cellHeight + s)
        return CellGeometry(x: cellX + (cellWidth - imageWidth) / 2, y: cellY, cellWidth: pixelScale,
                            cellHeight: pixelScale, rows: height, cols: width)
    }

    /// Draws the picture.
    public func render() -> Canvas {
        let f = frame
        let canvas = f.makeCanvas()
        canvas.fill(x: f.contentOrigin.x, y: f.contentOrigin.y, width: f.contentWidth,
                    height: f.contentHeight, color: Palette.separator)
        for index in images.indices { drawImage(index, on: canvas) }
        return canvas
    }

    /// The colour of pixel (row, col) of image `index`.
    func color(_ index: Int, _ row: Int, _ col: Int) -> RGB {
        let image = images[index], plane = height * width, i = row * width + col
        guard channels == 3 else { return RGB(gray: image[i]) }
        return RGB(RGB.byte(image[i]), RGB.byte(image[plane + i]), RGB.byte(image[2 * plane + i]))
    }

    private func drawImage(_ index: Int, on canvas: Canvas) {
        let g = geometry(ofImage: index)
        let cellX = g.x - (cellWidth - imageWidth) / 2
        canvas.fill(x: cellX, y: g.y, width: cellWidth, height: cellHeight, color: Palette.background)
        for row in 0..<height {
            for col in 0..<width {
                let r = g.rect(row: row, col: col)
                canvas.fill(x: r.x, y: r.y, width: r.width, height: r.height, color: color(index, row, col))
            }
        }
        if index < overlays.count { overlays[index].forEach { canvas.draw($0, on: g) } }
        if index < captions.count {
            let text = truncated(captions[index], toWidth: cellWidth - 2, font: .small)
            canvas.text(text, x: cellX + cellWidth / 2, y: g.y + imageHeight + ImageGrid.captionGap,
                        font: .small, color: Palette.text, align: .center)
        }
    }
}
