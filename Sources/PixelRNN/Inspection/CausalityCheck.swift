/// The causality check by perturbation (paper §3.4, `check causality`): the prediction for
/// pixel p, colour d may depend only on pixels before p in raster order and, at p itself, on
/// the colours before d (R, G, B). For every input value (pixel k, colour c) in turn, the
/// check changes it, recomputes every logit, and compares each with the unchanged image's.
///
/// Equality is exact: a masked weight is an exact zero, and each perturbed image runs alone
/// through the same computation as the unchanged one (same shapes, so the same summation
/// order for every output), so a logit that does not depend on the changed value comes out
/// bit for bit the same on either path. A change of an output (p, d) by an input (k, c)
/// that is not strictly before it is a leak.
///
/// Works on any `PixelModel` (it only asks for logits). For the multi-scale PixelRNN the
/// allowed set grows by the small image (`givenPixels`): a prediction outside it may also see
/// every small-image pixel, later ones too (they are drawn first, in stage 1); a small-image
/// pixel's prediction (the small network's) may see only what is before it.
public struct CausalityCheck {
    /// One forbidden dependency: output (pixel, colour) changed when input (pixel, colour)
    /// changed, although the input is not before it. Pixels are raster indices r·W + c.
    public struct Leak: Equatable, Sendable {
        public let outputPixel: Int
        public let outputColour: Int
        public let inputPixel: Int
        public let inputColour: Int
    }

    public let height: Int
    public let width: Int
    public let colors: Int
    /// Every leak found, by output (pixel, colour), then input (pixel, colour).
    public let leaks: [Leak]
    /// seen[p·HW + k]: some logit of output pixel p changed when some colour of input pixel k
    /// changed — allowed (k before p) or a leak.
    public let seen: [Bool]
    /// How many input values changed at least one logit they may change, in some trial (the
    /// check is not vacuous).
    public let inputsWithAnEffect: Int
    /// How many random images the changes started from (the union is reported: one image can
    /// hide a dependency — a dead ReLU, a saturated gate — several seldom do).
    public let trials: Int

    /// For a multi-scale model, its small image x[k·r, k·c] (row-major H·W): pixels every
    /// prediction outside it may see; nil for a single-scale model.
    public let givenPixels: [Bool]?

    /// H·W.
    public var area: Int { height * width }

    /// Whether the prediction of pixel p may depend on input pixel k (raster indices) with the
    /// colours aside: k before p, or k in the small image and p not (multi-scale).
    public func mayDepend(output p: Int, input k: Int) -> Bool {
        k < p || (givenPixels.map { $0[k] && !$0[p] } ?? false)
    }

    /// True when no output sees its own value or the future.
    public var isCausal: Bool { leaks.isEmpty }

    /// Per output pixel (row-major H·W): how many input pixels at or after it it sees.
    public var leakedInputsPerOutput: [Int] { countPixelPairs(by: \.outputPixel) }

    /// Per input pixel (row-major H·W): how many output pixels at or before it see it.
    public var outputsSeeingEachInput: [Int] { countPixelPairs(by: \.inputPixel) }

    /// For each pixel, the number of distinct (output pixel, input pixel) leak pairs it is the `key` of.
    private func countPixelPairs(by key: KeyPath<Leak, Int>) -> [Int] {
        var pairs = Set<Int>()
        var out = [Int](repeating: 0, count: area)
        for leak in leaks where pairs.insert(leak.outputPixel * area + leak.inputPixel).inserted { out[leak[keyPath: key]] += 1 }
        return out
    }

    /// Row-major H·W: the input pixels at or after (row, col) that its prediction sees.
    public func leakedPixels(row: Int, col: Int) -> [Bool] {
        let p = row * width + col
        var mask = [Bool](repeating: false, count: area)
        for leak in leaks where leak.outputPixel == p { mask[leak.inputPixel] = true }
        return mask
    }

    /// Runs the check on `height`×`width` images: for each of `trials` random images of levels
    /// (drawn from `seed`), one perturbed copy per input value (binary: flipped; 256 levels:
    /// moved by 97 levels, modulo 256). Asks `shouldStop` before each perturbed forward pass
    /// (and inside it); throws `Stopped` (in input values) when it says so.
    public static func run(model: PixelModel, height: Int, width: Int, trials: Int = 2, seed: UInt64 = 0,
                           shouldStop: () -> Bool = { false }) throws -> CausalityCheck {
        let (colors, levels) = (model.config.colors, model.config.levels)
        let area = height * width
        var rng = SeededGenerator(seed: seed)
        let total = area * colors * trials
        func logits(_ pixels: Tensor, done: Int) throws -> Tensor {
            do { return try model.logits(pixels, shouldStop: shouldStop) } catch is Stopped {
                throw Stopped(done: done, of: total, "input values")
            }
        }
        let values = area * colors
        var leaked = [Bool](repeating: false, count: values * values)   // [(p·C + d)·values + k·C + c]
        var seen = [Bool](repeating: false, count: area * area)
        var effective = Set<Int>()
        let given = (model as? MultiScaleNetwork).map { m in (0..<area).map { m.isSmallPixel(row: $0 / width, col: $0 % width) } }
        for trial in 0..<trials {
            let image = Tensor(shape: [1, colors, height, width],
                               data: (0..<(colors * area)).map { _ in Float(rng.next() % UInt64(levels)) })
            let before = try logits(image, done: trial * area * colors)
            let channels = before.shape[1]
            for k in 0..<area {
                for c in 0..<colors {
                    let done = (trial * area + k) * colors + c
                    try Stopped.check(shouldStop, done: done, of: total, "input values")
                    var changed = image
                    let at = c * area + k
                    let old = Int(image.data[at])
                    changed.data[at] = Float(levels == 2 ? 1 - old : (old + 97) % levels)
                    let after = try logits(changed, done: done)
                    var effect = false
                    for channel in 0..<channels {
                        let d = colourGroup(ofChannel: channel, colors: colors)
                        let base = channel * area
                        for p in 0..<area where after.data[base + p] != before.data[base + p] {
                            seen[p * area + k] = true
                            if (p < k || (p == k && d <= c)) && !(given.map { $0[k] && !$0[p] } ?? false) {
                                leaked[(p * colors + d) * values + k * colors + c] = true
                            } else {
                                effect = true
                            }
                        }
                    }
                    if effect { effective.insert(k * colors + c) }
                }
            }
        }
        // One leak per (output pixel, colour, input pixel, colour), by output: several channels of one colour count once.
        let leaks = leaked.indices.filter { leaked[$0] }.map { i in
            Leak(outputPixel: i / values / colors, outputColour: i / values % colors,
                 inputPixel: i % values / colors, inputColour: i % colors)
        }
        return CausalityCheck(height: height, width: width, colors: colors, leaks: leaks, seen: seen,
                              inputsWithAnEffect: effective.count, trials: trials, givenPixels: given)
    }
}
