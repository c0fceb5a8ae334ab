import CBLAS
import Foundation

/// The fast path of `lossAndGradient`: the batch is cut into two halves, and each core
/// runs the whole network — forward, loss, backward — on its half, one on this network
/// and one on a twin holding the same weights (shared, not copied). Then the twin's
/// gradients are added to this network's.
///
/// The result is the gradient of the same mean NLL (each half's ∂L/∂logits is divided
/// by the whole batch size B, not by the half's), equal to the one-pass path up to the
/// order of Float additions; tests hold the two equal.
///
/// Each half goes through the network `ModelKindEntry.imagesPerPass` images at a time
/// where the kind sets it (`lossAndGradientInPasses`; also on one core): the PixelCNN
/// and the Row LSTM take one image at a time, so each layer's input and output (≈ 100 KB
/// an image for the PixelCNN) are still in the core's cache when the next layer reads
/// them. Measured with the CPU time of training steps (L = 7, h = 16, batch 16): about
/// 15 % less than the whole half in one pass for the PixelCNN (200 steps), about 25 %
/// for the Row LSTM (20 steps, 2.40 → 1.75 s). (Such a kind's training step takes the
/// images in turn instead, while its image slots fit: `PixelNetwork+ImagesInTurn`; these halves are its path above that.)
///
/// Why: splitting every layer's work between the cores (the layer-level fast paths)
/// makes the cores meet after every layer, and leaves the element-wise work (ReLU,
/// residual sums, gradients of both) on one core. Here the cores meet once per step, all
/// work is shared, and each core's maps are half the size, so more of them stay in cache.
///
/// Used where it is measured faster (`ModelKindEntry.splitsBatchInHalves`, with `benchmark`: PixelCNN about
/// 1,000 → 1,300 training images/s, Row LSTM 414 → 480). The Diagonal BiLSTM gained
/// nothing measurable and keeps its own split (its two directions on the two cores).
extension PixelNetwork {
    /// Whether `lossAndGradient` takes the two-halves path for a batch of `batch` images:
    /// the model kind gains from it, there are two images or more, at least two cores,
    /// and OpenBLAS may use several threads (so `OPENBLAS_NUM_THREADS=1` keeps everything
    /// on one core, and a caller already running on several threads is not split again).
    func usesHalves(batch: Int) -> Bool {
        config.kind.entry.splitsBatchInHalves && batch >= 2 && Cores.maySplit
    }

    /// The mean NLL's gradient computed on the two halves of `pixels` (B, C, H, W)
    /// concurrently. Returns the per-image NLLs, in batch order.
    func lossAndGradientInHalves(_ pixels: Tensor) -> [Double] {
        let batch = pixels.shape[0]
        let halves = [pixels.images(0..<(batch / 2)), pixels.images((batch / 2)..<batch)]
        let twin = sharingTwin()
        let networks = [self, twin]
        twin.zeroGrad()
        var nlls: [[Double]] = [[], []]
        nlls.withUnsafeMutableBufferPointer { out in
            FastPathThreads.run(2) { k in
                out[k] = networks[k].lossAndGradientInPasses(halves[k], meanOver: batch)
            }
        }
        for ((_, mine), (_, theirs)) in zip(namedParameters, twin.namedParameters) {
            mine.grad += theirs.grad
        }
        return nlls[0] + nlls[1]
    }

    /// `lossAndGradientOnePass` over `pixels`, the kind's `imagesPerPass` images at a time
    /// (all in one pass when it sets none): each pass adds its images' share of the mean
    /// NLL's gradient (÷ `count`) to the gradients the passes before it left. Returns the
    /// per-image NLLs, in batch order.
    func lossAndGradientInPasses(_ pixels: Tensor, meanOver count: Int) -> [Double] {
        let batch = pixels.shape[0]
        guard let step = config.kind.entry.imagesPerPass, step < batch else {
            return lossAndGradientOnePass(pixels, meanOver: count)
        }
        return stride(from: 0, to: batch, by: step).flatMap { first in
            lossAndGradientOnePass(pixels.images(first..<min(batch, first + step)), meanOver: count)
        }
    }

    /// `forward(pixels, shouldStop:).logits`, the kind's `imagesPerPass` images at a time
    /// (as `lossAndGradientInPasses`); the logits of the passes side by side, in batch order.
    func logitsInPasses(_ pixels: Tensor, shouldStop: () -> Bool) throws -> Tensor {
        let batch = pixels.shape[0]
        guard let step = config.kind.entry.imagesPerPass, step < batch else {
            return try forward(pixels, shouldStop: shouldStop).logits
        }
        return Tensor.concatImages(try stride(from: 0, to: batch, by: step).map { first in
            try forward(pixels.images(first..<min(batch, first + step)), shouldStop: shouldStop).logits
        })
    }

    /// The logits (B, K, H, W) of a batch of `pixels` (B, C, H, W): a forward pass on
    /// both cores the way training runs (`usesHalves`), on this network and on its twin:
    /// each half of the batch on one core, or for a kind that takes one image a pass the
    /// images in turn (`Cores.takeInTurn`; each image's logits are its own, so nothing
    /// depends on which core took it). Equal to `forward(pixels).logits` up to the order of
    /// Float additions (the same arithmetic per image); what `eval` and the `benchmark`
    /// forward figure use.
    ///
    /// `shouldStop` is asked before every block, as `forward(_:shouldStop:)` asks it; on
    /// the two-core path never by two threads at once (the halves: by the first half's;
    /// the images in turn: by whichever core runs an image, one at a time), and a stop seen
    /// there stops the other core at its next block too. Throws `Stopped`.
    public func logits(_ pixels: Tensor, shouldStop: () -> Bool = { false }) throws -> Tensor {
        let batch = pixels.shape[0]
        guard usesHalves(batch: batch) else { return try logitsInPasses(pixels, shouldStop: shouldStop) }
        let inTurn = config.kind.entry.imagesPerPass == 1
        let parts = inTurn ? (0..<batch).map { $0..<($0 + 1) } : [0..<(batch / 2), (batch / 2)..<batch]
        let networks = [self, sharingTwin()]
        let stop = StopFlag()
        var results = [Result<Tensor, Error>](repeating: .failure(Stopped(done: 0, of: parts.count, "parts")), count: parts.count)
        withoutActuallyEscaping(shouldStop) { shouldStop in
            results.withUnsafeMutableBufferPointer { results in
                let out = results
                // Core k's part. Halves: core 0 asks the caller and raises the flag, core 1 only
                // reads it. In turn: whichever core runs an image asks, one at a time.
                let run: (Int, Int) -> Void = { k, part in
                    guard !stop.isRaised else { return }        // stopped: the part keeps its Stopped
                    let check: () -> Bool = inTurn ? { stop.ask(shouldStop) }
                                          : k == 0 ? { if shouldStop() { stop.raise() }; return stop.isRaised } : { stop.isRaised }
                    out[part] = Result { try networks[k].logitsInPasses(pixels.images(parts[part]), shouldStop: check) }
                }
                if inTurn { Cores.takeInTurn(items: parts.count, workers: 2, run) } else { FastPathThreads.run(2) { k in run(k, k) } }
            }
        }
        return Tensor.concatImages(try results.map { try $0.get() })
    }

    /// The second network of the two-halves path: built once (same configuration and
    /// input mask), and before every use made to hold this network's current weights. The
    /// weights are shared copy-on-write, so nothing is copied unless one side changes them.
    /// (Test-only switches set on this network's blocks are not mirrored; the tests that
    /// use them do not train.)
    func sharingTwin() -> PixelNetwork {
        let twin = halvesTwin ?? (try! PixelNetwork(config: config, seed: seed, inputMask: input.maskType ?? .A))
        halvesTwin = twin
        for ((_, mine), (_, theirs)) in zip(namedParameters, twin.namedParameters) {
            theirs.value = mine.value
        }
        return twin
    }
}

/// A flag one thread raises and others read: how the two halves of `logits` stop together.
private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    func raise() { lock.lock(); raised = true; lock.unlock() }
    var isRaised: Bool { lock.lock(); defer { lock.unlock() }; return raised }
    /// Raised, or raised now if `shouldStop` says so: asked under the lock, so never by two
    /// threads at once, and not at all once raised.
    func ask(_ shouldStop: () -> Bool) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if !raised && shouldStop() { raised = true }
        return raised
    }
}
