/// Computes the logits of p(x_i | x_<i) one pixel colour at a time, for a batch of images.
///
/// Calls come in raster order (`PixelIndex`); when `index` is asked for, every entry
/// of `pixels` before it in raster order is final. The result is (B, K): K = 1 logit
/// (2 levels) or 256 logits (256 levels) of colour `index.colour` for each image.
public protocol ConditionalStepper: AnyObject {
    func logits(at index: PixelIndex, pixels: Tensor) -> Tensor
}

/// The plain reference: one full forward pass of the network per pixel colour,
/// reading the logits at that pixel. Slow but obviously right; works for every model.
public final class ReferenceStepper: ConditionalStepper {
    public let network: any PixelModel

    public init(network: any PixelModel) { self.network = network }

    public func logits(at index: PixelIndex, pixels: Tensor) -> Tensor {
        ReferenceStepper.logits(of: network.onePassLogits(pixels), at: index, config: network.config)
    }

    /// The logits of `index` out of a full logit map (B, K·C… , H, W) — channel
    /// `colour` (2 levels) or `level·C + colour` for each level (256 levels).
    public static func logits(of map: Tensor, at index: PixelIndex, config: ModelConfig) -> Tensor {
        let (b, c) = (map.shape[0], config.colors)
        let k = config.levels == 2 ? 1 : config.levels
        var out = Tensor(zeros: [b, k])
        for n in 0..<b {
            for level in 0..<k {
                let channel = config.levels == 2 ? index.colour : level * c + index.colour
                out.data[n * k + level] = map[n, channel, index.row, index.column]
            }
        }
        return out
    }
}
