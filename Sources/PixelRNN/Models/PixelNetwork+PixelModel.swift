/// How a `PixelNetwork` answers what the generic parts ask of a `PixelModel` beyond
/// training: its plain forward pass, its incremental sampler (every block an
/// `IncrementalBlock`), the gradient that reaches its input (receptive fields), and its
/// blocks as the stack a trace steps through.
extension PixelNetwork: ResidualStack {
    /// `forward(pixels).logits`: one pass, on this thread.
    public func onePassLogits(_ pixels: Tensor) -> Tensor { forward(pixels).logits }

    /// True when every block has an incremental form.
    public var samplesIncrementally: Bool {
        blocks.allSatisfy { ($0 as? IncrementalBlock)?.hasIncrementalForm == true }
    }

    /// An `IncrementalStepper` on this network's weights.
    public func makeIncrementalStepper(batch: Int, height: Int, width: Int) throws -> ConditionalStepper {
        try IncrementalStepper(network: self, batch: batch, height: height, width: width)
    }

    /// L + 1: after the input layer and after each block.
    public var streamCount: Int { blocks.count + 1 }

    /// One forward pass (asking `shouldStop` before each block), then back from the logits
    /// or from stream `stream`.
    public func inputGradient(_ pixels: Tensor, stream: Int?, outputGradient: (_ shape: [Int]) -> Tensor,
                              shouldStop: () -> Bool) throws -> Tensor {
        let pass = try forward(pixels, shouldStop: shouldStop)
        if let l = stream {
            return try backward(pass, fromStream: l, streamGradient: outputGradient(pass.streams[l].shape),
                                shouldStop: shouldStop)
        }
        return backward(pass, logitGradient: outputGradient(pass.logits.shape))
    }

    /// The network itself.
    public var residualStack: (any ResidualStack)? { self }

    /// input(encode(pixels)), then blocks 0 ..< layer.
    public func stream(enteringBlock layer: Int, pixels: Tensor) -> Tensor {
        var stream = input.forward(encode(pixels))                                 // (B, 2h, H, W)
        for k in 0..<layer { stream = stream + blocks[k].forward(stream).residual }  // x_{k+1} = x_k + F(x_k)
        return stream
    }
}
