/// What a `MultiScaleNetwork` keeps per image of H×W for backward, for `MemoryEstimate`
/// (Models/MultiScale/README.md), found from the configuration alone: both networks and the
/// upsampler between them, with s = ⌈H/k⌉, s′ = ⌈W/k⌉ and c = h the map's channels:
///
///     small      its small network (L_small, h_small) on the s × s′ small image
///     upsample   C·s·s′ (x_small) + c·s·s′ (ReLU of 0) + c·(s·k + k mod 2)·(s′·k + k mod 2)
///                (ReLU of the transposed conv) + 2·c·H·W (the crop and u)
///     cond       its conditional network (L, h) on H × W, and each block's bias map b_l, ch_l·H·W
///                (ch_l = 2h, 4h or 8h, the block's `conditioningChannels`: some blocks keep it)
extension MultiScaleNetwork {
    /// The floats a multi-scale `config` model keeps per image of height×width.
    public static func activationFloatsPerImage(config: ModelConfig, height: Int, width: Int) -> Double {
        guard let (settings, small, conditional) = config.multiScaleParts else {
            preconditionFailure("MultiScaleNetwork.activationFloatsPerImage: \(config.kind) is not a multi-scale configuration")
        }
        let k = settings.factor
        let (s, s2, c) = ((height + k - 1) / k, (width + k - 1) / k, config.hidden)
        let upsampler = (config.colors + c) * s * s2 + c * (s * k + k % 2) * (s2 * k + k % 2) + 2 * c * height * width
        // Per block. A base whose blocks take no bias has no bias maps (nor a network: `parameterCount` throws).
        let biasChannels = config.layers == 0 ? 0 : ((try? settings.base.conditioningChannelsPerHidden()) ?? 0) * config.hidden
        return MemoryEstimate.activationFloatsPerImage(config: small, height: s, width: s2) + Double(upsampler)
            + MemoryEstimate.activationFloatsPerImage(config: conditional, height: height, width: width)
            + Double(config.layers * biasChannels * height * width)
    }

    /// This model's `activationFloatsPerImage(config:height:width:)`.
    public func activationFloatsPerImage(height: Int, width: Int) -> Double {
        MultiScaleNetwork.activationFloatsPerImage(config: config, height: height, width: width)
    }
}

extension ConditionalStage {
    /// The whole model's: its forward pass runs both networks.
    func activationFloatsPerImage(height: Int, width: Int) -> Double {
        model.activationFloatsPerImage(height: height, width: width)
    }
}
