import Foundation
import PixelRNN
import PixelRender

/// `skew` / `unskew`: how the Diagonal BiLSTM turns diagonals into columns (paper §3.2, Figure 3).
let skewCommands: [Command] = [
    Command(
        name: "skew",
        summary: "skew a map so that each diagonal becomes one column (Diagonal BiLSTM)",
        usage: "skew [rows [cols]] [--diagonal k] | skew --image i [--split train|valid|test] [--diagonal k]",
        examples: ["skew 4", "skew 3 5 --diagonal 2", "skew --image 0 --diagonal 27"],
        options: skewOptions,
        details: """
        Row r of an n×m map is shifted r places to the right, giving n×(n+m−1): pixel (r, c) goes \
        to skewed column c + r. The anti-diagonal r + c = k of the image becomes skewed column k, \
        and the two neighbours a Diagonal LSTM reads — the pixel above (r−1, c) and the left \
        neighbour (r, c−1) — both land in column k−1. So the LSTM can walk the skewed map one \
        column at a time with a 2-tap convolution down the previous column.
        """,
        run: { try runSkew($0, $1, inverse: false) }),
    Command(
        name: "unskew",
        summary: "undo a skew: shift row r back r places to the left",
        usage: "unskew [rows [cols]] [--diagonal k] | unskew --image i [--diagonal k]",
        examples: ["unskew 4", "unskew --image 3"],
        options: skewOptions,
        details: "Reads pixel (r, c) back from skewed cell (r, c + r); the cells that are not pixels are dropped. unskew(skew(x)) = x exactly.",
        run: { try runSkew($0, $1, inverse: true) }),
]

private let skewOptions = [
    OptionSpec("diagonal", help: "the anti-diagonal r + c = k to highlight (default: the middle one)"),
    OptionSpec("image", help: "skew image i of the loaded data instead of an index grid"),
    OptionSpec("split", values: ["train", "valid", "test"], help: "the split of --image (default test)"),
]

private func runSkew(_ session: Session, _ args: ParsedArguments, inverse: Bool) throws {
    let map: Tensor          // (1, 1, n, m)
    var labelled = false
    if args.value("image") != nil {
        guard args.positional.isEmpty else { throw CommandError("give either --image i or a size, not both") }
        let data = try session.requireData()
        let split = SplitName(rawValue: args.value("split") ?? "test") ?? .test
        let index = try args.int("image", default: 0, in: 0...(data[split].count - 1))
        map = data[split].intensities([index])
    } else {
        let sizes = try args.positional.map { word -> Int in
            guard let v = Int(word), (1...12).contains(v) else { throw CommandError("sizes must be whole numbers 1…12, got '\(word)'") }
            return v
        }
        guard sizes.count <= 2 else { throw CommandError("skew takes at most rows and cols, e.g. 'skew 3 5'") }
        let n = sizes.first ?? 4, m = sizes.count == 2 ? sizes[1] : n
        map = Tensor(shape: [1, 1, n, m], data: (0..<(n * m)).map { Float($0) })
        labelled = true
    }
    let (n, m) = (map.shape[2], map.shape[3])
    let k = try args.int("diagonal", default: (n + m - 2) / 2, in: 0...(n + m - 2))
    let skewed = Skew.skew(map)                          // (1, 1, n, n+m−1)
    let back = Skew.unskew(skewed, width: m)             // (1, 1, n, m)
    if labelled { printMapping(session, n: n, m: m, inverse: inverse) }
    let cells = Skew.pixels(inSkewedColumn: k, height: n, width: m).map { "(\($0.row), \($0.column))" }
    session.say("\(n)×\(m) → \(n)×\(Skew.skewedWidth(height: n, width: m)); diagonal r + c = \(k) becomes skewed column \(k): " + cells.joined(separator: " "))
    session.say("unskew(skew(x)) = x: \(back == map ? "exact" : "DIFFERENT")")
    try render(session, map: map, skewed: skewed, diagonal: k, labelled: labelled, inverse: inverse)
}

/// The index table: which pixel each skewed cell holds ("rc"), "·" for non-pixels.
private func printMapping(_ session: Session, n: Int, m: Int, inverse: Bool) {
    session.say(Skew.formula)
    session.say(inverse ? "skewed map (read back into the image):" : "image pixels (row, col) → skewed map:")
    for (r, row) in Skew.indexTable(height: n, width: m).enumerated() {
        session.say(row.map { c in c.map { pixelLabel(r, $0) } ?? " · " }.joined(separator: " "))
    }
}

private func pixelLabel(_ r: Int, _ c: Int) -> String {
    "\(r),\(c)".padding(toLength: 3, withPad: " ", startingAt: 0)
}

private func render(_ session: Session, map: Tensor, skewed: Tensor, diagonal k: Int, labelled: Bool, inverse: Bool) throws {
    let (n, m) = (map.shape[2], map.shape[3])
    let w = Skew.skewedWidth(height: n, width: m)
    let onDiagonal = (0..<(n * m)).map { $0 / m + $0 % m == k }
    let inColumn = (0..<(n * w)).map { $0 % w == k && Skew.isPixel(row: $0 / w, skewedColumn: k, width: m) }
    do {
        let original: Canvas, skewedCanvas: Canvas
        if labelled {
            var a = try MatrixGrid(title: "", cells: (0..<n).map { r in (0..<m).map { pixelLabel(r, $0) } })
            a.overlays = [.shade(mask: onDiagonal, color: Palette.highlight, opacity: 0.5)]
            var b = try MatrixGrid(title: "", cells: Skew.indexTable(height: n, width: m).enumerated().map { r, row in
                row.map { c in c.map { pixelLabel(r, $0) } ?? "·" } })
            b.colTitle = "skewed column"
            b.overlays = [.shade(mask: inColumn, color: Palette.highlight, opacity: 0.5)]
            original = a.render(); skewedCanvas = b.render()
        } else {
            var a = try HeatMap(title: "", values: map.data, rows: n, cols: m, colormap: .grayscale, range: 0...1, barLabel: "intensity")
            a.overlays = [.shade(mask: onDiagonal, color: Palette.highlight, opacity: 0.6)]
            // Cells that are not pixels are NaN: drawn gray.
            let values = (0..<(n * w)).map { i in Skew.isPixel(row: i / w, skewedColumn: i % w, width: m) ? skewed.data[i] : Float.nan }
            var b = try HeatMap(title: "", values: values, rows: n, cols: w, colormap: .grayscale, range: 0...1, barLabel: "intensity")
            b.colTitle = "skewed column"
            b.overlays = [.shade(mask: inColumn, color: Palette.highlight, opacity: 0.6)]
            // The same cell size in both panels, so the shift is visible as it is.
            a.cellSize = max(4, 280 / max(n, m))
            b.cellSize = a.cellSize
            original = a.render(); skewedCanvas = b.render()
        }
        let imagePanel = Panel(subtitle: "image \(n)×\(m)", canvas: original)
        let skewedPanel = Panel(subtitle: "skewed \(n)×\(w): row r shifted right by r", canvas: skewedCanvas)
        let title = inverse ? "Unskew: skewed column \(k) goes back to diagonal r + c = \(k)"
                            : "Skew: diagonal r + c = \(k) becomes skewed column \(k)"
        var panels = try Panels(title: title, panels: inverse ? [skewedPanel, imagePanel] : [imagePanel, skewedPanel])
        let orange = inverse ? "orange: skewed column \(k) and the diagonal r + c = \(k) it goes back to"
                             : "orange: the diagonal r + c = \(k) and the skewed column it becomes"
        panels.legend = [LegendItem(orange, color: Palette.highlight),
                         LegendItem(labelled ? "cell text: the pixel (row, col) it holds; · = not a pixel (zero)" : "gray cells: not pixels (hold zero)")]
        try session.show(panels.render(), name: "\(inverse ? "unskew" : "skew")-\(n)x\(m)-d\(k)", title: title)
    } catch let error as CommandError {
        throw error
    } catch {
        throw CommandError("cannot draw the skew: \(error)")
    }
}
