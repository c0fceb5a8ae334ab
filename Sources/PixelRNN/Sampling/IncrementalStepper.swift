/// The fast stepper of a `PixelNetwork` (its `makeIncrementalStepper`): every map of the
/// network computed once per position.
///
/// Why it is exact: with mask A first and mask B after, every map at position p
/// depends only on pixels before p (and, with colours, on the earlier colours of p).
/// So when pixel p is asked for, the maps at p are computed from the already final
/// maps at earlier positions, and never recomputed — instead of a full forward pass
/// (H·W positions) per pixel, one position per pixel. Each position is computed with
/// the same sums in the same order as `Conv2d.forwardPlain`, so the logits equal the
/// reference stepper's exactly when `ComputePath.current` is `.plain` (and to Float rounding
/// otherwise).
///
/// With 3 colours position p is computed once per colour (the maps of colour groups
/// up to k are final when colour k is asked for); the last one is kept.
/// Needs every block to be an `IncrementalBlock`. Reads the weights when made.
public final class IncrementalStepper: ConditionalStepper {
    private let config: ModelConfig
    private let (batch, height, width): (Int, Int, Int)
    private let input: PositionConv
    private let head: [PositionConv]
    private let blocks: [IncrementalBlockState]
    /// The encoded pixels (level / (levels − 1)), position-major (H·W, C, B).
    private var encoded: [Float]
    /// One position's residual stream, a block's residual, head scratch: [channel][image].
    private var stream: [Float]
    private var residual: [Float]
    private var headIn: [Float]
    private var headHidden: [Float]
    private var logitsAt: [Float]
    /// Positions before this one are final in every map.
    private var finalUpTo = 0

    /// A stepper for `batch` images of height×width; throws if a block has no incremental form.
    public init(network: PixelNetwork, batch: Int, height: Int, width: Int) throws {
        if let bug = network.config.bug {
            throw SamplingError.noFastPath("a model with --bug \(bug.rawValue) samples what its forward pass computes, one full pass per pixel")
        }
        guard let states = IncrementalStepper.blockStates(network, batch: batch, height: height, width: width) else {
            throw SamplingError.noFastPath("\(network.config.kind.paperName) blocks have no incremental form yet")
        }
        config = network.config
        (self.batch, self.height, self.width) = (batch, height, width)
        input = PositionConv(network.input)
        head = network.head.map(PositionConv.init)
        blocks = states
        let streamWidth = network.input.outChannels * batch
        encoded = [Float](repeating: 0, count: height * width * config.colors * batch)
        (stream, residual, headIn) = ([Float](repeating: 0, count: streamWidth), [Float](repeating: 0, count: streamWidth),
                                      [Float](repeating: 0, count: streamWidth))
        headHidden = [Float](repeating: 0, count: head[0].outChannels * batch)
        logitsAt = [Float](repeating: 0, count: head[1].outChannels * batch)
    }

    /// Each block's incremental state, or nil if some block has none.
    private static func blockStates(_ network: PixelNetwork, batch: Int, height: Int, width: Int) -> [IncrementalBlockState]? {
        var out: [IncrementalBlockState] = []
        for block in network.blocks {
            guard let b = block as? IncrementalBlock, b.hasIncrementalForm else { return nil }
            out.append(b.makeIncrementalState(batch: batch, height: height, width: width))
        }
        return out
    }

    /// Gives block l the conditioning bias `biases[l]` (B, ch_l, H, W), added where its
    /// `ConditionedBlock.forward(_:conditioning:)` adds it (the multi-scale model's stage 2).
    /// Before the first position.
    func condition(on biases: [Tensor]) {
        precondition(finalUpTo == 0 && biases.count == blocks.count, "IncrementalStepper.condition: before the first position, one map per block")
        for (block, bias) in zip(blocks, biases) { (block as! ConditionedIncrementalState).condition(on: bias) }
    }

    public func logits(at index: PixelIndex, pixels: Tensor) -> Tensor {
        precondition(pixels.shape == [batch, config.colors, height, width], "IncrementalStepper: pixels \(pixels.shape)")
        let p = index.row * width + index.column
        precondition(p >= finalUpTo, "IncrementalStepper: positions must be asked for in raster order")
        while finalUpTo < p {                                    // positions skipped (given pixels)
            computeMaps(at: finalUpTo, pixels: pixels)
            finalUpTo += 1
        }
        computeMaps(at: p, pixels: pixels)
        computeHead()
        if index.colour == config.colors - 1 { finalUpTo = p + 1 }
        return logitsTensor(colour: index.colour)
    }

    /// The input layer and every block at position p: the stream x_L there.
    private func computeMaps(at p: Int, pixels: Tensor) {
        let (row, column) = (p / width, p % width)
        refreshEncoded(around: row, column, pixels: pixels)
        encoded.withUnsafeBufferPointer { x in
            stream.withUnsafeMutableBufferPointer { s in
                input.apply(map: x.baseAddress!, height: height, width: width, row: row, column: column,
                            batch: batch, out: s.baseAddress!)                     // x_0 = input(x)
            }
        }
        for (l, block) in blocks.enumerated() {
            stream.withUnsafeBufferPointer { s in
                residual.withUnsafeMutableBufferPointer { r in
                    block.step(row: row, column: column, input: s.baseAddress!, output: r.baseAddress!)
                }
            }
            if config.residual {
                for i in 0..<stream.count { stream[i] += residual[i] }             // x_{l+1} = x_l + F(x_l)
            } else {
                swap(&stream, &residual)                                         // x_{l+1} = F(x_l)
            }
            if config.skip {                                                     // x_1 + … + x_L for the head
                if l == 0 { skipSum = stream } else { for i in 0..<stream.count { skipSum[i] += stream[i] } }
            }
        }
    }

    /// With skip connections (and a block), x_1 + … + x_L at the current position.
    private var skipSum: [Float] = []

    /// The head at the current position: logits = head.1(ReLU(head.0(ReLU(x_L)))).
    private func computeHead() {
        (config.skip && !blocks.isEmpty ? skipSum : stream).withUnsafeBufferPointer { s in
            headIn.withUnsafeMutableBufferPointer { r1 in
                headHidden.withUnsafeMutableBufferPointer { z1 in
                    logitsAt.withUnsafeMutableBufferPointer { out in
                        reluCopy(s.baseAddress!, r1.baseAddress!, count: s.count)
                        head[0].apply(input: r1.baseAddress!, batch: batch, out: z1.baseAddress!)
                        reluCopy(z1.baseAddress!, z1.baseAddress!, count: z1.count)
                        head[1].apply(input: z1.baseAddress!, batch: batch, out: out.baseAddress!)
                    }
                }
            }
        }
    }

    /// Copies the pixels the input layer reads at (row, column) — the rows above it
    /// and its own row within the kernel — into the encoded map, scaled as `encode`.
    private func refreshEncoded(around row: Int, _ column: Int, pixels: Tensor) {
        let colors = config.colors
        let scale = 1 / Float(config.levels - 1)
        let (ph, pw) = (input.kernelHeight / 2, input.kernelWidth / 2)
        for y in max(0, row - ph)...row {
            for x in max(0, column - pw)...min(width - 1, column + pw) {
                for c in 0..<colors {
                    let dst = ((y * width + x) * colors + c) * batch
                    for n in 0..<batch { encoded[dst + n] = pixels[n, c, y, x] * scale }
                }
            }
        }
    }

    /// The logits of one colour as (B, K).
    private func logitsTensor(colour: Int) -> Tensor {
        let k = config.levels == 2 ? 1 : config.levels
        var out = Tensor(zeros: [batch, k])
        for n in 0..<batch {
            for level in 0..<k {
                let channel = config.levels == 2 ? colour : level * config.colors + colour
                out.data[n * k + level] = logitsAt[channel * batch + n]
            }
        }
        return out
    }
}
