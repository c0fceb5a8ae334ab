/// The receptive field of one output pixel, computed from the real network by
/// back-propagation: which input pixels the prediction at (row, col) depends on.
///
/// - `weighted`: mean over trials of |∂(output at the target)/∂(input pixel)|, summed
///   over input colours, scaled so the largest value is 1.
/// - `binary`: the *structural* field — an input pixel counts if its gradient is
///   non-zero for at least one of `trials` random inputs. One input can hide a real
///   dependency (a dead ReLU, a zero state); the union over several random inputs
///   does not. Masked weights are exact zeros, so no dependency is ever invented.
public struct ReceptiveField {
    /// The output pixel whose field this is.
    public let row: Int
    public let col: Int
    /// The image size.
    public let height: Int
    public let width: Int
    /// nil: the network's output (logits); l: the residual stream after block l
    /// (0 = after the input layer) — for "growth" pictures.
    public let stream: Int?
    /// Row-major H·W values in [0, 1].
    public let weighted: [Float]
    /// Row-major H·W: true where the output depends on that input pixel.
    public let binary: [Bool]
    /// How many random inputs the binary field is the union over.
    public let trials: Int

    /// True if (r, c) is in the binary field.
    public func contains(_ r: Int, _ c: Int) -> Bool { binary[r * width + c] }

    /// The number of input pixels in the binary field.
    public var size: Int { binary.filter { $0 }.count }

    /// Pixels strictly before (row, col) in raster order — all a causal model may see.
    public var causalContext: [Bool] {
        (0..<(height * width)).map { $0 < row * width + col }
    }

    /// Binary-field pixels outside the causal context (must be empty for a correct model).
    public var violations: [(Int, Int)] {
        let ctx = causalContext
        return (0..<(height * width)).filter { binary[$0] && !ctx[$0] }.map { ($0 / width, $0 % width) }
    }

    /// Row-major H·W: the binary-field pixels outside the causal context (the `violations`, as a mask).
    public var leaked: [Bool] {
        let ctx = causalContext
        return (0..<(height * width)).map { binary[$0] && !ctx[$0] }
    }

    /// Causal-context pixels the output does not see (PixelCNN's blind spot, the Row LSTM's
    /// missing sides, the one pixel the Diagonal BiLSTM cannot reach).
    public var unseenContext: [(Int, Int)] {
        let ctx = causalContext
        return (0..<(height * width)).filter { ctx[$0] && !binary[$0] }.map { ($0 / width, $0 % width) }
    }

    /// Computes the field of output pixel (row, col) of `network` on `height`×`width` images.
    /// With `stream` = l the gradient starts at the residual stream after block l instead
    /// of the logits. Random inputs are drawn from `seed`.
    public static func compute(network: any PixelModel, row: Int, col: Int, height: Int, width: Int,
                               stream: Int? = nil, trials: Int = 4, seed: UInt64 = 0) -> ReceptiveField {
        try! compute(network: network, row: row, col: col, height: height, width: width, stream: stream,
                     trials: trials, seed: seed, shouldStop: { false })
    }

    /// `compute`, asking `shouldStop` before every block of every trial's forward and
    /// backward pass; throws `Stopped` (in trials) when it says so, the network's
    /// gradients zeroed as before.
    public static func compute(network: any PixelModel, row: Int, col: Int, height: Int, width: Int,
                               stream: Int? = nil, trials: Int = 4, seed: UInt64 = 0,
                               shouldStop: () -> Bool) throws -> ReceptiveField {
        precondition(row >= 0 && row < height && col >= 0 && col < width, "target pixel outside the image")
        let colors = network.config.colors, levels = network.config.levels
        var rng = SeededGenerator(seed: seed)
        var weighted = [Float](repeating: 0, count: height * width)
        var binary = [Bool](repeating: false, count: height * width)
        defer { network.zeroGrad() }   // the probe must not leave gradients behind, even when stopped
        for trial in 0..<trials {
            // A random image: each colour value uniform over the levels.
            let pixels = Tensor(shape: [1, colors, height, width],
                                data: (0..<(colors * height * width)).map { _ in Float(rng.next() % UInt64(levels)) })
            let dInput: Tensor
            do {
                try dInput = gradient(network, pixels, row: row, col: col, stream: stream, shouldStop: shouldStop)
            } catch is Stopped {
                throw Stopped(done: trial, of: trials, "trials")
            }
            for r in 0..<height {
                for c in 0..<width {
                    var m: Float = 0
                    for ch in 0..<colors { m += abs(dInput[0, ch, r, c]) }
                    weighted[r * width + c] += m / Float(trials)
                    if m != 0 { binary[r * width + c] = true }
                }
            }
        }
        let top = weighted.max() ?? 0
        if top > 0 { weighted = weighted.map { $0 / top } }
        return ReceptiveField(row: row, col: col, height: height, width: width, stream: stream,
                              weighted: weighted, binary: binary, trials: trials)
    }

    /// ∂(output at row, col)/∂input for one image: from the logits, or from stream `stream`,
    /// a one-hot gradient at the target on every channel of that map.
    private static func gradient(_ network: any PixelModel, _ pixels: Tensor, row: Int, col: Int, stream: Int?,
                                 shouldStop: () -> Bool) throws -> Tensor {
        try network.inputGradient(pixels, stream: stream, outputGradient: { shape in
            var g = Tensor(zeros: shape)                   // (1, K or 2h, H, W): one-hot at the target
            for ch in 0..<shape[1] { g[0, ch, row, col] = 1 }
            return g
        }, shouldStop: shouldStop)
    }
}
