/// Shrinking an image by area averaging: each output pixel is the mean of the input
/// area it covers, partly covered input pixels weighted by the part covered (a box
/// filter). Images are never enlarged.
///
/// Used by `ImageFiles` for `--size N`: the centred square of side min(width, height)
/// is cut out first (`centreSquare`), then reduced to N×N.
public enum AreaReduction {
    /// The centred square of an image of `width`×`height` pixels with `channels` values
    /// each (side by side): its side is min(width, height); an odd margin leaves the
    /// extra pixel on the right or at the bottom.
    public static func centreSquare(_ pixels: [UInt8], width: Int, height: Int, channels: Int) -> (pixels: [UInt8], side: Int) {
        let side = min(width, height)
        let left = (width - side) / 2, top = (height - side) / 2
        var out = [UInt8]()
        out.reserveCapacity(side * side * channels)
        for y in top..<(top + side) {
            let start = (y * width + left) * channels
            out += pixels[start..<(start + side * channels)]
        }
        return (out, side)
    }

    /// A square image of side `side` reduced to `size`×`size` (size ≤ side), rounded to bytes.
    public static func reduce(_ pixels: [UInt8], side: Int, channels: Int, to size: Int) -> [UInt8] {
        precondition(size >= 1 && size <= side, "AreaReduction.reduce: never enlarges")
        if size == side { return pixels }
        // weights[o] = the input pixels output pixel o covers along one axis, with the part covered.
        let scale = Double(side) / Double(size)
        let weights: [[(index: Int, weight: Double)]] = (0..<size).map { o in
            let from = Double(o) * scale, to = Double(o + 1) * scale
            return (Int(from)..<min(side, Int(to.rounded(.up)))).compactMap { i in
                let covered = min(to, Double(i + 1)) - max(from, Double(i))
                return covered > 1e-12 ? (i, covered / scale) : nil
            }
        }
        var out = [UInt8](repeating: 0, count: size * size * channels)
        for oy in 0..<size {
            for ox in 0..<size {
                for c in 0..<channels {
                    var sum = 0.0
                    for (y, wy) in weights[oy] {
                        for (x, wx) in weights[ox] { sum += wy * wx * Double(pixels[(y * side + x) * channels + c]) }
                    }
                    out[(oy * size + ox) * channels + c] = UInt8(min(255, max(0, sum.rounded())))
                }
            }
        }
        return out
    }
}
