/// How many floating-point operations a training step of a network does per image: the
/// figure that `benchmark` divides by time and compares with the machine's matrix-multiply
/// peak (`MatrixMultiplyPeak`).
///
/// Counted: the multiply-adds of every weight of every convolution at every position it
/// is applied to, 2 operations each — in the forward pass, again for the weight gradient,
/// and again for the input gradient (except the first layer's, which nothing needs).
/// Weights that a mask holds at zero are not counted (a mask-A 7×7 layer does 24 of its 49
/// taps), nor are biases, activations, the LSTM cell's element-wise updates, the loss or
/// the optimizer: the count is the work a matrix-multiply kernel must do, so the share of
/// the peak it gives is an upper bound of what the kernels could still gain.
///
/// Positions: a 2-D convolution and the Row LSTM's state-to-state (one row at a time)
/// are applied at all H·W pixels; the weights a kind's table entry names in
/// `skewedMapWeights` (the Diagonal BiLSTM's state-to-state) at every cell of the skewed
/// map, H·(H + W − 1) per direction.
public enum OperationCount {
    /// Multiply-adds of one forward pass of one image of `height` × `width`.
    public static func forwardMultiplyAdds(_ network: any PixelModel, height: Int, width: Int) -> Int {
        weightPositions(network, height: height, width: width).reduce(0) { $0 + $1.weights * $1.positions }
    }

    /// Floating-point operations of one training step, per image: 2 × (forward +
    /// weight gradient + input gradient) multiply-adds.
    public static func trainingFLOPsPerImage(_ network: any PixelModel, height: Int, width: Int) -> Double {
        var multiplyAdds = 0
        for layer in weightPositions(network, height: height, width: width) {
            let perPass = layer.weights * layer.positions
            multiplyAdds += perPass * (layer.isFirst ? 2 : 3)
        }
        return 2 * Double(multiplyAdds)
    }

    /// Each weight tensor: its unmasked entries, the positions it is applied at, and
    /// whether it belongs to the first layer.
    private static func weightPositions(_ network: any PixelModel, height: Int,
                                        width: Int) -> [(weights: Int, positions: Int, isFirst: Bool)] {
        if let multiScale = network as? MultiScaleNetwork { return multiScaleWeightPositions(multiScale, height: height, width: width) }
        return network.namedParameters.compactMap { name, parameter in
            guard name.hasSuffix(".weight") else { return nil }
            let weights = parameter.mask.map { $0.data.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } } ?? parameter.value.count
            let skewed = network.config.kind.entry.skewedMapWeights.contains { name.hasSuffix($0) }
            let positions = skewed ? height * (height + width - 1) : height * width
            return (weights, positions, name == "input.weight")
        }
    }

    /// The multi-scale model's weights: the small network's and upsample.0's (and the
    /// transposed convolution's, once per input position) on the s×s′ small image, the rest on
    /// the H×W image; skewed weights of the base kind on the skewed maps of either size. First
    /// layers (no input gradient): both input layers and upsample.0.
    private static func multiScaleWeightPositions(_ network: MultiScaleNetwork, height: Int,
                                                  width: Int) -> [(weights: Int, positions: Int, isFirst: Bool)] {
        let k = network.settings.factor
        let (sh, sw) = ((height + k - 1) / k, (width + k - 1) / k)
        let skewedNames = network.settings.base.entry.skewedMapWeights
        return network.namedParameters.compactMap { name, parameter in
            guard name.hasSuffix(".weight") else { return nil }
            let weights = parameter.mask.map { $0.data.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } } ?? parameter.value.count
            let onSmall = name.hasPrefix("small.") || name.hasPrefix("upsample.0.") || name.hasPrefix("upsample.1.")
            let (h, w) = onSmall ? (sh, sw) : (height, width)
            let skewed = !name.hasPrefix("upsample.") && skewedNames.contains { name.hasSuffix($0) }
            let positions = skewed ? h * (h + w - 1) : h * w
            return (weights, positions, ["small.input.weight", "cond.input.weight", "upsample.0.weight"].contains(name))
        }
    }
}
