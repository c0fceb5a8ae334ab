/// The upsampling network of the multi-scale PixelRNN (paper §3.6; Models/MultiScale/README.md):
/// it turns the small image x_small (B, C, s, s′) into a c-channel map of the full image's size
/// (B, c, H, W), which every layer of the conditional network reads (through its own 1×1
/// convolution, `ConditionalNetwork`). Nothing in it is masked: the conditional network may see
/// every pixel of the small image, those after the current pixel too — that is the point.
///
///     x_small  (B, C, s, s′)           levels scaled to [0, 1], as the networks' input
///     0        3×3 conv, C → c, ReLU   (B, c, s, s′)
///     1        transposed conv, c → c, kernel 2k, stride k, padding ⌊k/2⌋, ReLU
///                                      (B, c, s·k + (k mod 2), s′·k + (k mod 2))
///     crop     the first H rows and W columns      (B, c, H, W)     (s = ⌈H/k⌉, so s·k ≥ H)
///     2        3×3 conv, c → c         (B, c, H, W)   — the map u, no ReLU
///
/// Checkpoint names: `upsample.0.…`, `upsample.1.…` (a PyTorch `ConvTranspose2d`'s weight,
/// (c, c, 2k, 2k)), `upsample.2.…`.
public final class Upsampler {
    /// k, the subsampling factor.
    public let factor: Int
    /// c, the channels of the map.
    public let channels: Int
    /// upsample.0: 3×3, C → c.
    public let first: Conv2d
    /// upsample.1: the transposed convolution, c → c.
    public let transposed: TransposedConv2d
    /// upsample.2: 3×3, c → c.
    public let last: Conv2d

    /// An upsampler for factor k, C colours and c channels; layer i draws from stream i + 1 of `seed`.
    public init(factor: Int, colors: Int, channels: Int, seed: UInt64) {
        precondition(factor >= 1 && channels >= 1, "Upsampler: factor and channels must be positive")
        self.factor = factor
        self.channels = channels
        first = Conv2d(inChannels: colors, outChannels: channels, kernelHeight: 3, kernelWidth: 3, mask: nil,
                       colors: colors, seed: SeededGenerator.derivedSeed(seed, stream: 1))
        transposed = TransposedConv2d(inChannels: channels, outChannels: channels, kernelHeight: 2 * factor,
                                      kernelWidth: 2 * factor, stride: factor, padding: factor / 2,
                                      seed: SeededGenerator.derivedSeed(seed, stream: 2))
        last = Conv2d(inChannels: channels, outChannels: channels, kernelHeight: 3, kernelWidth: 3, mask: nil,
                      colors: colors, seed: SeededGenerator.derivedSeed(seed, stream: 3))
    }

    /// `0.weight`, `0.bias`, `1.weight`, `1.bias`, `2.weight`, `2.bias`.
    public var namedParameters: [(String, Parameter)] {
        prefixedParameters([("0", first.namedParameters), ("1", transposed.namedParameters), ("2", last.namedParameters)])
    }

    /// u for an encoded small image (B, C, s, s′) and the full image's size H × W
    /// (s = ⌈H/k⌉, s′ = ⌈W/k⌉).
    public func forward(_ small: Tensor, height: Int, width: Int) -> UpsamplerForward {
        precondition(small.rank == 4 && small.shape[2] == (height + factor - 1) / factor && small.shape[3] == (width + factor - 1) / factor,
                     "Upsampler: a small image of \(small.shape) is not a \(height)×\(width) image subsampled by \(factor)")
        let r0 = first.forwardReLU(small)                                  // (B, c, s, s′)
        let r1 = Activation.relu(transposed.forward(r0))                   // (B, c, ≥H, ≥W)
        let cropped = Upsampler.crop(r1, height: height, width: width)     // (B, c, H, W)
        let u = last.forward(cropped)                                      // (B, c, H, W)
        return UpsamplerForward(input: small, reluFirst: r0, reluTransposed: r1, cropped: cropped, output: u)
    }

    /// Accumulates every gradient and returns ∂L/∂x_small, given ∂L/∂u.
    @discardableResult
    public func backward(_ pass: UpsamplerForward, outputGradient du: Tensor) -> Tensor {
        let dCropped = last.backward(input: pass.cropped, outputGradient: du)
        let dr1 = Upsampler.uncrop(dCropped, height: pass.reluTransposed.shape[2], width: pass.reluTransposed.shape[3])
        let dz1 = Activation.reluBackward(input: pass.reluTransposed, outputGradient: dr1)
        let dr0 = transposed.backward(input: pass.reluFirst, outputGradient: dz1)
        let dz0 = Activation.reluBackward(input: pass.reluFirst, outputGradient: dr0)
        return first.backward(input: pass.input, outputGradient: dz0)
    }

    /// The first `height` rows and `width` columns of every plane.
    static func crop(_ x: Tensor, height: Int, width: Int) -> Tensor { topLeft(x, height: height, width: width) }

    /// Backward of `crop`: the gradient placed back at the top left, zeros at the rows and
    /// columns the crop dropped.
    static func uncrop(_ dy: Tensor, height h: Int, width w: Int) -> Tensor { topLeft(dy, height: h, width: w) }

    /// Every plane of `x` in a height×width plane of zeros, top left to top left: the rows and
    /// columns the two share are copied, the others dropped (crop) or zero (uncrop).
    private static func topLeft(_ x: Tensor, height: Int, width: Int) -> Tensor {
        let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        if h == height && w == width { return x }
        var y = Tensor(zeros: [x.shape[0], x.shape[1], height, width])
        for p in 0..<planes {
            for r in 0..<min(h, height) {
                for c in 0..<min(w, width) { y.data[(p * height + r) * width + c] = x.data[(p * h + r) * w + c] }
            }
        }
        return y
    }
}

/// What one forward pass of the upsampler computed.
public struct UpsamplerForward {
    /// x_small, encoded, (B, C, s, s′).
    public var input: Tensor
    /// ReLU(upsample.0(x_small)), (B, c, s, s′).
    public var reluFirst: Tensor
    /// ReLU(upsample.1(…)) before the crop.
    public var reluTransposed: Tensor
    /// Its first H rows and W columns, upsample.2's input, (B, c, H, W).
    public var cropped: Tensor
    /// u, (B, c, H, W).
    public var output: Tensor
}
