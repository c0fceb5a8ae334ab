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
/// Works on any `PixelModel` (it only asks for logits).
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
    /// Every leak found, by input (pixel, colour) then output channel order.
    public let leaks: [Leak]
    /// seen[p·HW + k]: some logit of output pixel p changed when some colour of input pixel k
    /// changed — allowed (k before p) or a leak.
    public let seen: [Bool]
    /// How many input values changed at least one logit they may change (the check is not vacuous).
    public let inputsWithAnEffect: Int

    /// H·W.
    public var area: Int { height * width }

    /// True when no output sees its own value or the future.
    public var isCausal: Bool { leaks.isEmpty }

    /// Per output pixel (row-major H·W): how many input pixels at or after it it sees.
    public var leakedInputsPerOutput: [Int] {
        (0..<area).map { p in Set(leaks.lazy.filter { $0.outputPixel == p }.map(\.inputPixel)).count }
    }

    /// Per input pixel (row-major H·W): how many output pixels at or before it see it.
    public var outputsSeeingEachInput: [Int] {
        (0..<area).map { k in Set(leaks.lazy.filter { $0.inputPixel == k }.map(\.outputPixel)).count }
    }

    /// Row-major H·W: the input pixels at or after (row, col) that its prediction sees.
    public func leakedPixels(row: Int, col: Int) -> [Bool] {
        let p = row * width + col
        var mask = [Bool](repeating: false, count: area)
        for leak in leaks where leak.outputPixel == p { mask[leak.inputPixel] = true }
        return mask
    }

    /// Runs the check on `height`×`width` images: a random image of levels drawn from `seed`,
    /// then one perturbed copy per input value (binary: flipped; 256 levels: moved by 97
    /// levels, modulo 256). Asks `shouldStop` before each perturbed forward pass (and inside
    /// it); throws `Stopped` (in input values) when it says so.
    public static func run(model: PixelModel, height: Int, width: Int, seed: UInt64 = 0,
                           shouldStop: () -> Bool = { false }) throws -> CausalityCheck {
        let (colors, levels) = (model.config.colors, model.config.levels)
        let area = height * width
        var rng = SeededGenerator(seed: seed)
        let image = Tensor(shape: [1, colors, height, width],
                           data: (0..<(colors * area)).map { _ in Float(rng.next() % UInt64(levels)) })
        let total = area * colors
        func logits(_ pixels: Tensor, done: Int) throws -> Tensor {
            do { return try model.logits(pixels, shouldStop: shouldStop) } catch is Stopped {
                throw Stopped(done: done, of: total, "input values")
            }
        }
        let before = try logits(image, done: 0)
        let channels = before.shape[1]
        var leaks: [Leak] = []
        var seen = [Bool](repeating: false, count: area * area)
        var withEffect = 0
        for k in 0..<area {
            for c in 0..<colors {
                let done = k * colors + c
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
                        if p < k || (p == k && d <= c) {
                            leaks.append(Leak(outputPixel: p, outputColour: d, inputPixel: k, inputColour: c))
                        } else {
                            effect = true
                        }
                    }
                }
                if effect { withEffect += 1 }
            }
        }
        // One leak per (output pixel, colour, input pixel, colour): several channels of one colour count once.
        var unique: [Leak] = []
        var keys = Set<[Int]>()
        for leak in leaks where keys.insert([leak.outputPixel, leak.outputColour, leak.inputPixel, leak.inputColour]).inserted {
            unique.append(leak)
        }
        return CausalityCheck(height: height, width: width, colors: colors, leaks: unique, seen: seen,
                              inputsWithAnEffect: withEffect)
    }
}
