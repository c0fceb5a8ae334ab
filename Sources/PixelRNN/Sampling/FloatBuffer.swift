/// Floats at a fixed address for the life of their owner: the maps and scratch an
/// incremental sampling state keeps, read and written through `pointer` at every position
/// without nesting one `withUnsafe…` closure per array. Starts as zeros.
final class FloatBuffer {
    /// The first of `count` floats.
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(1, count))
        pointer.initialize(repeating: 0, count: max(1, count))
    }

    deinit { pointer.deallocate() }
}
