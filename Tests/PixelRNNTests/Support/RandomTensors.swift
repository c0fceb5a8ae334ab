@testable import PixelRNN

/// A tensor of uniform values in [−scale, scale), from a seed.
func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    return Tensor(uniformWithin: scale, shape: shape, using: &rng)
}

/// Σ t ⊙ weights, accumulated in Double in memory order: a scalar loss whose gradient with
/// respect to t is `weights`.
func weightedSum(_ t: Tensor, _ weights: Tensor) -> Double {
    precondition(t.shape == weights.shape)
    var s = 0.0
    for i in 0..<t.count { s += Double(t.data[i]) * Double(weights.data[i]) }
    return s
}

/// The entries a finite-difference check looks at: all `count` of them when there are at most
/// `samples`, else `samples` indices drawn from `seed` (repeats possible).
func sampledIndices(count: Int, samples: Int, seed: UInt64) -> [Int] {
    var rng = SeededGenerator(seed: seed)
    return count <= samples ? Array(0..<count) : (0..<samples).map { _ in Int(rng.next() % UInt64(count)) }
}
