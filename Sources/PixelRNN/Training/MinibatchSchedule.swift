/// Which images each step of each epoch trains on.
///
/// Epoch e visits the images in the order of a permutation drawn from
/// `SeededGenerator(seed: seed, stream: e)`, cut into consecutive batches; the
/// last batch may be smaller (as PyTorch's DataLoader with drop_last=False).
/// The order depends only on (seed, epoch, count, batch size), so a resumed run
/// rebuilds it exactly.
public struct MinibatchSchedule: Equatable, Sendable {
    /// The number of training images.
    public let count: Int
    /// Images per step (at most `count`).
    public let batchSize: Int
    /// The seed of every epoch's permutation.
    public let seed: UInt64

    /// A schedule over `count` images; a batch larger than the data is cut to it.
    public init(count: Int, batchSize: Int, seed: UInt64) {
        precondition(count >= 1 && batchSize >= 1, "MinibatchSchedule: count and batch size must be positive")
        self.count = count
        self.batchSize = min(batchSize, count)
        self.seed = seed
    }

    /// Steps per epoch: ⌈count / batchSize⌉.
    public var stepsPerEpoch: Int { (count + batchSize - 1) / batchSize }

    /// The visiting order of epoch `epoch` (0-based).
    public func order(epoch: Int) -> [Int] {
        var rng = SeededGenerator(seed: seed, stream: UInt64(epoch))
        return rng.permutation(count)
    }

    /// The image indices of batch `k` of an epoch whose order is `order`.
    public func batch(_ k: Int, of order: [Int]) -> [Int] {
        Array(order[(k * batchSize)..<min((k + 1) * batchSize, count)])
    }

    /// The images `indices` of an (N, C, H, W) tensor, in that order: (indices.count, C, H, W).
    public static func gather(_ images: Tensor, _ indices: [Int]) -> Tensor {
        let per = images.count / images.shape[0]
        var data = [Float](repeating: 0, count: indices.count * per)
        for (k, n) in indices.enumerated() {
            for i in 0..<per { data[k * per + i] = images.data[n * per + i] }
        }
        return Tensor(shape: [indices.count] + images.shape.dropFirst(), data: data)
    }
}
