/// A learnable tensor and the gradient accumulated for it.
///
/// A reference type: a layer owns its parameters, and the optimizer and the
/// checkpoint code reach the same objects through `PixelModel.namedParameters`.
/// A masked parameter (a masked convolution's weight) carries its mask: the
/// effective weight is `value ⊙ mask`, and gradients of masked-out entries are zero.
public final class Parameter {
    /// The current values.
    public var value: Tensor { didSet { version &+= 1 } }
    /// Changes whenever `value` does (an assignment or a change in place): what a layer
    /// that keeps a rearranged copy of its weights (`Conv2d.usedWeightMatrix`) compares with.
    public private(set) var version = 0
    /// ∂loss/∂value, accumulated by backward passes until `zeroGrad()`.
    public var grad: Tensor
    /// 1 where the entry is used, 0 where a mask removes it (nil: all used).
    public let mask: Tensor?

    /// A parameter holding `value`, optionally masked.
    public init(_ value: Tensor, mask: Tensor? = nil) {
        if let mask { precondition(mask.shape == value.shape, "Parameter: mask shape \(mask.shape) ≠ value shape \(value.shape)") }
        self.value = value
        self.grad = Tensor(zeros: value.shape)
        self.mask = mask
    }

    /// The weight the layer actually uses: `value ⊙ mask`.
    public var effective: Tensor {
        guard let mask else { return value }
        return value * mask
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() {
        grad.data.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
