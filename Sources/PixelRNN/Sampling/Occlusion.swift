/// Which pixels a completion is given (the paper's Figure 1 / Figure 6 occlusions).
/// `keepMask` is 1 where a pixel is kept and 0 where it is occluded (to be drawn).
public enum Occlusion: Equatable, Sendable {
    /// Rows from height/2 down are occluded.
    case bottomHalf
    /// Columns from width/2 right are occluded.
    case rightHalf
    /// A rectangle of rows `row ..< row + height`, columns `column ..< column + width`
    /// is occluded (clipped to the image).
    case box(row: Int, column: Int, height: Int, width: Int)

    /// The keep mask (1, 1, height, width), for every image and colour.
    public func keepMask(height: Int, width: Int) -> Tensor {
        var m = Tensor(repeating: 1, shape: [1, 1, height, width])
        for y in 0..<height {
            for x in 0..<width where isOccluded(y, x, height, width) { m[0, 0, y, x] = 0 }
        }
        return m
    }

    private func isOccluded(_ y: Int, _ x: Int, _ h: Int, _ w: Int) -> Bool {
        switch self {
        case .bottomHalf: return y >= h / 2
        case .rightHalf: return x >= w / 2
        case .box(let r, let c, let bh, let bw): return y >= r && y < r + bh && x >= c && x < c + bw
        }
    }
}
