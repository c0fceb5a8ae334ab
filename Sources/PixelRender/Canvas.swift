import CGD

/// A true-colour picture drawn with libgd. Coordinates are pixels, (0, 0) at
/// the top left, x to the right, y down. Rendered pictures are canvases; write
/// them with `writePNG(to:)`.
public final class Canvas {
    let image: gdImagePtr
    /// Size in pixels.
    public let width: Int
    public let height: Int

    /// A blank canvas filled with `background`.
    public init(width: Int, height: Int, background: RGB = Palette.background) {
        precondition(width > 0 && height > 0, "canvas must be at least 1×1")
        image = gdImageCreateTrueColor(Int32(width), Int32(height))
        self.width = width
        self.height = height
        gdImageAlphaBlending(image, 1)
        fill(x: 0, y: 0, width: width, height: height, color: background)
    }

    /// Takes ownership of a decoded libgd image.
    init(taking image: gdImagePtr) {
        if image.pointee.trueColor == 0 {
            gdImagePaletteToTrueColor(image)
        }
        self.image = image
        width = Int(cgd_sx(image))
        height = Int(cgd_sy(image))
        gdImageAlphaBlending(image, 1)
    }

    deinit {
        gdImageDestroy(image)
    }

    /// The libgd colour for `color` at `opacity` (1 opaque, 0 invisible).
    func gdColor(_ color: RGB, opacity: Double = 1) -> Int32 {
        let alpha = Int32((127 * (1 - min(max(opacity, 0), 1))).rounded()) // 0 opaque … 127 transparent
        return gdImageColorAllocateAlpha(image, Int32(color.r), Int32(color.g), Int32(color.b), alpha)
    }

    /// The colour of the pixel at (x, y).
    public func pixel(x: Int, y: Int) -> RGB {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)×\(height)")
        let v = UInt32(bitPattern: cgd_truecolor_pixel(image, Int32(x), Int32(y)))
        return RGB(hex: v & 0xFFFFFF)
    }

    /// All pixels, row by row.
    public func pixels() -> [RGB] {
        var out: [RGB] = []
        out.reserveCapacity(width * height)
        for y in 0..<height {
            for x in 0..<width { out.append(pixel(x: x, y: y)) }
        }
        return out
    }

    /// Sets one pixel (opaque).
    public func setPixel(x: Int, y: Int, color: RGB) {
        gdImageSetPixel(image, Int32(x), Int32(y), gdColor(color))
    }

    /// Fills a rectangle; `opacity` below 1 blends it over what is there.
    public func fill(x: Int, y: Int, width w: Int, height h: Int, color: RGB, opacity: Double = 1) {
        guard w > 0 && h > 0 else { return }
        gdImageFilledRectangle(image, Int32(x), Int32(y), Int32(x + w - 1), Int32(y + h - 1),
                               gdColor(color, opacity: opacity))
    }

    /// Outlines a rectangle with lines `thickness` pixels wide, drawn inside it.
    public func stroke(x: Int, y: Int, width w: Int, height h: Int, color: RGB, thickness: Int = 1) {
        let t = max(1, min(thickness, w / 2, h / 2))
        fill(x: x, y: y, width: w, height: t, color: color)
        fill(x: x, y: y + h - t, width: w, height: t, color: color)
        fill(x: x, y: y + t, width: t, height: h - 2 * t, color: color)
        fill(x: x + w - t, y: y + t, width: t, height: h - 2 * t, color: color)
    }

    /// A straight line.
    public func line(x0: Int, y0: Int, x1: Int, y1: Int, color: RGB, thickness: Int = 1) {
        gdImageSetThickness(image, Int32(max(1, thickness)))
        gdImageLine(image, Int32(x0), Int32(y0), Int32(x1), Int32(y1), gdColor(color))
        gdImageSetThickness(image, 1)
    }

    /// A dashed straight line.
    public func dashedLine(x0: Int, y0: Int, x1: Int, y1: Int, color: RGB, dash: Int = 6) {
        let dx = Double(x1 - x0), dy = Double(y1 - y0)
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0 else { return }
        var s = 0.0
        while s < length {
            let e = min(s + Double(dash), length)
            line(x0: x0 + Int((dx * s / length).rounded()), y0: y0 + Int((dy * s / length).rounded()),
                 x1: x0 + Int((dx * e / length).rounded()), y1: y0 + Int((dy * e / length).rounded()),
                 color: color)
            s += 2 * Double(dash)
        }
    }

    /// Where a piece of text is anchored horizontally.
    public enum Alignment: Sendable { case left, center, right }

    /// Draws one line of text whose top is at `y`; `x` is its left edge,
    /// centre or right edge depending on `align`.
    public func text(_ s: String, x: Int, y: Int, font: Font = .small, color: RGB = Palette.text,
                     align: Alignment = .left) {
        var bytes = Font.encode(s)
        let w = bytes.count * font.width
        let left: Int
        switch align {
        case .left: left = x
        case .center: left = x - w / 2
        case .right: left = x - w
        }
        bytes.append(0)
        bytes.withUnsafeMutableBufferPointer {
            gdImageString(image, font.pointer, Int32(left), Int32(y), $0.baseAddress, gdColor(color))
        }
    }

    /// Draws text rotated to read upwards, centred vertically on `centerY`,
    /// its left edge (the tops of the letters) at `x`.
    public func textUp(_ s: String, x: Int, centerY: Int, font: Font = .small, color: RGB = Palette.text) {
        var bytes = Font.encode(s)
        let length = bytes.count * font.width
        bytes.append(0)
        bytes.withUnsafeMutableBufferPointer {
            gdImageStringUp(image, font.pointer, Int32(x), Int32(centerY + length / 2), $0.baseAddress,
                            gdColor(color))
        }
    }

    /// Copies `other` onto this canvas with its top-left corner at (x, y).
    public func draw(_ other: Canvas, x: Int, y: Int) {
        gdImageCopy(image, other.image, Int32(x), Int32(y), 0, 0, Int32(other.width), Int32(other.height))
    }
}
