/// The incremental stepper of the multi-scale PixelRNN's stage 2 (Models/MultiScale/README.md,
/// "Sampling"): p_cond(x_i | x_<i, x_small) one position at a time.
///
/// Stage 2 starts with the whole small image given (stage 1 drew it, or a completion keeps
/// it), so u = Upsampler(x_small) and every block's bias b_l = bias_map_l(u) are final before
/// the first pixel: they are computed once, at the first call, by the same layers and on the
/// same values as the forward pass, and each block's incremental state adds b_l at each
/// position where the block's forward adds it (`ConditionedIncrementalState`). The rest is the
/// conditional network's `IncrementalStepper`, so the logits equal the reference path's (one
/// full forward pass per pixel) bit for bit on the plain paths and to Float rounding on the
/// fast ones.
///
/// Needs the small pixels of `pixels` to be final at the first call: stage 2 keeps them.
final class ConditionalStageStepper: ConditionalStepper {
    private let model: MultiScaleNetwork
    private let stepper: IncrementalStepper
    private var conditioned = false

    init(model: MultiScaleNetwork, batch: Int, height: Int, width: Int) throws {
        self.model = model
        stepper = try IncrementalStepper(network: model.conditional.network, batch: batch, height: height, width: width)
    }

    func logits(at index: PixelIndex, pixels: Tensor) -> Tensor {
        if !conditioned {
            let small = model.subsample(pixels)                                          // (B, C, s, s′), all given
            let u = model.upsampler.forward(model.small.encode(small), height: pixels.shape[2], width: pixels.shape[3]).output
            stepper.condition(on: model.conditional.biasMaps.map { $0.forward(u) })     // b_l (B, ch_l, H, W)
            conditioned = true
        }
        return stepper.logits(at: index, pixels: pixels)
    }
}
