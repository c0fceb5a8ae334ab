/// A `Conv2d` evaluated at one output position for a whole batch — the core of
/// incremental sampling.
///
/// It reads a *position-major* map: the value of (position p = row·W + column,
/// channel c, image n) is at `(p·C + c)·B + n`, so the innermost loop runs over the
/// batch. It forms the same sum as `Conv2d.forwardPlain`, term by term in the same
/// order — b[o], then + w[o,c,u,v]·x for c, u, v ascending — skipping only the taps
/// the mask removes (their terms are exact zeros) and those outside the image. Its
/// outputs therefore equal the plain path's exactly.
///
/// The weights are copied when it is made: make a new one after the weights change.
struct PositionConv {
    /// One used kernel entry: input channel, offset from the output position, weight.
    private struct Tap {
        let channel: Int
        let dy: Int
        let dx: Int
        let weight: Float
    }

    let outChannels: Int
    let inChannels: Int
    let kernelHeight: Int
    let kernelWidth: Int
    private let bias: [Float]
    /// Taps of output channel o: `taps[tapStart[o] ..< tapStart[o + 1]]`, in (c, u, v) order.
    private let tapStart: [Int]
    private let taps: [Tap]

    init(_ conv: Conv2d) {
        let (kh, kw) = (conv.kernelHeight, conv.kernelWidth)
        let w = conv.weight.effective.data
        let mask = conv.weight.mask?.data
        var taps: [Tap] = []
        var start = [0]
        for o in 0..<conv.outChannels {
            for c in 0..<conv.inChannels {
                for u in 0..<kh {
                    for v in 0..<kw {
                        let k = ((o * conv.inChannels + c) * kh + u) * kw + v
                        if let mask, mask[k] == 0 { continue }
                        taps.append(Tap(channel: c, dy: u - kh / 2, dx: v - kw / 2, weight: w[k]))
                    }
                }
            }
            start.append(taps.count)
        }
        outChannels = conv.outChannels
        inChannels = conv.inChannels
        (kernelHeight, kernelWidth) = (kh, kw)
        bias = conv.bias.value.data
        tapStart = start
        self.taps = taps
    }

    /// out[o·B + n] = b[o] + Σ_{c,u,v} w[o,c,u,v] · map(row+u−ph, column+v−pw, c, n),
    /// for a height×width position-major map with `inChannels` channels and `batch` images.
    func apply(map: UnsafePointer<Float>, height: Int, width: Int, row: Int, column: Int,
               batch: Int, out: UnsafeMutablePointer<Float>) {
        taps.withUnsafeBufferPointer { taps in
            for o in 0..<outChannels {
                let dst = out + o * batch
                dst.update(repeating: bias[o], count: batch)
                for t in tapStart[o]..<tapStart[o + 1] {
                    let tap = taps[t]
                    let (y, x) = (row + tap.dy, column + tap.dx)
                    if y < 0 || y >= height || x < 0 || x >= width { continue }
                    let src = map + ((y * width + x) * inChannels + tap.channel) * batch
                    let w = tap.weight
                    for n in 0..<batch { dst[n] += w * src[n] }
                }
            }
        }
    }

    /// A 1×1 convolution applied to one position's values `input` ([inChannels][batch]).
    func apply(input: UnsafePointer<Float>, batch: Int, out: UnsafeMutablePointer<Float>) {
        apply(map: input, height: 1, width: 1, row: 0, column: 0, batch: batch, out: out)
    }
}

/// ReLU of `count` values, as `Activation.relu`: negatives become 0 (NaN and −0 stay).
@inline(__always)
func reluCopy(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { let v = src[i]; dst[i] = v < 0 ? 0 : v }
}
