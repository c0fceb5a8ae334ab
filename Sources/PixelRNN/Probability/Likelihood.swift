import Foundation

/// The chain rule made concrete (paper eq. 1–2): log p(x) = Σ_i log p(x_i | x_<i),
/// each conditional read off the network's output at pixel i.
///
/// Logit layouts (NCHW):
/// - 2 levels (binary): (B, C, H, W), one logit per colour; p(x=1) = σ(logit).
/// - 256 levels: (B, 256·C, H, W); channel `level·C + colour` (colours interleaved,
///   see `colourGroup`), a 256-way softmax per colour.
public enum Likelihood {
    /// log p(x_{i,c} | x_<i, earlier colours) for every pixel and colour: (B, C, H, W), in nats.
    /// `pixels` holds levels as Floats (0/1, or 0…255), shape (B, C, H, W).
    public static func conditionalLogProbabilities(logits: Tensor, pixels: Tensor, levels: Int) -> Tensor {
        let (b, c, h, w) = (pixels.shape[0], pixels.shape[1], pixels.shape[2], pixels.shape[3])
        var out = Tensor(zeros: pixels.shape)
        if levels == 2 {
            precondition(logits.shape == pixels.shape, "binary logits \(logits.shape) ≠ pixels \(pixels.shape)")
            for i in 0..<out.count {
                // log σ(l) if x = 1, log(1 − σ(l)) = log σ(−l) if x = 0.
                let l = logits.data[i]
                out.data[i] = -softplus(pixels.data[i] > 0.5 ? -l : l)
            }
            return out
        }
        precondition(logits.shape == [b, levels * c, h, w], "256-level logits must be (B, \(levels * c), H, W), got \(logits.shape)")
        // One (image, colour) plane at a time, every pixel of the plane together:
        // log p(x = t) = l_t − log Σ_k e^{l_k} = l_t − m − log Σ_k e^{l_k − m},  m = max_k l_k.
        let pixelsPerPlane = h * w
        logits.data.withUnsafeBufferPointer { l in
            out.data.withUnsafeMutableBufferPointer { lp in
                forEachPlane(l, pixels: pixels, levels: levels) { offset, target, m, s in
                    for p in 0..<pixelsPerPlane {
                        let t = level(pixels, target + p, levels: levels)
                        lp[target + p] = l[offset(t) + p] - m[p] - logf(s[p])
                    }
                }
            }
        }
        return out
    }

    /// For each (image, colour) plane of 256-way logits `l` (B, levels·C, H, W): where level
    /// k's plane starts (`offset(k)`), where the plane's pixels start in (B, C, H, W)
    /// (`target`), and the largest logit m and Σ_k e^{l_k − m} at every pixel (`softmaxStatistics`;
    /// `body` may overwrite s).
    private static func forEachPlane(_ l: UnsafeBufferPointer<Float>, pixels: Tensor, levels: Int,
                                     _ body: (_ offset: (Int) -> Int, _ target: Int, _ m: [Float], _ s: inout [Float]) -> Void) {
        let (b, c, h, w) = (pixels.shape[0], pixels.shape[1], pixels.shape[2], pixels.shape[3])
        let pixelsPerPlane = h * w
        var m = [Float](repeating: 0, count: pixelsPerPlane)
        var s = [Float](repeating: 0, count: pixelsPerPlane)
        for n in 0..<b {
            for colour in 0..<c {
                let offset = { (k: Int) in ((n * levels + k) * c + colour) * pixelsPerPlane }
                softmaxStatistics(levels: levels, plane: { l.baseAddress! + offset($0) }, count: pixelsPerPlane, max: &m, sum: &s)
                body(offset, (n * c + colour) * pixelsPerPlane, m, &s)
            }
        }
    }

    /// The level of pixel entry `i`, which must be one of 0 … levels − 1.
    private static func level(_ pixels: Tensor, _ i: Int, levels: Int) -> Int {
        let t = Int(pixels.data[i])
        precondition(t >= 0 && t < levels, "pixel level \(pixels.data[i]) is outside 0…\(levels - 1)")
        return t
    }

    /// For one colour plane of 256-way logits (level k's plane at `plane(k)`): the largest
    /// logit m and Σ_k e^{l_k − m} at every pixel. Loops run over the pixels, so they vectorise.
    private static func softmaxStatistics(levels: Int, plane: (Int) -> UnsafePointer<Float>, count: Int,
                                          max m: inout [Float], sum s: inout [Float]) {
        for p in 0..<count { m[p] = -.infinity; s[p] = 0 }
        for k in 0..<levels {
            let l = plane(k)
            for p in 0..<count { m[p] = Swift.max(m[p], l[p]) }
        }
        for k in 0..<levels {
            let l = plane(k)
            for p in 0..<count { s[p] += expf(l[p] - m[p]) }
        }
    }

    /// NLL of each image in nats: −Σ_{i,c} log p(x_{i,c} | …).  Returns B values.
    public static func negativeLogLikelihood(logits: Tensor, pixels: Tensor, levels: Int) -> [Double] {
        let lp = conditionalLogProbabilities(logits: logits, pixels: pixels, levels: levels)
        let per = lp.count / lp.shape[0]
        return (0..<lp.shape[0]).map { n in
            var s = 0.0
            for i in (n * per)..<((n + 1) * per) { s -= Double(lp.data[i]) }
            return s
        }
    }

    /// ∂(mean over the batch of the per-image NLL)/∂logits, same shape as `logits`.
    /// Binary: (σ(l) − x) / B.   256 levels: (softmax − one-hot) / B. `meanOver` replaces
    /// B when `pixels` are part of a larger batch whose mean is the loss.
    public static func logitGradient(logits: Tensor, pixels: Tensor, levels: Int, meanOver count: Int? = nil) -> Tensor {
        let b = pixels.shape[0]
        let scale = 1 / Float(count ?? b)
        var g = Tensor(zeros: logits.shape)
        if levels == 2 {
            precondition(logits.shape == pixels.shape, "binary logits \(logits.shape) ≠ pixels \(pixels.shape)")
            logits.data.withUnsafeBufferPointer { l in
                pixels.data.withUnsafeBufferPointer { x in
                    g.data.withUnsafeMutableBufferPointer { g in
                        for i in 0..<g.count { g[i] = (Activation.sigmoid(l[i]) - x[i]) * scale }
                    }
                }
            }
            return g
        }
        let pixelsPerPlane = pixels.shape[2] * pixels.shape[3]
        logits.data.withUnsafeBufferPointer { l in
            g.data.withUnsafeMutableBufferPointer { g in
                forEachPlane(l, pixels: pixels, levels: levels) { offset, target, m, s in
                    // ∂/∂l_k = (softmax_k − [k = target]) / B
                    for p in 0..<pixelsPerPlane { s[p] = scale / s[p] }
                    for k in 0..<levels {
                        let lk = l.baseAddress! + offset(k), gk = g.baseAddress! + offset(k)
                        for p in 0..<pixelsPerPlane { gk[p] = expf(lk[p] - m[p]) * s[p] }
                    }
                    for p in 0..<pixelsPerPlane { g[offset(level(pixels, target + p, levels: levels)) + p] -= scale }
                }
            }
        }
        return g
    }

    /// Nats per image → bits per dimension: nats / (dims · ln 2). For 28×28×1, dims = 784.
    public static func bitsPerDimension(nats: Double, dimensions: Int) -> Double {
        nats / (Double(dimensions) * log(2.0))
    }

    /// Nats per image → bits per dimension for images of `shape`, (N, C, H, W) or (C, H, W):
    /// C·H·W dimensions per image.
    public static func bitsPerDimension(nats: Double, imageShape shape: [Int]) -> Double {
        bitsPerDimension(nats: nats, dimensions: shape.suffix(3).reduce(1, *))
    }

    /// softplus(z) = log(1 + e^z), stable for large |z|.
    @inline(__always)
    static func softplus(_ z: Float) -> Float {
        z > 0 ? z + log1pf(expf(-z)) : log1pf(expf(z))
    }
}
