import CBLAS

/// A 1-D convolution along one image row, stride 1, zero padding k/2 on both sides, with
/// a bias and no mask: the Row LSTM's state-to-state convolution `s_s` (paper §3.1,
/// `K^ss ⊛ h_{i−1}`), which reads the previous row's hidden states.
///
///     y[n, o, j] = b[o] + Σ_c Σ_v W[o, c, v] · x[n, c, j + v − k/2]
///
/// Shapes: input (B, in, W) → output (B, out, W); weight (out, in, k) exactly as PyTorch's
/// `Conv1d`, bias (out). Unmasked on purpose: everything in the previous row is in the
/// past, for every colour.
///
/// Two paths compute the same numbers: `forwardPlain`/`backwardPlain`, loops that read
/// like the formula, and the fast path (im2col + one GEMM) used when
/// `ComputePath.current` is `.fast`. Tests hold them equal.
public final class RowStateToState {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelWidth: Int
    /// (out, in, k)
    public let weight: Parameter
    /// (out)
    public let bias: Parameter

    /// A convolution initialised like PyTorch's default (uniform in ±1/√(in·k)), from a seed.
    public init(inChannels: Int, outChannels: Int, kernelWidth: Int = 3, seed: UInt64) {
        precondition(kernelWidth % 2 == 1, "RowStateToState: the kernel width must be odd")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelWidth = kernelWidth
        var rng = SeededGenerator(seed: seed)
        let bound = 1 / Float(inChannels * kernelWidth).squareRoot()
        weight = Parameter(Tensor(uniformWithin: bound, shape: [outChannels, inChannels, kernelWidth], using: &rng))
        bias = Parameter(Tensor(uniformWithin: bound, shape: [outChannels], using: &rng))
    }

    /// Parameters with their names relative to this layer.
    public var namedParameters: [(String, Parameter)] { [("weight", weight), ("bias", bias)] }

    /// y = W ⊛ x + b.   (B, in, W) → (B, out, W)
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 3 && x.shape[1] == inChannels,
                     "RowStateToState: expected (B, \(inChannels), W), got \(x.shape)")
        return ComputePath.isFast ? forwardFast(x) : forwardPlain(x)
    }

    /// Accumulates ∂L/∂W and ∂L/∂b, and returns ∂L/∂x.
    /// `x` is the input of the forward pass, `dy` is ∂L/∂y, (B, out, W).
    public func backward(input x: Tensor, outputGradient dy: Tensor) -> Tensor {
        precondition(x.rank == 3 && x.shape[1] == inChannels && dy.shape == [x.shape[0], outChannels, x.shape[2]],
                     "RowStateToState.backward: gradient shape \(dy.shape) does not fit input \(x.shape)")
        return ComputePath.isFast ? backwardFast(input: x, outputGradient: dy)
                                     : backwardPlain(input: x, outputGradient: dy)
    }

    // MARK: - Plain path

    /// y[n,o,j] = b[o] + Σ_c Σ_v W[o,c,v] · x[n,c,j+v−p], p = k/2, zero outside the row.
    public func forwardPlain(_ x: Tensor) -> Tensor {
        let (batch, width, k, p) = (x.shape[0], x.shape[2], kernelWidth, kernelWidth / 2)
        let w = weight.value.data, b = bias.value.data
        var y = Tensor(zeros: [batch, outChannels, width])
        for n in 0..<batch {
            for o in 0..<outChannels {
                for j in 0..<width {
                    var s = b[o]
                    for c in 0..<inChannels {
                        for v in 0..<k {
                            let xj = j + v - p
                            if xj < 0 || xj >= width { continue }
                            s += w[(o * inChannels + c) * k + v] * x.data[(n * inChannels + c) * width + xj]
                        }
                    }
                    y.data[(n * outChannels + o) * width + j] = s
                }
            }
        }
        return y
    }

    /// ∂L/∂x[n,c,j+v−p] += W[o,c,v]·dy[n,o,j];  ∂L/∂W[o,c,v] += x[n,c,j+v−p]·dy[n,o,j];
    /// ∂L/∂b[o] += dy[n,o,j].
    public func backwardPlain(input x: Tensor, outputGradient dy: Tensor) -> Tensor {
        let (batch, width, k, p) = (x.shape[0], x.shape[2], kernelWidth, kernelWidth / 2)
        let w = weight.value.data
        var dx = Tensor(zeros: x.shape)
        var dw = Tensor(zeros: weight.value.shape)
        for n in 0..<batch {
            for o in 0..<outChannels {
                for j in 0..<width {
                    let g = dy.data[(n * outChannels + o) * width + j]
                    if g == 0 { continue }
                    bias.grad.data[o] += g
                    for c in 0..<inChannels {
                        for v in 0..<k {
                            let xj = j + v - p
                            if xj < 0 || xj >= width { continue }
                            let xi = (n * inChannels + c) * width + xj
                            dx.data[xi] += w[(o * inChannels + c) * k + v] * g
                            dw.data[(o * inChannels + c) * k + v] += x.data[xi] * g
                        }
                    }
                }
            }
        }
        weight.grad += dw
        return dx
    }

    // MARK: - Fast path: im2col + GEMM

    /// im2col for rows: fills `cols` (channels·k, B·W) with
    /// cols[c·k + v, b·W + j] = source[c·channelStride + b·batchStride + j + v − k/2]
    /// (zero where j + v − k/2 falls outside the row). The strides say where each
    /// channel's row of each image starts: (in·W, W) for a (B, in, W) tensor.
    static func im2col(_ source: UnsafePointer<Float>, channels: Int, batch: Int, width: Int,
                       channelStride: Int, batchStride: Int, kernelWidth k: Int,
                       into cols: UnsafeMutablePointer<Float>) {
        forEachTapRow(channels: channels, batch: batch, width: width, channelStride: channelStride,
                      batchStride: batchStride, kernelWidth: k) { column, row, inside in
            let dst = cols + column, src = source + row
            for j in 0..<inside.lowerBound { dst[j] = 0 }
            for j in inside { dst[j] = src[j] }
            for j in inside.upperBound..<width { dst[j] = 0 }
        }
    }

    /// col2im for rows, the adjoint of `im2col`: target[c·channelStride + b·batchStride + j + v − k/2]
    /// += cols[c·k + v, b·W + j] for every position inside the row.
    static func col2im(_ cols: UnsafePointer<Float>, channels: Int, batch: Int, width: Int,
                       channelStride: Int, batchStride: Int, kernelWidth k: Int,
                       into target: UnsafeMutablePointer<Float>) {
        forEachTapRow(channels: channels, batch: batch, width: width, channelStride: channelStride,
                      batchStride: batchStride, kernelWidth: k) { column, row, inside in
            let src = cols + column, dst = target + row
            for j in inside { dst[j] += src[j] }
        }
    }

    /// The rows that `im2col` fills and `col2im` folds back, for each channel c, tap v and
    /// image b in that order: `column`, where row c·k + v of the columns starts for image b
    /// (offset (c·k + v)·B·W + b·W); `row`, where the image row starts shifted by the tap
    /// (offset c·channelStride + b·batchStride + v − k/2); `inside`, the columns j with
    /// 0 ≤ j + v − k/2 < W (empty if the row is shorter than the offset).
    @inline(__always)
    private static func forEachTapRow(channels: Int, batch: Int, width: Int, channelStride: Int, batchStride: Int,
                                      kernelWidth k: Int, _ body: (_ column: Int, _ row: Int, _ inside: Range<Int>) -> Void) {
        let p = k / 2, n = batch * width
        for c in 0..<channels {
            for v in 0..<k {
                let lo = min(max(0, p - v), width), hi = max(min(width, width + p - v), lo)
                for b in 0..<batch {
                    body((c * k + v) * n + b * width, c * channelStride + b * batchStride + v - p, lo..<hi)
                }
            }
        }
    }

    /// The columns of a (B, in, W) tensor: (in·k, B·W), see `im2col`.
    func columns(_ x: Tensor) -> [Float] {
        let (batch, width) = (x.shape[0], x.shape[2])
        return [Float](unsafeUninitializedCapacity: inChannels * kernelWidth * batch * width) { cols, initialized in
            x.data.withUnsafeBufferPointer { xs in
                RowStateToState.im2col(xs.baseAddress!, channels: inChannels, batch: batch, width: width,
                                 channelStride: width, batchStride: inChannels * width, kernelWidth: kernelWidth,
                                 into: cols.baseAddress!)
            }
            initialized = cols.count
        }
    }

    /// Y (out, B·W) = W (out, in·k) · cols (in·k, B·W), then y[n,o,j] = Y[o, n·W+j] + b[o].
    public func forwardFast(_ x: Tensor) -> Tensor {
        let (batch, width) = (x.shape[0], x.shape[2])
        let n = batch * width, kk = inChannels * kernelWidth
        let cols = columns(x)
        var ymat = [Float](repeating: 0, count: outChannels * n)
        weight.value.data.withUnsafeBufferPointer { w in
            cols.withUnsafeBufferPointer { c in
                ymat.withUnsafeMutableBufferPointer { y in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(outChannels), Int32(n), Int32(kk),
                                1, w.baseAddress, Int32(kk), c.baseAddress, Int32(n), 0, y.baseAddress, Int32(n))
                }
            }
        }
        var y = Tensor(zeros: [batch, outChannels, width])
        bias.value.data.withUnsafeBufferPointer { b in
            ymat.withUnsafeBufferPointer { ym in
                y.data.withUnsafeMutableBufferPointer { ys in
                    for nb in 0..<batch {
                        for o in 0..<outChannels {
                            let src = o * n + nb * width, dst = (nb * outChannels + o) * width
                            for j in 0..<width { ys[dst + j] = ym[src + j] + b[o] }
                        }
                    }
                }
            }
        }
        return y
    }

    /// With dY (out, B·W) the gradient laid out like Y:
    /// ∂L/∂W += dY · colsᵀ;  ∂L/∂b[o] += Σ dY[o, ·];  dcols = Wᵀ · dY, folded back onto x (col2im).
    public func backwardFast(input x: Tensor, outputGradient dy: Tensor) -> Tensor {
        let (batch, width, k) = (x.shape[0], x.shape[2], kernelWidth)
        let n = batch * width, kk = inChannels * k
        // dY (out, B·W) from dy (B, out, W); the bias gradient on the way.
        var dymat = [Float](repeating: 0, count: outChannels * n)
        dy.data.withUnsafeBufferPointer { ds in
            dymat.withUnsafeMutableBufferPointer { dm in
                bias.grad.data.withUnsafeMutableBufferPointer { db in
                    for nb in 0..<batch {
                        for o in 0..<outChannels {
                            let src = (nb * outChannels + o) * width, dst = o * n + nb * width
                            var s: Float = 0
                            for j in 0..<width { let g = ds[src + j]; dm[dst + j] = g; s += g }
                            db[o] += s
                        }
                    }
                }
            }
        }
        let cols = columns(x)
        var dcols = [Float](repeating: 0, count: kk * n)
        dymat.withUnsafeBufferPointer { dm in
            cols.withUnsafeBufferPointer { c in
                weight.grad.data.withUnsafeMutableBufferPointer { dw in   // dW += dY · colsᵀ  (out, in·k)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(outChannels), Int32(kk), Int32(n),
                                1, dm.baseAddress, Int32(n), c.baseAddress, Int32(n), 1, dw.baseAddress, Int32(kk))
                }
            }
            weight.value.data.withUnsafeBufferPointer { w in
                dcols.withUnsafeMutableBufferPointer { dc in               // dcols = Wᵀ · dY  (in·k, B·W)
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(kk), Int32(n), Int32(outChannels),
                                1, w.baseAddress, Int32(kk), dm.baseAddress, Int32(n), 0, dc.baseAddress, Int32(n))
                }
            }
        }
        // col2im: dx[n, c, j+v−p] += dcols[c·k+v, n·W+j].
        var dx = Tensor(zeros: x.shape)
        dcols.withUnsafeBufferPointer { dc in
            dx.data.withUnsafeMutableBufferPointer { dxs in
                RowStateToState.col2im(dc.baseAddress!, channels: inChannels, batch: batch, width: width,
                                 channelStride: width, batchStride: inChannels * width, kernelWidth: k,
                                 into: dxs.baseAddress!)
            }
        }
        return dx
    }
}
