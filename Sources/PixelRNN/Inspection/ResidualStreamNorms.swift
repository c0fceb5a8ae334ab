/// What each block adds to the residual stream (paper §3.5, issue 15): the root-mean-square
/// size of the stream x_l after the input layer and after each block, and of each block's
/// residual F_l(x_l), over one batch of images. With residual connections x_{l+1} = x_l + F_l(x_l):
/// a block whose F is small beside x_l changes the stream little.
public struct ResidualStreamNorms: Equatable, Sendable {
    /// RMS of x_0 … x_L (L + 1 values).
    public let stream: [Double]
    /// RMS of F_0(x_0) … F_{L−1}(x_{L−1}) (L values).
    public let added: [Double]

    /// Measures both on `pixels` (levels) through the blocks of `stack`, the stream computed as
    /// the network's forward pass computes it, asking `shouldStop` before each block (`Stopped`).
    public static func measure(stack: any ResidualStack, pixels: Tensor, shouldStop: () -> Bool = { false }) throws -> ResidualStreamNorms {
        var x = stack.stream(enteringBlock: 0, pixels: pixels)                   // x_0, after the input layer
        var (stream, added) = ([rms(x)], [Double]())
        for (l, block) in stack.blocks.enumerated() {
            if shouldStop() { throw Stopped(done: l, of: stack.blocks.count, "blocks") }
            let f = block.forward(x).residual
            x = stack.config.residual ? x + f : f                                  // x_{l+1} = x_l + F(x_l), or F(x_l) alone
            stream.append(rms(x))
            added.append(rms(f))
        }
        return ResidualStreamNorms(stream: stream, added: added)
    }

    /// √(mean of the squares) of every value.
    static func rms(_ t: Tensor) -> Double {
        guard t.count > 0 else { return 0 }
        return (t.data.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(t.count)).squareRoot()
    }
}
