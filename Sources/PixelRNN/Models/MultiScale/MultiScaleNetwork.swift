/// The multi-scale PixelRNN (paper §3.6; Models/MultiScale/README.md): an unconditional
/// network models a small image subsampled from x, and a conditional network the rest of x,
/// with every layer biased by an upsampled version of the small image:
///
///     x_small = x[k·r, k·c]                          (B, C, s, s′),  s = ⌈H/k⌉, s′ = ⌈W/k⌉
///     log p(x) = log p_small(x_small) + Σ_{i ∉ small} log p_cond(x_i | x_<i, x_small)
///
/// exactly: the small image is a subset of x's pixels, so the two terms split x's likelihood
/// without counting a pixel twice, and the conditional network never predicts a small pixel
/// (it is given).
///
///     small      PixelNetwork of kind `base`, L_small, h_small, on x_small   (`small.…`)
///     upsample   Upsampler: x_small → u (B, c, H, W), c = h                  (`upsample.…`)
///     cond       ConditionalNetwork of kind `base`, L, h, on x and u         (`cond.…`)
///
/// `logits` returns one (B, K, H, W) map holding, at each pixel, the logits of the distribution
/// the model gives it: the small network's at the small pixels (k·r, k·c), the conditional
/// network's elsewhere — so the ordinary NLL of that map (`Evaluation`, the trainer) is exactly
/// −log p(x). `terms` gives the two terms apart.
public final class MultiScaleNetwork: PixelModel {
    public let config: ModelConfig
    public let seed: UInt64
    /// The settings (`config.multiScale`).
    public let settings: MultiScaleSettings
    /// The unconditional network on the small image.
    public let small: PixelNetwork
    /// x_small → u.
    public let upsampler: Upsampler
    /// The full image given the small one.
    public let conditional: ConditionalNetwork

    /// A freshly initialised model; throws for impossible configurations. The small network
    /// draws from stream 1 of `seed`, the upsampler from 2, the conditional network from 3,
    /// its bias maps from 4 (each again split by layer).
    public convenience init(config: ModelConfig, seed: UInt64 = 0) throws {
        try self.init(config: config, seed: seed, conditionalInputMask: .A)
    }

    /// Test-only: `conditionalInputMask: .B` builds the leaking variant whose conditional
    /// network sees the pixel it predicts, so the causality tests can show they catch it.
    init(config: ModelConfig, seed: UInt64, conditionalInputMask: MaskType) throws {
        guard config.kind == .multiscale, let settings = config.multiScale else {
            throw ModelError.invalidConfig("a multi-scale network needs model multiscale and its settings")
        }
        guard settings.base != .multiscale, ModelKinds.table.contains(where: { $0.kind == settings.base }) else {
            throw ModelError.invalidConfig("the base of a multi-scale network must be one of \(ModelKinds.names), got \(settings.base)")
        }
        guard MultiScaleSettings.factors.contains(settings.factor) else {
            throw ModelError.invalidConfig("factor must be \(MultiScaleSettings.factors.lowerBound)…\(MultiScaleSettings.factors.upperBound), got \(settings.factor)")
        }
        self.config = config
        self.seed = seed
        self.settings = settings
        let (_, smallConfig, condConfig) = config.multiScaleParts!
        small = try PixelNetwork(config: smallConfig, seed: SeededGenerator.derivedSeed(seed, stream: 1))
        upsampler = Upsampler(factor: settings.factor, colors: config.colors, channels: config.hidden,
                              seed: SeededGenerator.derivedSeed(seed, stream: 2))
        conditional = try ConditionalNetwork(config: condConfig, mapChannels: config.hidden,
                                             seed: SeededGenerator.derivedSeed(seed, stream: 3),
                                             biasSeed: SeededGenerator.derivedSeed(seed, stream: 4),
                                             inputMask: conditionalInputMask)
    }

    /// `small.…`, `upsample.…`, `cond.…` (Models/MultiScale/README.md, "Checkpoint names").
    public var namedParameters: [(String, Parameter)] {
        small.namedParameters.map { ("small.\($0.0)", $0.1) }
            + upsampler.namedParameters.map { ("upsample.\($0.0)", $0.1) }
            + conditional.namedParameters.map { ("cond.\($0.0)", $0.1) }
    }

    // MARK: - The split of the image

    /// Whether pixel (row, col) belongs to the small image: row and col multiples of k.
    public func isSmallPixel(row: Int, col: Int) -> Bool { row % settings.factor == 0 && col % settings.factor == 0 }

    /// x_small = x[:, :, k·r, k·c]: (B, C, H, W) → (B, C, ⌈H/k⌉, ⌈W/k⌉).
    public func subsample(_ pixels: Tensor) -> Tensor {
        let k = settings.factor
        var out = Tensor(zeros: [pixels.shape[0], pixels.shape[1], (pixels.shape[2] + k - 1) / k, (pixels.shape[3] + k - 1) / k])
        forEachSmallPixel(full: pixels.shape, small: out.shape) { full, small in out.data[small] = pixels.data[full] }
        return out
    }

    // MARK: - Forward and backward

    /// Both networks' passes for a batch of levels (B, C, H, W); nil when `shouldStop` says so
    /// (asked before each block of either network).
    func forward(_ pixels: Tensor, shouldStop: () -> Bool) throws -> MultiScaleForward {
        precondition(pixels.rank == 4 && pixels.shape[1] == config.colors,
                     "MultiScaleNetwork: expected (B, \(config.colors), H, W), got \(pixels.shape)")
        let smallPixels = subsample(pixels)
        let smallPass = try small.forward(smallPixels, shouldStop: shouldStop)
        let up = upsampler.forward(small.encode(smallPixels), height: pixels.shape[2], width: pixels.shape[3])
        guard let condPass = conditional.forward(pixels, map: up.output, shouldStop: shouldStop) else {
            throw Stopped(done: small.blocks.count, of: small.blocks.count + conditional.network.blocks.count + 2, "blocks")
        }
        return MultiScaleForward(smallPixels: smallPixels, small: smallPass, upsampler: up, conditional: condPass)
    }

    /// The logits of the model's distribution of every pixel (see the type's comment).
    public func logits(_ pixels: Tensor, shouldStop: () -> Bool) throws -> Tensor {
        combine(try forward(pixels, shouldStop: shouldStop))
    }

    /// The logits of one plain forward pass of both networks, combined.
    public func onePassLogits(_ pixels: Tensor) -> Tensor { combine(try! forward(pixels, shouldStop: { false })) }

    /// The small network's logits at the small pixels, the conditional network's elsewhere.
    func combine(_ pass: MultiScaleForward) -> Tensor {
        var out = pass.conditional.network.logits                   // (B, K, H, W)
        let s = pass.small.logits                                   // (B, K, s, s′)
        forEachSmallPixel(full: out.shape, small: s.shape) { full, small in out.data[full] = s.data[small] }
        return out
    }

    /// Calls `body(full, small)` with the flat indices of each small pixel in a full map of
    /// shape `full` (B, K, H, W) and in a small map of shape `small` (B, K, s, s′).
    func forEachSmallPixel(full: [Int], small: [Int], _ body: (_ full: Int, _ small: Int) -> Void) {
        let k = settings.factor
        let (planes, h, w, sh, sw) = (full[0] * full[1], full[2], full[3], small[2], small[3])
        for p in 0..<planes {
            for r in 0..<sh {
                for q in 0..<sw { body((p * h + k * r) * w + k * q, (p * sh + r) * sw + q) }
            }
        }
    }

    /// A gradient g of the combined logits split: its values at the small pixels, as a small
    /// map (the small network's), and g with zeros there (the conditional network's: its
    /// logits at the small pixels are not used).
    func split(logitGradient g: Tensor, smallShape: [Int]) -> (small: Tensor, conditional: Tensor) {
        var gSmall = Tensor(zeros: smallShape)
        var gCond = g
        forEachSmallPixel(full: g.shape, small: smallShape) { full, small in
            gSmall.data[small] = g.data[full]
            gCond.data[full] = 0
        }
        return (gSmall, gCond)
    }

    /// The two terms of −log p(x) of each image, in nats: −log p_small(x_small) and
    /// −Σ_{i ∉ small} log p_cond(x_i | x_<i, x_small).
    public func terms(_ pixels: Tensor, shouldStop: () -> Bool = { false }) throws -> MultiScaleTerms {
        let pass = try forward(pixels, shouldStop: shouldStop)
        let smallNLL = Likelihood.negativeLogLikelihood(logits: pass.small.logits, pixels: pass.smallPixels, levels: config.levels)
        let logp = Likelihood.conditionalLogProbabilities(logits: pass.conditional.network.logits, pixels: pixels, levels: config.levels)
        let (b, c, h, w) = (pixels.shape[0], pixels.shape[1], pixels.shape[2], pixels.shape[3])
        var cond = [Double](repeating: 0, count: b)
        for n in 0..<b {
            for ch in 0..<c {
                for r in 0..<h {
                    for q in 0..<w where !isSmallPixel(row: r, col: q) { cond[n] -= Double(logp[n, ch, r, q]) }
                }
            }
        }
        return MultiScaleTerms(small: smallNLL, conditional: cond, dimensions: c * h * w)
    }

    /// Mean NLL of a batch, its gradient accumulated into every parameter of the three parts;
    /// returns the per-image NLLs (nats, both terms together).
    @discardableResult
    public func lossAndGradient(_ pixels: Tensor) -> [Double] {
        let pass = try! forward(pixels, shouldStop: { false })
        let logits = combine(pass)
        let nll = Likelihood.negativeLogLikelihood(logits: logits, pixels: pixels, levels: config.levels)
        let g = Likelihood.logitGradient(logits: logits, pixels: pixels, levels: config.levels, meanOver: pixels.shape[0])
        let (gSmall, gCond) = split(logitGradient: g, smallShape: pass.small.logits.shape)
        _ = small.backward(pass.small, logitGradient: gSmall, inputGradient: false)      // no input gradients:
        let du = conditional.backward(pass.conditional, logitGradient: gCond, inputGradient: false).map   // nothing reads them
        upsampler.backward(pass.upsampler, outputGradient: du)
        return nll
    }
}

/// The two terms of a multi-scale model's NLL, per image, in nats.
public struct MultiScaleTerms: Equatable, Sendable {
    /// −log p_small(x_small) of each image.
    public var small: [Double]
    /// −Σ_{i ∉ small} log p_cond(x_i | x_<i, x_small) of each image.
    public var conditional: [Double]
    /// C·H·W of the full image: the bits/dim of either term are over all of them, so they add up.
    public var dimensions: Int

    /// −log p(x) of each image: the sum of the two terms.
    public var total: [Double] { zip(small, conditional).map { $0 + $1 } }
}

/// Both networks' passes.
struct MultiScaleForward {
    /// x_small, levels (B, C, s, s′).
    var smallPixels: Tensor
    var small: NetworkForward
    var upsampler: UpsamplerForward
    var conditional: ConditionalForward
}
