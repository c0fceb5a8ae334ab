extension Tensor {
    /// A tensor of `shape` whose entries are uniform draws in [−bound, bound) from `rng`, in
    /// memory order: PyTorch's default initialisation of a convolution's weight and bias
    /// (bound = 1/√fan_in).
    public init(uniformWithin bound: Float, shape: [Int], using rng: inout SeededGenerator) {
        self.init(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.nextUniform(-bound, bound) })
    }
}
