/// Pictures as lines of text for the terminal.
///
/// In colour, each character is the upper half block "▀" with a 24-bit
/// foreground (the upper pixel) and background (the lower pixel), so one line
/// shows two pixel rows; every line ends with a reset ("ESC[0m"). Without
/// colour, each pixel is two characters of the ramp " .:-=+*#%@" (dark to
/// bright, so ink of MNIST digits shows as "@"), one line per pixel row, and
/// no escape code is ever printed. Images wider than `maxWidth` characters are
/// shrunk by averaging square blocks of pixels.
public enum TerminalPreview {
    /// The plain ramp, darkest first.
    public static let ramp = Array(" .:-=+*#%@")

    /// A grayscale image: `pixels` is height × width values in [0, 1], row-major (1 = white).
    public static func lines(gray pixels: [Float], width: Int, height: Int, color: Bool,
                             maxWidth: Int = 80) -> [String] {
        let image = Raster(width: width, height: height, rgb: pixels.map { RGB(gray: $0) },
                           level: pixels.map { Double(min(max($0.isNaN ? 0 : $0, 0), 1)) })
        return render(image, color: color, maxWidth: maxWidth)
    }

    /// A colour image: `pixels` is height × width colours, row-major (plain mode uses brightness).
    public static func lines(rgb pixels: [RGB], width: Int, height: Int, color: Bool,
                             maxWidth: Int = 80) -> [String] {
        let image = Raster(width: width, height: height, rgb: pixels, level: pixels.map(\.luminance))
        return render(image, color: color, maxWidth: maxWidth)
    }

    /// A heat map: `values` is height × width numbers, row-major, coloured by
    /// `colormap` over `range` (default: the values' min…max). Plain mode uses
    /// the position in the range, low = " " and high = "@".
    public static func lines(heatMap values: [Float], width: Int, height: Int, colormap: Colormap = .viridis,
                             range: ClosedRange<Float>? = nil, color: Bool, maxWidth: Int = 80) -> [String] {
        guard let map = try? HeatMap(title: "", values: values, rows: height, cols: width,
                                     colormap: colormap, range: range) else { return [] }
        let r = map.effectiveRange
        let level = values.map { v -> Double in
            v.isNaN ? 0 : Double(min(max((v - r.lowerBound) / (r.upperBound - r.lowerBound), 0), 1))
        }
        let image = Raster(width: width, height: height, rgb: values.map(map.color(of:)), level: level)
        return render(image, color: color, maxWidth: maxWidth)
    }

    /// A rendered picture (shrunk to `maxWidth`; text in it will not survive).
    public static func lines(canvas: Canvas, color: Bool, maxWidth: Int = 80) -> [String] {
        lines(rgb: canvas.pixels(), width: canvas.width, height: canvas.height, color: color, maxWidth: maxWidth)
    }

    /// Whether previews should use colour escapes: only on a terminal, not when
    /// NO_COLOR is set (https://no-color.org), and not on TERM=dumb.
    public static func colorWanted(isTerminal: Bool, environment: [String: String]) -> Bool {
        guard isTerminal else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        let term = environment["TERM"] ?? ""
        return !term.isEmpty && term != "dumb"
    }

    /// Pixels both as colours and as levels in [0, 1].
    struct Raster {
        var width: Int
        var height: Int
        var rgb: [RGB]
        var level: [Double]
    }

    static func render(_ image: Raster, color: Bool, maxWidth: Int) -> [String] {
        guard image.width > 0, image.height > 0, image.rgb.count == image.width * image.height else { return [] }
        let charsPerPixel = color ? 1 : 2
        let factor = (image.width * charsPerPixel + max(1, maxWidth) - 1) / max(1, maxWidth)
        let small = factor > 1 ? shrink(image, by: factor) : image
        return color ? colorLines(small) : plainLines(small)
    }

    static func colorLines(_ image: Raster) -> [String] {
        stride(from: 0, to: image.height, by: 2).map { top in
            var line = ""
            var last: (fg: RGB?, bg: RGB?) = (nil, nil)
            for x in 0..<image.width {
                let fg = image.rgb[top * image.width + x]
                let bg = top + 1 < image.height ? image.rgb[(top + 1) * image.width + x] : nil
                if fg != last.fg { line += "\u{1B}[38;2;\(fg.r);\(fg.g);\(fg.b)m" }
                if bg != last.bg || x == 0 {
                    line += bg.map { "\u{1B}[48;2;\($0.r);\($0.g);\($0.b)m" } ?? "\u{1B}[49m"
                }
                last = (fg, bg)
                line += "▀"
            }
            return line + "\u{1B}[0m"
        }
    }

    static func plainLines(_ image: Raster) -> [String] {
        (0..<image.height).map { y in
            String((0..<image.width).flatMap { x -> [Character] in
                let v = image.level[y * image.width + x]
                let c = ramp[min(ramp.count - 1, Int((v * Double(ramp.count - 1)).rounded()))]
                return [c, c]
            })
        }
    }

    /// Averages factor × factor blocks (partial blocks at the edges average what they have).
    static func shrink(_ image: Raster, by factor: Int) -> Raster {
        let w = (image.width + factor - 1) / factor, h = (image.height + factor - 1) / factor
        var rgb: [RGB] = [], level: [Double] = []
        for by in 0..<h {
            for bx in 0..<w {
                var sum = (r: 0.0, g: 0.0, b: 0.0, v: 0.0), n = 0.0
                for y in by * factor..<min((by + 1) * factor, image.height) {
                    for x in bx * factor..<min((bx + 1) * factor, image.width) {
                        let p = image.rgb[y * image.width + x]
                        sum.r += Double(p.r); sum.g += Double(p.g); sum.b += Double(p.b)
                        sum.v += image.level[y * image.width + x]
                        n += 1
                    }
                }
                rgb.append(RGB(UInt8((sum.r / n).rounded()), UInt8((sum.g / n).rounded()), UInt8((sum.b / n).rounded())))
                level.append(sum.v / n)
            }
        }
        return Raster(width: w, height: h, rgb: rgb, level: level)
    }
}
