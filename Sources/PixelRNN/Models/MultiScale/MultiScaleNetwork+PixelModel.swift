/// What the multi-scale model answers to the generic parts beyond training: no sampler in
/// raster order (it is sampled in two stages, the small image first), the gradient that reaches
/// its input through both networks and the upsampler (receptive fields), and no single stack of
/// blocks for a trace.
extension MultiScaleNetwork {
    /// False: the model has no one-position-at-a-time stepper.
    public var samplesIncrementally: Bool { false }

    /// Throws: the model is not sampled in raster order.
    public func makeIncrementalStepper(batch: Int, height: Int, width: Int) throws -> ConditionalStepper {
        throw SamplingError.noFastPath(MultiScaleNetwork.notInRasterOrder)
    }

    /// Why the raster-order samplers refuse a multi-scale model.
    public static let notInRasterOrder = "a multi-scale model is sampled in two stages (the small image, then the rest given it), not pixel by pixel in raster order"

    /// The conditional network's streams: L + 1.
    public var streamCount: Int { conditional.network.blocks.count + 1 }

    /// ∂⟨g, m⟩/∂(encoded x), m the combined logits (`stream` nil) or the conditional network's
    /// stream `stream`: through the conditional network to x, and through its bias maps and the
    /// upsampler — and, for the logits, the small network — to the small pixels of x.
    public func inputGradient(_ pixels: Tensor, stream: Int?, outputGradient: (_ shape: [Int]) -> Tensor,
                              shouldStop: () -> Bool) throws -> Tensor {
        let pass = try forward(pixels, shouldStop: shouldStop)
        var dSmallInput: Tensor
        let cond: (map: Tensor, input: Tensor?)
        if let l = stream {
            cond = conditional.backward(pass.conditional, fromStream: l, streamGradient: outputGradient(pass.conditional.network.streams[l].shape))
            dSmallInput = Tensor(zeros: pass.smallPixels.shape)
        } else {
            let (gSmall, gCond) = split(logitGradient: outputGradient(pass.conditional.network.logits.shape),
                                        smallShape: pass.small.logits.shape)
            dSmallInput = small.backward(pass.small, logitGradient: gSmall)
            cond = conditional.backward(pass.conditional, logitGradient: gCond)
        }
        dSmallInput += upsampler.backward(pass.upsampler, outputGradient: cond.map)
        var d = cond.input!                                          // (B, C, H, W): asked for
        forEachSmallPixel(full: d.shape, small: dSmallInput.shape) { full, small in d.data[full] += dSmallInput.data[small] }
        return d
    }

    /// None: two networks.
    public var residualStack: (any ResidualStack)? { nil }
}
