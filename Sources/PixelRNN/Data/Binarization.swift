/// How grey MNIST digits become the binary images PixelRNN models (data/README.md, "Binarization").
///
/// Stochastic binarization sets each pixel to 1 with probability equal to its
/// intensity (Salakhutdinov & Murray 2008, the data the paper's MNIST numbers use).
/// The draws of one image depend only on the seed and the image's index in its
/// source file, so a batch binarizes exactly as the whole split does.
public enum Binarization: Equatable, Sendable, CustomStringConvertible {
    /// Bernoulli(intensity), drawn once: the same bits every epoch.
    case stochastic(seed: UInt64)
    /// Bernoulli(intensity), drawn afresh each epoch from `seed(forEpoch:)`.
    case freshEachEpoch(seed: UInt64)
    /// 1 where the intensity is above the level (usually 0.5), else 0.
    case threshold(Float)
    /// The file is already binary (`.amat`); values are used as they are.
    case givenByFile

    /// The name said in every output that depends on it.
    public var description: String {
        switch self {
        case .stochastic(let seed): return "stochastic, drawn once (seed \(seed))"
        case .freshEachEpoch(let seed): return "stochastic, fresh each epoch (seed \(seed))"
        case .threshold(let level): return "threshold \(level)"
        case .givenByFile: return "given by file (already binary)"
        }
    }

    /// The seed of the draws in `epoch` (nil for the deterministic modes).
    public func seed(forEpoch epoch: Int) -> UInt64? {
        switch self {
        case .stochastic(let seed): return seed
        case .freshEachEpoch(let seed): return mix(seed, UInt64(bitPattern: Int64(epoch)) &+ 1)
        case .threshold, .givenByFile: return nil
        }
    }

    /// Binarizes `images` (N, 1, H, W) with intensities in [0, 1]; `sourceIndices[n]`
    /// is image n's index in its file (it fixes that image's draws).
    public func apply(to images: Tensor, sourceIndices: [Int], epoch: Int = 0) -> Tensor {
        precondition(images.rank == 4 && sourceIndices.count == images.shape[0],
                     "Binarization.apply: one source index per image")
        var out = images
        let perImage = images.shape[0] == 0 ? 0 : images.count / images.shape[0]
        for (n, source) in sourceIndices.enumerated() {
            let range = (n * perImage)..<((n + 1) * perImage)
            binarize(&out.data[range], source: source, epoch: epoch)
        }
        return out
    }

    /// Binarizes one image's values in place.
    private func binarize(_ values: inout ArraySlice<Float>, source: Int, epoch: Int) {
        switch self {
        case .givenByFile:
            return
        case .threshold(let level):
            for i in values.indices { values[i] = values[i] > level ? 1 : 0 }
        case .stochastic, .freshEachEpoch:
            let base = seed(forEpoch: epoch) ?? 0
            var rng = SeededGenerator(seed: mix(base, UInt64(bitPattern: Int64(source))))
            for i in values.indices { values[i] = rng.nextUniform() < values[i] ? 1 : 0 }
        }
    }
}

/// Two 64-bit numbers mixed into one well-spread seed (SplitMix64 finaliser).
func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var rng = SeededGenerator(seed: a ^ (b &* 0xD6E8_FEB8_6659_FD93))
    return rng.next()
}
