/// The multi-scale PixelRNN's second network (paper §3.6; Models/MultiScale/README.md): a
/// PixelNetwork (input layer, L blocks, head — its layers, names and masks unchanged) whose
/// every block l is biased by a 1×1 unmasked convolution `bias_map` of the upsampled map u:
///
///     s_0     = input(x)                                   (B, 2h, H, W)     7×7 mask A
///     b_l     = bias_map_l(u)                              (B, ch_l, H, W)   1×1, c → ch_l
///     s_{l+1} = s_l + F_l(s_l; b_l)                        (ConditionedBlock: ch_l = 2h, 4h or 8h)
///     logits  = head(s_L)                                  (B, K, H, W)
///
/// so the prediction at pixel i reads x_<i (through the masks, as in any PixelRNN) and u, which
/// reads every pixel of the small image. Checkpoint names: the network's own (`input.…`,
/// `blocks.<l>.…`, `head.…`) and `blocks.<l>.bias_map.weight` (ch_l, c, 1, 1), `.bias` (ch_l).
public final class ConditionalNetwork {
    /// The layers: `network.input`, `network.blocks` (all `ConditionedBlock`s), `network.head`.
    public let network: PixelNetwork
    /// bias_map_l for each block l: 1×1, unmasked, c → the block's `conditioningChannels`.
    public let biasMaps: [Conv2d]

    /// A conditional network of `config` (a kind of block, L, h) reading a c-channel map; the
    /// network takes `seed`, bias map l stream l + 1 of `biasSeed`.
    public convenience init(config: ModelConfig, mapChannels c: Int, seed: UInt64, biasSeed: UInt64) throws {
        try self.init(config: config, mapChannels: c, seed: seed, biasSeed: biasSeed, inputMask: .A)
    }

    /// Test-only: `inputMask: .B` builds the leaking network whose pixels see themselves.
    init(config: ModelConfig, mapChannels c: Int, seed: UInt64, biasSeed: UInt64, inputMask: MaskType) throws {
        network = try PixelNetwork(config: config, seed: seed, inputMask: inputMask)
        biasMaps = try network.blocks.enumerated().map { l, block in
            guard let block = block as? ConditionedBlock else {
                throw ModelError.invalidConfig("a \(config.kind.paperName) block takes no conditioning bias")
            }
            return Conv2d(inChannels: c, outChannels: block.conditioningChannels, kernelHeight: 1, kernelWidth: 1,
                          mask: nil, colors: config.colors, seed: SeededGenerator.derivedSeed(biasSeed, stream: UInt64(l + 1)))
        }
    }

    /// The network's parameters, then `blocks.<l>.bias_map.weight`, `.bias` for each block.
    public var namedParameters: [(String, Parameter)] {
        network.namedParameters + biasMaps.enumerated().flatMap { l, conv in
            conv.namedParameters.map { ("blocks.\(l).bias_map.\($0.0)", $0.1) }
        }
    }

    /// The forward pass for levels `pixels` (B, C, H, W) and the upsampled map u (B, c, H, W),
    /// asking `shouldStop` before each block; nil when it says so.
    func forward(_ pixels: Tensor, map u: Tensor, shouldStop: () -> Bool) -> ConditionalForward? {
        let x = network.encode(pixels)                               // (B, C, H, W)
        var streams = [network.input.forward(x)]                     // (B, 2h, H, W)
        var passes: [BlockForward] = []
        for (l, block) in network.blocks.enumerated() {
            if shouldStop() { return nil }
            let bias = biasMaps[l].forward(u)                        // (B, ch_l, H, W)
            let pass = (block as! ConditionedBlock).forward(streams.last!, conditioning: bias)
            streams.append(streams.last! + pass.residual)            // s_{l+1} = s_l + F(s_l; b_l)
            passes.append(pass)
        }
        if shouldStop() { return nil }
        let r1 = Activation.relu(streams.last!)
        let z1 = network.head[0].forward(r1)                         // (B, 32, H, W)
        let r2 = Activation.relu(z1)
        let logits = network.head[1].forward(r2)                     // (B, K, H, W)
        return ConditionalForward(map: u, network: NetworkForward(encodedInput: x, streams: streams, blockPasses: passes,
                                                                  headInput: r1, headHidden: z1, headHiddenActivated: r2,
                                                                  logits: logits))
    }

    /// Back-propagates ∂L/∂logits, accumulating every gradient; returns ∂L/∂u and ∂L/∂(encoded x)
    /// (nil without `inputGradient`: training reads only ∂L/∂u and the weights' gradients, so
    /// the input layer skips its input-gradient product, `Conv2d.backwardWeights`).
    @discardableResult
    func backward(_ pass: ConditionalForward, logitGradient dLogits: Tensor, inputGradient: Bool = true) -> (map: Tensor, input: Tensor?) {
        let net = network, p = pass.network
        let dr2 = net.head[1].backward(input: p.headHiddenActivated, outputGradient: dLogits)
        let dz1 = Activation.reluBackward(input: p.headHidden, outputGradient: dr2)
        let dr1 = net.head[0].backward(input: p.headInput, outputGradient: dz1)
        let dStream = Activation.reluBackward(input: p.streams.last!, outputGradient: dr1)
        return backward(pass, fromStream: net.blocks.count, streamGradient: dStream, inputGradient: inputGradient)
    }

    /// Back-propagates a gradient given at stream `l` (0 = after the input layer, L = after the
    /// last block); returns ∂L/∂u and ∂L/∂(encoded x) (nil without `inputGradient`).
    func backward(_ pass: ConditionalForward, fromStream l: Int, streamGradient: Tensor,
                  inputGradient: Bool = true) -> (map: Tensor, input: Tensor?) {
        let net = network, p = pass.network
        var d = streamGradient
        var du = Tensor(zeros: pass.map.shape)
        for k in stride(from: l - 1, through: 0, by: -1) {
            let back = (net.blocks[k] as! ConditionedBlock).backwardWithConditioning(p.blockPasses[k], outputGradient: d)
            du += biasMaps[k].backward(input: pass.map, outputGradient: back.conditioning)
            d += back.input                                          // identity + F path
        }
        guard inputGradient else { net.input.backwardWeights(input: p.encodedInput, outputGradient: d); return (du, nil) }
        return (du, net.input.backward(input: p.encodedInput, outputGradient: d))
    }
}

/// What one forward pass of the conditional network computed.
struct ConditionalForward {
    /// u, the upsampled map it read.
    var map: Tensor
    /// The network's maps, as `PixelNetwork.forward` keeps them.
    var network: NetworkForward
}
