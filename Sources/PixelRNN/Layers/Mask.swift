/// The two mask types of the paper (§3.4, "Masked Convolution").
///
/// Pixels are ordered row by row (raster order); at one pixel the colours are
/// ordered R, G, B. A masked convolution may connect an output to an input only
/// if the input comes earlier in that order:
/// - every kernel position in a row above the centre, and left of the centre in
///   the centre row, is allowed for every channel pair;
/// - positions right of the centre in the centre row, and every row below, are cut;
/// - at the centre itself, mask **A** (first layer only) lets an output colour see
///   the strictly earlier input colours; mask **B** (every later layer) also its own.
public enum MaskType: String, Sendable, CaseIterable {
    case A, B
}

/// The colour group of a channel: channels are split into R, G, B groups
/// *interleaved*, channel `c` belongs to colour `c mod 3` (with 1 colour, group 0).
/// This one rule is used everywhere: hidden maps, the 256-way output
/// (logit channel `level·C + colour`), masks and checkpoints.
@inline(__always)
public func colourGroup(ofChannel c: Int, colors: Int) -> Int {
    colors == 1 ? 0 : c % colors
}

/// The mask of a convolution weight `(out, in, kh, kw)`, 1 where a connection is
/// allowed and 0 where it would let an output see the present or the future.
/// The kernel centre is `(kh / 2, kw / 2)`.
public func convolutionMask(_ type: MaskType, outChannels: Int, inChannels: Int,
                            kernelHeight kh: Int, kernelWidth kw: Int, colors: Int) -> Tensor {
    var m = Tensor(zeros: [outChannels, inChannels, kh, kw])
    let cy = kh / 2, cx = kw / 2
    for o in 0..<outChannels {
        let go = colourGroup(ofChannel: o, colors: colors)
        for i in 0..<inChannels {
            let gi = colourGroup(ofChannel: i, colors: colors)
            for y in 0..<kh {
                for x in 0..<kw {
                    let allowed: Bool
                    if y < cy || (y == cy && x < cx) {
                        allowed = true                      // strictly earlier pixel
                    } else if y == cy && x == cx {
                        allowed = type == .A ? gi < go : gi <= go   // the centre pixel
                    } else {
                        allowed = false                     // the present row's right side, rows below
                    }
                    if allowed { m[o, i, y, x] = 1 }
                }
            }
        }
    }
    return m
}
