/// An incremental block state (`IncrementalBlockState`) that adds a conditioning bias map at
/// every position, where `ConditionedBlock.forward(_:conditioning:)` adds it: the multi-scale
/// PixelRNN's stage 2, sampled one position at a time (Models/MultiScale/README.md, "Sampling").
///
/// The bias b_l = bias_map_l(u) reads only the small image, which stage 1 has drawn in full
/// before stage 2 begins: it is computed once, for every position, and then read at each
/// position as the block reaches it — the same values the forward pass adds, so the steps stay
/// equal to it.
protocol ConditionedIncrementalState: IncrementalBlockState {
    /// Sets the bias map (B, ch, H, W), ch the block's `conditioningChannels`; before the first step.
    func condition(on bias: Tensor)
}

/// A (B, C, H, W) map stored position-major, (H·W, C, B): one position's values are
/// [channel][image], as an incremental state reads its input.
final class PositionMajorMap {
    /// C·B: the values of one position.
    let valuesPerPosition: Int
    private let buffer: FloatBuffer

    init(_ map: Tensor) {
        precondition(map.rank == 4, "PositionMajorMap: expected (B, C, H, W), got \(map.shape)")
        let (b, c, positions) = (map.shape[0], map.shape[1], map.shape[2] * map.shape[3])
        valuesPerPosition = c * b
        buffer = FloatBuffer(count: positions * c * b)
        for n in 0..<b {
            for ch in 0..<c {
                for p in 0..<positions { buffer.pointer[(p * c + ch) * b + n] = map.data[(n * c + ch) * positions + p] }
            }
        }
    }

    /// The C·B values of position p = row·W + column.
    func values(at p: Int) -> UnsafePointer<Float> { UnsafePointer(buffer.pointer + p * valuesPerPosition) }

    /// `target[i] = target[i] + values(at: p)[i + offset]` for i < count: the bias added as the
    /// forward pass adds it (the same Float sums).
    func add(at p: Int, to target: UnsafeMutablePointer<Float>, count: Int, offset: Int = 0) {
        let b = values(at: p) + offset
        for i in 0..<count { target[i] = target[i] + b[i] }
    }
}
