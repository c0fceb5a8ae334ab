/// Skewing a map (paper §3.2, Diagonal BiLSTM, Figure 3 right).
///
/// An n×m map becomes n×(n+m−1): row r is shifted r positions to the right.
///
///     skewedColumn(row: r, column: c) = c + r          (pixel (r, c) → skewed (r, c + r))
///     column(row: r, skewedColumn: k) = k − r          (a pixel only if 0 ≤ k − r < m)
///
/// so a diagonal of the image (r + c = k) becomes the skewed column k, and the
/// left neighbour (r, c−1) and the pixel above (r−1, c) of a pixel both land in
/// skewed column k−1, at rows r and r−1. That is why the Diagonal LSTM can walk
/// the skewed map one column at a time with a 2-tap convolution down each column.
/// Cells of the skewed map that are not pixels hold zeros.
///
/// Skewing only moves values, so its backward is unskewing the gradient, and the
/// backward of unskewing is skewing the gradient (the non-pixel cells take no part).
///
/// For 3 rows and 4 columns (pixel `rc`, `·` = not a pixel):
///
///     00 01 02 03           00 01 02 03 ·  ·
///     10 11 12 13   skew →  ·  10 11 12 13 ·
///     20 21 22 23           ·  ·  20 21 22 23
public enum Skew {
    /// The width n + m − 1 of the skewed map of an n×m map.
    @inline(__always)
    public static func skewedWidth(height: Int, width: Int) -> Int { height + width - 1 }

    /// Where pixel (row, column) goes: skewed column `column + row` (same row).
    @inline(__always)
    public static func skewedColumn(row: Int, column: Int) -> Int { column + row }

    /// Which pixel column the skewed cell (row, k) holds: `k − row`, or nil if the
    /// cell is not a pixel (outside 0 ..< width).
    @inline(__always)
    public static func column(row: Int, skewedColumn k: Int, width: Int) -> Int? {
        let c = k - row
        return c >= 0 && c < width ? c : nil
    }

    /// True if the skewed cell (row, k) holds a pixel of a `width`-wide map.
    @inline(__always)
    public static func isPixel(row: Int, skewedColumn k: Int, width: Int) -> Bool {
        k - row >= 0 && k - row < width
    }

    /// The rows of skewed column k that hold pixels: max(0, k−m+1) ... min(n−1, k).
    /// nil only for k outside 0 ..< n+m−1.
    public static func pixelRows(skewedColumn k: Int, height: Int, width: Int) -> ClosedRange<Int>? {
        let first = max(0, k - width + 1), last = min(height - 1, k)
        return first <= last ? first...last : nil
    }

    /// The pixels (row, column) of the unskewed map that skewed column k holds,
    /// top to bottom: the anti-diagonal row + column = k.
    public static func pixels(inSkewedColumn k: Int, height: Int, width: Int) -> [(row: Int, column: Int)] {
        guard let rows = pixelRows(skewedColumn: k, height: height, width: width) else { return [] }
        return rows.map { (row: $0, column: k - $0) }
    }

    /// The index mapping as a table for printing: entry [r][k] is the pixel column
    /// that skewed cell (r, k) holds, or nil where the cell is not a pixel.
    public static func indexTable(height: Int, width: Int) -> [[Int?]] {
        let ws = skewedWidth(height: height, width: width)
        return (0..<height).map { r in (0..<ws).map { k in column(row: r, skewedColumn: k, width: width) } }
    }

    /// The mapping in words, for printing next to `indexTable`.
    public static let formula = "skewedColumn(row:col:) = col + row;  col = skewedColumn − row (a pixel iff 0 ≤ col < width)"

    /// Skews a map: (B, C, n, m) → (B, C, n, n+m−1), y[b, c, r, c' + r] = x[b, c, r, c'],
    /// zeros elsewhere.
    public static func skew(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4, "skew: expected (B, C, H, W), got \(x.shape)")
        let (b, ch, n, m) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let ws = skewedWidth(height: n, width: m)
        var y = Tensor(zeros: [b, ch, n, ws])
        x.data.withUnsafeBufferPointer { src in
            y.data.withUnsafeMutableBufferPointer { dst in
                for plane in 0..<(b * ch) {
                    for r in 0..<n {
                        let from = (plane * n + r) * m
                        let to = (plane * n + r) * ws + r          // row r starts r cells to the right
                        for c in 0..<m { dst[to + c] = src[from + c] }
                    }
                }
            }
        }
        return y
    }

    /// Unskews a map: (B, C, n, n+m−1) → (B, C, n, m), x[b, c, r, c'] = y[b, c, r, c' + r].
    /// The non-pixel cells of `y` are ignored.
    public static func unskew(_ y: Tensor, width m: Int) -> Tensor {
        precondition(y.rank == 4, "unskew: expected (B, C, H, H+W−1), got \(y.shape)")
        let (b, ch, n, ws) = (y.shape[0], y.shape[1], y.shape[2], y.shape[3])
        precondition(ws == skewedWidth(height: n, width: m),
                     "unskew: a skewed map of \(counted(n, "row")) and width \(m) is \(skewedWidth(height: n, width: m)) wide, got \(ws)")
        var x = Tensor(zeros: [b, ch, n, m])
        y.data.withUnsafeBufferPointer { src in
            x.data.withUnsafeMutableBufferPointer { dst in
                for plane in 0..<(b * ch) {
                    for r in 0..<n {
                        let from = (plane * n + r) * ws + r
                        let to = (plane * n + r) * m
                        for c in 0..<m { dst[to + c] = src[from + c] }
                    }
                }
            }
        }
        return x
    }

    /// Backward of `skew`: ∂L/∂x = unskew(∂L/∂y).
    public static func skewBackward(outputGradient dy: Tensor, width m: Int) -> Tensor {
        unskew(dy, width: m)
    }

    /// Backward of `unskew`: ∂L/∂y = skew(∂L/∂x) (zero at the non-pixel cells, which
    /// `unskew` never reads).
    public static func unskewBackward(outputGradient dx: Tensor) -> Tensor {
        skew(dx)
    }
}
