/// The receptive field of one colour of one output pixel, input colour by input colour
/// (paper §3.4: p(R | x_<i), p(G | x_<i, R), p(B | x_<i, R, G)).
///
/// As `ReceptiveField`, computed by back-propagation from the real network, but the
/// gradient starts only at the logits of the chosen colour (channels `level·C + colour`)
/// and is kept per input colour: `binary[c]` says which pixels' colour c the prediction
/// depends on. G's field holds R of its own pixel; R's holds nothing of its own pixel.
public struct ColourReceptiveField {
    /// The output pixel and the colour (0 = R, 1 = G, 2 = B) whose field this is.
    public let row: Int
    public let col: Int
    public let colour: Int
    /// The image size and the number of colours.
    public let height: Int
    public let width: Int
    public let colors: Int
    /// Per input colour, row-major H·W: true where the prediction depends on it.
    public let binary: [[Bool]]
    /// Per input colour, row-major H·W: mean |gradient| over the trials, the largest value 1.
    public let weighted: [[Float]]
    /// How many random inputs the binary field is the union over.
    public let trials: Int

    /// True if colour `inputColour` of pixel (r, c) is in the binary field.
    public func contains(_ r: Int, _ c: Int, colour inputColour: Int) -> Bool {
        binary[inputColour][r * width + c]
    }

    /// True if a causal model may let the prediction see colour `inputColour` of pixel
    /// (r, c): every colour of an earlier pixel, and at the pixel itself the colours
    /// before the predicted one.
    public func mayDepend(_ r: Int, _ c: Int, colour inputColour: Int) -> Bool {
        let (p, target) = (r * width + c, row * width + col)
        return p < target || (p == target && inputColour < colour)
    }

    /// Per input colour, row-major H·W: `mayDepend` (the causal context of this colour).
    public var causalContext: [[Bool]] {
        (0..<colors).map { ci in (0..<(height * width)).map { mayDepend($0 / width, $0 % width, colour: ci) } }
    }

    /// Entries of the field a causal model may not see, as (row, col, input colour).
    public var violations: [(Int, Int, Int)] {
        (0..<colors).flatMap { ci in
            (0..<(height * width)).filter { binary[ci][$0] && !mayDepend($0 / width, $0 % width, colour: ci) }
                .map { ($0 / width, $0 % width, ci) }
        }
    }

    /// Computes the field of colour `colour` of output pixel (row, col) of `network` on
    /// `height`×`width` images, as the union over `trials` random inputs drawn from `seed`;
    /// asks `shouldStop` before every block and throws `Stopped` (in trials) when it says so.
    public static func compute(network: any PixelModel, row: Int, col: Int, colour: Int, height: Int, width: Int,
                               trials: Int = 4, seed: UInt64 = 0,
                               shouldStop: () -> Bool = { false }) throws -> ColourReceptiveField {
        let (colors, levels) = (network.config.colors, network.config.levels)
        precondition(row >= 0 && row < height && col >= 0 && col < width, "target pixel outside the image")
        precondition(colour >= 0 && colour < colors, "colour \(colour) of a \(colors)-colour model")
        let plane = height * width
        var rng = SeededGenerator(seed: seed)
        var weighted = [[Float]](repeating: [Float](repeating: 0, count: plane), count: colors)
        var binary = [[Bool]](repeating: [Bool](repeating: false, count: plane), count: colors)
        defer { network.zeroGrad() }   // the probe leaves no gradients behind
        for trial in 0..<trials {
            let pixels = Tensor(shape: [1, colors, height, width],
                                data: (0..<(colors * plane)).map { _ in Float(rng.nextIndex(below: levels)) })
            // One-hot at the target's logits of `colour`: ∂(those logits)/∂(encoded input).
            let dInput: Tensor
            do {
                dInput = try network.inputGradient(pixels, stream: nil, outputGradient: { shape in
                    var g = Tensor(zeros: shape)
                    for ch in 0..<shape[1] where colourGroup(ofChannel: ch, colors: colors) == colour { g[0, ch, row, col] = 1 }
                    return g
                }, shouldStop: shouldStop)
            } catch is Stopped {
                throw Stopped(done: trial, of: trials, "trials")
            }
            for ci in 0..<colors {
                for p in 0..<plane {
                    let m = abs(dInput.data[ci * plane + p])
                    weighted[ci][p] += m / Float(trials)
                    if m != 0 { binary[ci][p] = true }
                }
            }
        }
        let top = weighted.joined().max() ?? 0
        if top > 0 { weighted = weighted.map { $0.map { $0 / top } } }
        return ColourReceptiveField(row: row, col: col, colour: colour, height: height, width: width, colors: colors,
                                    binary: binary, weighted: weighted, trials: trials)
    }
}
