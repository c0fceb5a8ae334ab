extension Array where Element == Float {
    /// `count` floats for a caller that writes every one of them before any is read: fresh
    /// memory without a zero-filling pass. Debug builds (the tests) fill it with NaN first,
    /// so an element left unwritten cannot pass a test.
    init(unwrittenCount count: Int) {
        self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            #if DEBUG
            buffer.initialize(repeating: .nan)
            #endif
            initialized = count
        }
    }
}

extension Tensor {
    /// A tensor of `shape` whose every value the caller writes before reading any
    /// (`[Float](unwrittenCount:)`: NaN in debug builds).
    init(unwritten shape: [Int]) {
        self.init(shape: shape, data: [Float](unwrittenCount: shape.reduce(1, *)))
    }
}
