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
        for n in 0..<b {
            for colour in 0..<c {
                for y in 0..<h {
                    for x in 0..<w {
                        let target = Int(pixels[n, colour, y, x])
                        var m = -Float.infinity
                        for k in 0..<levels { m = max(m, logits[n, k * c + colour, y, x]) }
                        var s: Float = 0
                        for k in 0..<levels { s += expf(logits[n, k * c + colour, y, x] - m) }
                        out[n, colour, y, x] = logits[n, target * c + colour, y, x] - m - logf(s)
                    }
                }
            }
        }
        return out
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
    /// Binary: (σ(l) − x) / B.   256 levels: (softmax − one-hot) / B.
    public static func logitGradient(logits: Tensor, pixels: Tensor, levels: Int) -> Tensor {
        let b = pixels.shape[0]
        let scale = 1 / Float(b)
        var g = Tensor(zeros: logits.shape)
        if levels == 2 {
            for i in 0..<g.count { g.data[i] = (Activation.sigmoid(logits.data[i]) - pixels.data[i]) * scale }
            return g
        }
        let (c, h, w) = (pixels.shape[1], pixels.shape[2], pixels.shape[3])
        for n in 0..<b {
            for colour in 0..<c {
                for y in 0..<h {
                    for x in 0..<w {
                        var m = -Float.infinity
                        for k in 0..<levels { m = max(m, logits[n, k * c + colour, y, x]) }
                        var s: Float = 0
                        for k in 0..<levels { s += expf(logits[n, k * c + colour, y, x] - m) }
                        let target = Int(pixels[n, colour, y, x])
                        for k in 0..<levels {
                            let p = expf(logits[n, k * c + colour, y, x] - m) / s
                            g[n, k * c + colour, y, x] = (p - (k == target ? 1 : 0)) * scale
                        }
                    }
                }
            }
        }
        return g
    }

    /// Nats per image → bits per dimension: nats / (dims · ln 2). For 28×28×1, dims = 784.
    public static func bitsPerDimension(nats: Double, dimensions: Int) -> Double {
        nats / (Double(dimensions) * log(2.0))
    }

    /// softplus(z) = log(1 + e^z), stable for large |z|.
    @inline(__always)
    static func softplus(_ z: Float) -> Float {
        z > 0 ? z + log1pf(expf(-z)) : log1pf(expf(z))
    }
}
