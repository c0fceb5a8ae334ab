import Foundation

/// The two-core training step of a kind that takes one image at a time (`imagesPerPass` 1,
/// the PixelCNN and the Row LSTM): the cores take the batch's images in turn, each core
/// the next image as soon as it is free, so a core slowed by other work on the machine simply takes fewer.
/// (With fixed halves the other core waits for it at the end of every step.)
///
///     core 0:  image 0 ─ image 2 ─ image 3 ─ image 5 …     on this network
///     core 1:  image 1 ──── image 4 ─ image 6 …           on its twin (`sharingTwin`)
///     then:    ∂θ = ∂θ(before) + slot₀ + slot₁ + … + slot_{B−1}     in batch order
///
/// Each image's gradient (∂ of its NLL ÷ B) is copied into a slot of its own before the
/// next image starts, and the slots are added in batch order: which core took which
/// image never changes a bit of the result, so runs with the same seed stay bit-identical.
/// The result equals the one-pass gradient up to the order of Float additions; tests hold
/// the two equal.
///
/// The cost is `batch` + 1 copies of every parameter's gradient (the slots and their sum;
/// at L = 7, h = 16 and a batch of 16: 17 × 26,433 ≈ 450,000 Floats, 1.8 MB). The path is
/// taken only while the slots stay within `imageSlotLimit` Floats, else the fixed halves.
/// `MemoryEstimate` counts them.
extension PixelNetwork {
    /// The most Floats the image slots may take (32 MB).
    static let imageSlotLimit = 8 << 20

    /// Whether `lossAndGradient` takes the images in turn for a batch of `batch`: the kind
    /// takes one image a pass, the batch would be halved (`usesHalves`), and the slots fit.
    func takesImagesInTurn(batch: Int) -> Bool {
        PixelNetwork.imageSlotsFit(config: config, parameters: parameterCount, batch: batch) && usesHalves(batch: batch)
    }

    /// Whether a `config` network of `parameters` parameters keeps image slots for a batch of
    /// `batch` (also what `MemoryEstimate` asks).
    static func imageSlotsFit(config: ModelConfig, parameters: Int, batch: Int) -> Bool {
        config.kind.entry.imagesPerPass == 1 && batch >= 2 && parameters <= imageSlotLimit / batch
    }

    /// The mean NLL's gradient over `pixels` (B, C, H, W), the images taken in turn by the
    /// two cores, added to the gradients already held. Returns the per-image NLLs, in batch
    /// order. `assignment` (tests only) fixes which worker takes each image instead, on one
    /// thread, so that two assignments can be compared bit for bit.
    func lossAndGradientImagesInTurn(_ pixels: Tensor, assignment: [Int]? = nil) -> [Double] {
        let batch = pixels.shape[0]
        let workers = [self, sharingTwin()]
        let parameters = workers.map { $0.namedParameters.map(\.1) }        // the same order in both
        let count = parameters[0].reduce(0) { $0 + $1.grad.count }          // |θ|
        let total = UnsafeMutablePointer<Float>.allocate(capacity: count)   // ∂θ
        let slots = UnsafeMutablePointer<Float>.allocate(capacity: batch * count)   // (B, |θ|): ∂θ of each image
        defer { total.deallocate(); slots.deallocate() }
        PixelNetwork.copyGradients(of: parameters[0], into: total)          // what this network held on entry
        var nlls = [Double](repeating: 0, count: batch)
        nlls.withUnsafeMutableBufferPointer { nll in
            let image: (Int, Int) -> Void = { [nll] k, n in                 // image n on worker k, into slot n
                for p in parameters[k] { p.zeroGrad() }
                nll[n] = workers[k].lossAndGradientOnePass(pixels.images(n..<(n + 1)), meanOver: batch)[0]
                PixelNetwork.copyGradients(of: parameters[k], into: slots + n * count)
            }
            if let assignment { for n in 0..<batch { image(assignment[n], n) } }
            else { Cores.takeInTurn(items: batch, workers: workers.count, image) }
        }
        // ∂θ = before + slot₀ + slot₁ + … in batch order; each core adds up half of θ's entries.
        Cores.run(2) { half in
            let entries = (half * count / 2)..<((half + 1) * count / 2)
            for n in 0..<batch {
                let slot = slots + n * count
                for e in entries { total[e] += slot[e] }
            }
        }
        PixelNetwork.copyGradients(from: total, into: parameters[0])
        return nlls
    }

    /// Every gradient of `parameters`, one after the other, into `destination`.
    private static func copyGradients(of parameters: [Parameter], into destination: UnsafeMutablePointer<Float>) {
        var offset = 0
        for p in parameters {
            p.grad.data.withUnsafeBufferPointer { g in (destination + offset).update(from: g.baseAddress!, count: g.count) }
            offset += p.grad.count
        }
    }

    /// The reverse of `copyGradients(of:into:)`: `source`, one gradient after the other, into `parameters`.
    private static func copyGradients(from source: UnsafePointer<Float>, into parameters: [Parameter]) {
        var offset = 0
        for p in parameters {
            p.grad.data.withUnsafeMutableBufferPointer { g in g.baseAddress!.update(from: source + offset, count: g.count) }
            offset += p.grad.count
        }
    }
}
