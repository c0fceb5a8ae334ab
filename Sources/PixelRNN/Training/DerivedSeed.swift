/// Independent random streams derived from one seed.
///
/// SplitMix64 streams of nearby seeds are shifted copies of one sequence, so a
/// stream for "epoch 3" or "image 5" is never made by adding to the seed: the pair
/// (seed, stream) is hashed into a fresh, well-spread seed first.
extension SeededGenerator {
    /// The generator of sub-stream `stream` of `seed` (e.g. an epoch, or an image index).
    public init(seed: UInt64, stream: UInt64) {
        var hash = SeededGenerator(seed: seed ^ (stream &* 0xD6E8_FEB8_6659_FD93))
        self.init(seed: hash.next())
    }

    /// The seed of part `stream` of something seeded with `seed`: each layer of a network,
    /// each layer of a block, each direction of a Diagonal BiLSTM draws its weights from its
    /// own `derivedSeed(seed, stream: k)`, never from `seed + k`.
    public static func derivedSeed(_ seed: UInt64, stream: UInt64) -> UInt64 {
        var generator = SeededGenerator(seed: seed, stream: stream)
        return generator.next()
    }

    /// A uniform integer in 0 ..< bound, without modulo bias (rejection sampling).
    /// Written out (not `Int.random(in:using:)`) so the stream never changes with the compiler.
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "nextIndex(below:) needs a positive bound")
        let n = UInt64(bound)
        let limit = UInt64.max - UInt64.max % n      // accept draws below a multiple of n
        while true {
            let r = next()
            if r < limit { return Int(r % n) }
        }
    }

    /// A uniformly random permutation of 0 ..< count (Fisher–Yates, from the back).
    public mutating func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        var i = count - 1
        while i > 0 {
            order.swapAt(i, nextIndex(below: i + 1))
            i -= 1
        }
        return order
    }
}
