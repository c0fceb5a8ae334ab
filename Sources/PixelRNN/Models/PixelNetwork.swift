/// A whole PixelCNN / Row LSTM / Diagonal BiLSTM network (Models README, "The network"; paper Table 1):
///
///     input   7×7 conv, mask A, C → 2h
///     blocks  L residual blocks:  x_{l+1} = x_l + F_l(x_l)          (2h channels)
///     head    ReLU, 1×1 mask B 2h→32, ReLU, 1×1 mask B 32→K         (K logits per pixel)
///
/// The network reads `pixels` (B, C, H, W) as levels (0/1 or 0…255), scaled to [0, 1].
/// Parameter names are the checkpoint names (Checkpoint README) (`input.weight`, `blocks.3.b.bias`, `head.1.weight`).
public final class PixelNetwork: PixelModel {
    /// The most residual blocks a network may have.
    public static let maxLayers = 64
    public let config: ModelConfig
    /// The first layer: 7×7 mask A.
    public let input: Conv2d
    /// The L residual blocks.
    public let blocks: [ResidualBlock]
    /// head.0 (2h→32) and head.1 (32→K), both 1×1 mask B.
    public let head: [Conv2d]
    /// The seed the weights were drawn from.
    public let seed: UInt64
    /// The second network of the two-core paths (the halves, `PixelNetwork+Halves`, and the
    /// images in turn, `PixelNetwork+ImagesInTurn`), once built.
    var halvesTwin: PixelNetwork?

    /// A freshly initialised network. Throws for impossible configurations. Each layer draws
    /// its weights from its own derived seed (`SeededGenerator.derivedSeed`): stream 0 for the
    /// input layer, l + 1 for block l, 1001 and 1002 for the head's two layers.
    public convenience init(config: ModelConfig, seed: UInt64 = 0) throws {
        try self.init(config: config, seed: seed, inputMask: .A)
    }

    /// Test-only: `inputMask: .B` builds the deliberately wrong network whose first layer
    /// lets every pixel see itself, so the causality tests can show that they catch it;
    /// `colourGroupsAfterInput: false` the one whose later layers mask as if for one colour
    /// (at the centre every channel sees every colour), for the colour causality tests.
    init(config: ModelConfig, seed: UInt64, inputMask: MaskType, colourGroupsAfterInput: Bool = true) throws {
        guard config.layers >= 0, config.layers <= PixelNetwork.maxLayers else {
            throw ModelError.invalidConfig("layers must be 0…\(PixelNetwork.maxLayers), got \(config.layers)")
        }
        guard config.hidden >= 1, config.hidden <= 512 else { throw ModelError.invalidConfig("hidden must be 1…512, got \(config.hidden)") }
        guard config.colors == 1 || config.colors == 3 else { throw ModelError.invalidConfig("colors must be 1 or 3, got \(config.colors)") }
        guard ModelConfig.levelRange.contains(config.levels) else {
            throw ModelError.invalidConfig("levels must be \(ModelConfig.levelRange.lowerBound)…\(ModelConfig.levelRange.upperBound), got \(config.levels)")
        }
        if config.colors == 3 && config.hidden % 3 != 0 {
            throw ModelError.invalidConfig("with 3 colours the hidden size must be a multiple of 3, got \(config.hidden)")
        }
        if let bug = config.bug, let why = bug.refusal(kind: config.kind, colors: config.colors) {
            throw ModelError.invalidConfig(why)
        }
        self.config = config
        self.seed = seed
        let (h, c) = (config.hidden, config.colors)
        // The known bugs of the network's own layers (Models README, "Known bugs"): the first
        // layer with mask B; masks without colour groups (colours 1 to the masks, mask B first).
        let maskColours = config.bug == .noColourMask ? 1 : c
        let firstMask: MaskType = config.bug == .maskBFirst || config.bug == .noColourMask ? .B : inputMask
        let switches = BlockSwitches(bug: config.bug)
        input = Conv2d(inChannels: c, outChannels: 2 * h, kernelHeight: 7, kernelWidth: 7,
                       mask: firstMask, colors: maskColours, seed: SeededGenerator.derivedSeed(seed, stream: 0))
        let groups = colourGroupsAfterInput ? maskColours : 1
        blocks = (0..<config.layers).map { l in
            config.kind.entry.makeBlock(h, groups, SeededGenerator.derivedSeed(seed, stream: UInt64(l + 1)), switches)
        }
        head = [
            Conv2d(inChannels: 2 * h, outChannels: ModelConfig.headWidth, kernelHeight: 1, kernelWidth: 1,
                   mask: .B, colors: groups, seed: SeededGenerator.derivedSeed(seed, stream: 1001)),
            Conv2d(inChannels: ModelConfig.headWidth, outChannels: config.outputChannels, kernelHeight: 1, kernelWidth: 1,
                   mask: .B, colors: groups, seed: SeededGenerator.derivedSeed(seed, stream: 1002)),
        ]
    }

    /// Every parameter with its checkpoint name, in a fixed order.
    public var namedParameters: [(String, Parameter)] {
        var out = input.namedParameters.map { ("input.\($0.0)", $0.1) }
        for (l, block) in blocks.enumerated() {
            out += block.namedParameters.map { ("blocks.\(l).\($0.0)", $0.1) }
        }
        for (k, layer) in head.enumerated() {
            out += layer.namedParameters.map { ("head.\(k).\($0.0)", $0.1) }
        }
        return out
    }

    /// The network's input encoding: level / (levels − 1), so pixels lie in [0, 1].
    public func encode(_ pixels: Tensor) -> Tensor {
        pixels * (1 / Float(config.levels - 1))
    }

    /// The forward pass: logits (B, K, H, W) and every intermediate map backward needs.
    public func forward(_ pixels: Tensor) -> NetworkForward {
        forward(pixels, stopBefore: { _ in false })!
    }

    /// The forward pass, asking `shouldStop` before each block (and the head); throws
    /// `Stopped` (in blocks) when it says so.
    public func forward(_ pixels: Tensor, shouldStop: () -> Bool) throws -> NetworkForward {
        var blocksDone = 0
        guard let pass = forward(pixels, stopBefore: { done in blocksDone = done; return shouldStop() }) else {
            throw Stopped(done: blocksDone, of: blocks.count + 1, "blocks")
        }
        return pass
    }

    /// The forward pass; nil as soon as `stopBefore(blocks done)` returns true.
    private func forward(_ pixels: Tensor, stopBefore: (Int) -> Bool) -> NetworkForward? {
        precondition(pixels.rank == 4 && pixels.shape[1] == config.colors,
                     "PixelNetwork: expected (B, \(config.colors), H, W), got \(pixels.shape)")
        let x = encode(pixels)                              // (B, C, H, W)
        var streams = [input.forward(x)]                    // (B, 2h, H, W)
        var passes: [BlockForward] = []
        for block in blocks {
            if stopBefore(passes.count) { return nil }
            let pass = block.forward(streams.last!)
            // x_{l+1} = x_l + F(x_l); without residual connections x_{l+1} = F(x_l).
            streams.append(config.residual ? streams.last! + pass.residual : pass.residual)
            passes.append(pass)
        }
        if stopBefore(passes.count) { return nil }
        let r1 = Activation.relu(headStream(streams))       // (B, 2h, H, W)
        let z1 = head[0].forward(r1)                        // (B, 32, H, W)
        let r2 = Activation.relu(z1)
        let logits = head[1].forward(r2)                    // (B, K, H, W)
        return NetworkForward(encodedInput: x, streams: streams, blockPasses: passes,
                              headInput: r1, headHidden: z1, headHiddenActivated: r2, logits: logits)
    }

    /// What the head reads: x_L, or with skip connections x_1 + … + x_L, summed in that order
    /// (x_0 when there is no block).
    private func headStream(_ streams: [Tensor]) -> Tensor {
        guard config.skip, streams.count > 1 else { return streams.last! }
        return streams.dropFirst(2).reduce(streams[1], +)
    }

    /// Back-propagates ∂L/∂logits to ∂L/∂(encoded input), accumulating every gradient.
    @discardableResult
    public func backward(_ pass: NetworkForward, logitGradient dLogits: Tensor) -> Tensor {
        backward(pass, logitGradient: dLogits, inputGradient: true)!
    }

    /// `backward(_:logitGradient:)`, and ∂L/∂(encoded input) only with `inputGradient`
    /// (nil without: a training step reads only the weights' gradients, so the input
    /// layer skips its input-gradient product, `Conv2d.backwardWeights`).
    func backward(_ pass: NetworkForward, logitGradient dLogits: Tensor, inputGradient: Bool) -> Tensor? {
        // Each head layer's input is a ReLU's output, and ReLU(s) > 0 exactly where s > 0:
        // its backward goes through that ReLU too.
        let dz1 = head[1].backwardThroughReLU(input: pass.headHiddenActivated, outputGradient: dLogits)
        let dStream = head[0].backwardThroughReLU(input: pass.headInput, outputGradient: dz1)
        return try! backward(pass, fromStream: blocks.count, streamGradient: dStream,
                             skipGradient: config.skip ? dStream : nil, inputGradient: inputGradient, shouldStop: { false })
    }

    /// Back-propagates a gradient given at stream `l` (0 = after the input layer,
    /// L = after the last block) down to the encoded input. Used by receptive fields
    /// "after each layer".
    @discardableResult
    public func backward(_ pass: NetworkForward, fromStream l: Int, streamGradient: Tensor) -> Tensor {
        try! backward(pass, fromStream: l, streamGradient: streamGradient, shouldStop: { false })
    }

    /// `backward(_:fromStream:streamGradient:)` asking `shouldStop` before each block;
    /// throws `Stopped` (in blocks) when it says so (the gradients then hold a partial
    /// sum: the caller zeroes them).
    @discardableResult
    public func backward(_ pass: NetworkForward, fromStream l: Int, streamGradient: Tensor,
                         shouldStop: () -> Bool) throws -> Tensor {
        try backward(pass, fromStream: l, streamGradient: streamGradient, skipGradient: nil, inputGradient: true, shouldStop: shouldStop)!
    }

    /// The backward through the blocks: `skipGradient`, with skip connections, is what the head
    /// sends to each of x_1 … x_{l−1} directly (besides `streamGradient` at x_l).
    private func backward(_ pass: NetworkForward, fromStream l: Int, streamGradient: Tensor, skipGradient: Tensor?,
                          inputGradient: Bool, shouldStop: () -> Bool) throws -> Tensor? {
        var d = streamGradient
        for k in stride(from: l - 1, through: 0, by: -1) {
            try Stopped.check(shouldStop, done: l - 1 - k, of: l, "blocks")
            let dF = blocks[k].backward(pass.blockPasses[k], outputGradient: d)
            if config.residual { d += dF } else { d = dF }                   // identity + F path, or F alone
            if let skipGradient, k >= 1 { d += skipGradient }                // x_k feeds the head directly
        }
        guard inputGradient else { input.backwardWeights(input: pass.encodedInput, outputGradient: d); return nil }
        return input.backward(input: pass.encodedInput, outputGradient: d)
    }

    /// Mean NLL (nats/image) of a batch, its gradient applied to every parameter.
    /// Returns the per-image NLLs. Takes the two-core paths where they are faster: the
    /// images in turn for a kind that takes one image a pass (`PixelNetwork+ImagesInTurn`),
    /// else the two halves, each the kind's `imagesPerPass` images at a time
    /// (`PixelNetwork+Halves`); the numbers are the same up to Float rounding.
    @discardableResult
    public func lossAndGradient(_ pixels: Tensor) -> [Double] {
        let batch = pixels.shape[0]
        if takesImagesInTurn(batch: batch) { return lossAndGradientImagesInTurn(pixels) }
        return usesHalves(batch: batch) ? lossAndGradientInHalves(pixels) : lossAndGradientInPasses(pixels, meanOver: batch)
    }

    /// The plain path: one forward and one backward pass over the whole of `pixels`,
    /// for a loss that is the sum of their NLLs divided by `meanOver` (the batch size, or
    /// the whole batch's size when `pixels` is part of it). Returns the per-image NLLs.
    @discardableResult
    public func lossAndGradientOnePass(_ pixels: Tensor, meanOver count: Int) -> [Double] {
        let pass = forward(pixels)
        let nll = Likelihood.negativeLogLikelihood(logits: pass.logits, pixels: pixels, levels: config.levels)
        let g = Likelihood.logitGradient(logits: pass.logits, pixels: pixels, levels: config.levels, meanOver: count)
        _ = backward(pass, logitGradient: g, inputGradient: false)
        return nll
    }
}

/// Everything one forward pass of a `PixelNetwork` computed.
public struct NetworkForward {
    /// The scaled input, (B, C, H, W).
    public var encodedInput: Tensor
    /// The residual stream after the input layer and after each block: L+1 maps (B, 2h, H, W).
    public var streams: [Tensor]
    /// Each block's forward record.
    public var blockPasses: [BlockForward]
    /// ReLU(stream L), the head's input.
    public var headInput: Tensor
    /// head.0's output before its ReLU, (B, 32, H, W).
    public var headHidden: Tensor
    /// ReLU(head.0's output).
    public var headHiddenActivated: Tensor
    /// The logits, (B, K, H, W).
    public var logits: Tensor
}
