/// How a `PixelNetwork` answers what the generic parts ask of a `PixelModel` beyond
/// training: its plain forward pass, its incremental sampler (every block an
/// `IncrementalBlock`), the gradient that reaches its input (receptive fields), its
/// blocks as the stack a trace steps through, and the floats it keeps for backward.
extension PixelNetwork: ResidualStack {
    /// `forward(pixels).logits`: one pass, on this thread.
    public func onePassLogits(_ pixels: Tensor) -> Tensor { forward(pixels).logits }

    /// True when every block has an incremental form.
    public var samplesIncrementally: Bool {
        config.bug == nil && blocks.allSatisfy { ($0 as? IncrementalBlock)?.hasIncrementalForm == true }
    }

    /// An `IncrementalStepper` on this network's weights (none for a model with a known bug
    /// built in: the incremental forms are written for the paper's model only).
    public func makeIncrementalStepper(batch: Int, height: Int, width: Int) throws -> ConditionalStepper {
        if let bug = config.bug {
            throw ModelError.notAvailable("the known bug \(bug.rawValue) is built in: the model samples what its forward pass computes")
        }
        return try IncrementalStepper(network: self, batch: batch, height: height, width: width)
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
        for k in 0..<layer {
            let added = blocks[k].forward(stream).residual
            stream = config.residual ? stream + added : added   // x_{k+1} = x_k + F(x_k), or F(x_k) alone
        }
        return stream
    }
}

extension PixelNetwork {
    /// The number of parameters of a `config` network, found by building its input and
    /// head layers and one block, never the whole network (which may not fit in memory).
    public static func parameterCount(config: ModelConfig) throws -> Int {
        guard (0...maxLayers).contains(config.layers) else {
            throw ModelError.invalidConfig("layers must be 0…\(maxLayers), got \(config.layers)")
        }
        var bare = config
        bare.layers = 0
        let outer = try PixelNetwork(config: bare).parameterCount
        guard config.layers > 0 else { return outer }
        let block = config.kind.entry.makeBlock(config.hidden, config.colors, 0, .paper)   // after the network checked the config
        return outer + config.layers * block.namedParameters.reduce(0) { $0 + $1.1.value.count }
    }
}

/// What a `PixelNetwork` keeps per image for backward, for `MemoryEstimate`, found from the
/// configuration alone (so that a model can be refused before it is built). Per pixel:
///
///     L · f · h        the blocks' maps (f = `ModelKindEntry.floatsPerPixelPerHidden`:
///                      8 for a PixelCNN block, 16 for a Row LSTM block, 18 for a Diagonal BiLSTM
///                      block, which also keeps zero rows of its skewed maps: its kind's
///                      `countActivationFloats` adds them)
///     (L + 1) · 2h     the residual stream, after the input layer and after each block
///     2h               ReLU of the stream, the head's input
///     2 · (32 + K)     the head: head.0's output and its ReLU, the logits and the scaled input (C ≤ K)
extension PixelNetwork {
    /// The floats a `config` network keeps per image of height×width.
    public static func activationFloatsPerImage(config: ModelConfig, height: Int, width: Int) -> Double {
        let perBlock = Double(config.kind.entry.floatsPerPixelPerHidden) * Double(config.hidden)
        let stream = Double(2 * config.hidden) * Double(config.layers + 2)   // x_0 … x_L and ReLU(x_L)
        let head = Double(ModelConfig.headWidth + config.outputChannels) * 2
        return (perBlock * Double(config.layers) + stream + head) * Double(height * width)
    }

    /// This network's estimate: its kind's `ModelKindEntry.countActivationFloats` (by default
    /// `activationFloatsPerImage(config:height:width:)`; a kind may add what it keeps beyond it).
    public func activationFloatsPerImage(height: Int, width: Int) -> Double {
        config.kind.entry.countActivationFloats(config, height, width)
    }
}
