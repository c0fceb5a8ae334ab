import CBLAS
import Foundation

/// The fast path of `Conv2d`: im2col + one matrix product (GEMM, OpenBLAS) for the whole
/// batch. It computes the same numbers as `forwardPlain` / `backwardPlain` (up to the order
/// of Float additions); tests hold the two paths equal.
///
/// The patch matrix X̂ (K × B·HW) has one row per used kernel tap k = (c, u, v) and one
/// column per pixel p = (i, j) of every image n:
///
///     X̂[k, (n, p)] = x[n, c, i+u−ph, j+v−pw]          (0 outside the image)
///
/// With Ŵ (out × K), the used columns of the masked weight W ⊙ M, the convolution
/// y = (W ⊙ M) ∗ x + b and its gradients are matrix products:
///
///     Y   = Ŵ X̂ (+ b)                      forward; Y (out × B·HW) is then laid out as NCHW
///     ∂Ŵ  = ∂Y X̂ᵀ,   ∂b = Σ_(n,p) ∂Y        weight and bias gradients (then masked)
///     ∂X̂  = Ŵᵀ ∂Y,   ∂x = col2im(∂X̂)       input gradient: every patch entry adds back
///                                            to the pixel it was copied from
///
/// Taps that the mask removes for every output channel (`usedTaps`) are never built: a 7×7
/// mask A on one colour uses 24 of its 49 taps, a 3×3 mask B 5 of 9. A 1×1 convolution needs
/// no im2col: X̂ is x with the batch and channel axes swapped (x itself for one image), and
/// the layer is the plain product Y = Ŵ X̂.
///
/// Why one product for the whole batch rather than one per image: the matrices here are
/// thin (K and out are 16–80), and OpenBLAS's threads cost a fixed hand-over per call; a
/// few long products amortise it, many short ones do not. Scratch matrices come from a
/// small pool and are reused between calls (a fresh multi-megabyte allocation costs a page
/// fault per 4 KB page).
extension Conv2d {
    /// True when X̂ is the input itself, laid out as it is: one image and a 1×1 kernel
    /// that uses every input channel.
    func patchesAreInput(batch: Int) -> Bool {
        batch == 1 && kernelHeight == 1 && kernelWidth == 1 && usedTaps.count == inChannels
    }

    /// Ŵ, (out × K) row-major: the used taps of W ⊙ M.
    func usedWeightMatrix() -> [Float] {
        let tapsPerOutput = inChannels * kernelHeight * kernelWidth
        let taps = usedTaps.count
        var w = [Float](repeating: 0, count: outChannels * taps)
        let value = weight.value.data
        let mask = weight.mask?.data
        for o in 0..<outChannels {
            for (r, tap) in usedTaps.enumerated() {
                let k = o * tapsPerOutput + tap
                w[o * taps + r] = mask.map { value[k] * $0[k] } ?? value[k]
            }
        }
        return w
    }

    /// y = (W ⊙ M) ∗ x + b through im2col + GEMM.   (B, in, H, W) → (B, out, H, W)
    public func forwardFast(_ x: Tensor) -> Tensor {
        let (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])
        let pixels = height * width
        let columns = batch * pixels                     // one GEMM column per pixel of the batch
        let taps = usedTaps.count
        let w = usedWeightMatrix()
        guard columns > 0 else { return Tensor(zeros: [batch, outChannels, height, width]) }

        let product = ScratchPool.shared.take(outChannels * columns)   // Y = Ŵ X̂, (out × B·HW)
        defer { ScratchPool.shared.give(product) }
        if taps > 0 {
            let patches = patchesAreInput(batch: batch) ? nil : ScratchPool.shared.take(taps * columns)
            defer { if let patches { ScratchPool.shared.give(patches) } }
            x.data.withUnsafeBufferPointer { xb in
                if let patches { buildPatches(x: xb.baseAddress!, batch: batch, height: height, width: width, into: patches) }
                let xHat = patches.map { UnsafePointer($0) } ?? xb.baseAddress!
                // Y (out × B·HW) = Ŵ (out × K) · X̂ (K × B·HW)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                            Int32(outChannels), Int32(columns), Int32(taps),
                            1, w, Int32(taps), xHat, Int32(columns),
                            0, product, Int32(columns))
            }
        } else {
            product.update(repeating: 0, count: outChannels * columns)
        }
        // y[n, o, p] = Y[o, (n, p)] + b[o]
        let y = [Float](unsafeUninitializedCapacity: batch * outChannels * pixels) { yb, initialized in
            for n in 0..<batch {
                for o in 0..<outChannels {
                    let source = product + o * columns + n * pixels
                    let target = yb.baseAddress! + (n * outChannels + o) * pixels
                    let b = bias.value.data[o]
                    for p in 0..<pixels { target[p] = source[p] + b }
                }
            }
            initialized = batch * outChannels * pixels
        }
        return Tensor(shape: [batch, outChannels, height, width], data: y)
    }

    /// Accumulates ∂L/∂W (masked) and ∂L/∂b, and returns ∂L/∂x, through im2col + GEMM.
    public func backwardFast(input x: Tensor, outputGradient dy: Tensor) -> Tensor {
        let (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])
        let pixels = height * width
        let columns = batch * pixels
        let taps = usedTaps.count
        let tapsPerOutput = inChannels * kernelHeight * kernelWidth
        var dx = Tensor(zeros: x.shape)
        guard columns > 0 else { return dx }
        let w = usedWeightMatrix()
        var dW = [Float](repeating: 0, count: outChannels * taps)     // ∂Ŵ, (out × K)

        // ∂Y (out × B·HW): ∂y with the batch and channel axes swapped; ∂b[o] = Σ ∂Y[o, ·].
        let outputGradient = ScratchPool.shared.take(outChannels * columns)
        defer { ScratchPool.shared.give(outputGradient) }
        dy.data.withUnsafeBufferPointer { dyb in
            for o in 0..<outChannels {
                var s: Float = 0
                for n in 0..<batch {
                    let source = dyb.baseAddress! + (n * outChannels + o) * pixels
                    let target = outputGradient + o * columns + n * pixels
                    for p in 0..<pixels { target[p] = source[p]; s += source[p] }
                }
                bias.grad.data[o] += s
            }
        }

        if taps > 0 {
            let patches = ScratchPool.shared.take(taps * columns)      // X̂, then ∂X̂ in the same memory
            defer { ScratchPool.shared.give(patches) }
            x.data.withUnsafeBufferPointer { xb in
                buildPatches(x: xb.baseAddress!, batch: batch, height: height, width: width, into: patches)
            }
            // ∂Ŵ (out × K) = ∂Y (out × B·HW) · X̂ᵀ (B·HW × K)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                        Int32(outChannels), Int32(taps), Int32(columns),
                        1, outputGradient, Int32(columns), patches, Int32(columns),
                        0, &dW, Int32(taps))
            // ∂X̂ (K × B·HW) = Ŵᵀ (K × out) · ∂Y (out × B·HW)   (X̂ is no longer needed)
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans,
                        Int32(taps), Int32(columns), Int32(outChannels),
                        1, w, Int32(taps), outputGradient, Int32(columns),
                        0, patches, Int32(columns))
            dx.data.withUnsafeMutableBufferPointer { dxb in
                addPatchGradient(patches, batch: batch, height: height, width: width, into: dxb.baseAddress!)
            }
        }

        // Scatter ∂Ŵ back to the full (out, in, kh, kw) gradient; masked entries get nothing.
        let mask = weight.mask?.data
        weight.grad.data.withUnsafeMutableBufferPointer { g in
            for o in 0..<outChannels {
                for (r, tap) in usedTaps.enumerated() {
                    let k = o * tapsPerOutput + tap
                    g[k] += mask.map { dW[o * taps + r] * $0[k] } ?? dW[o * taps + r]
                }
            }
        }
        return dx
    }

    /// The tap `(c, u, v)` of a flat index `(c·kh + u)·kw + v`, as channel and offsets from the centre.
    @inline(__always)
    private func tapOffsets(_ tap: Int) -> (channel: Int, dy: Int, dx: Int) {
        let area = kernelHeight * kernelWidth
        return (tap / area, (tap % area) / kernelWidth - kernelHeight / 2, tap % kernelWidth - kernelWidth / 2)
    }

    /// im2col: X̂[r, (n, i·W + j)] = x[n, c, i+dy, j+dx] (0 outside), for each used tap r = (c, dy, dx).
    private func buildPatches(x: UnsafePointer<Float>, batch: Int, height: Int, width: Int,
                              into patches: UnsafeMutablePointer<Float>) {
        let pixels = height * width, columns = batch * pixels
        for (r, tap) in usedTaps.enumerated() {
            let (c, dy, dx) = tapOffsets(tap)
            // Columns j whose source column j + dx lies inside the image.
            let jFrom = max(0, -dx), jTo = min(width, width - dx)
            for n in 0..<batch {
                let channel = x + (n * inChannels + c) * pixels
                for i in 0..<height {
                    let row = patches + r * columns + n * pixels + i * width
                    let source = i + dy
                    guard source >= 0, source < height, jFrom < jTo else {
                        row.update(repeating: 0, count: width)
                        continue
                    }
                    if jFrom > 0 { row.update(repeating: 0, count: jFrom) }
                    (row + jFrom).update(from: channel + source * width + jFrom + dx, count: jTo - jFrom)
                    if jTo < width { (row + jTo).update(repeating: 0, count: width - jTo) }
                }
            }
        }
    }

    /// col2im: ∂x[n, c, i+dy, j+dx] += ∂X̂[r, (n, i·W + j)] for each used tap r = (c, dy, dx).
    private func addPatchGradient(_ patchGradient: UnsafePointer<Float>, batch: Int, height: Int, width: Int,
                                  into dx: UnsafeMutablePointer<Float>) {
        let pixels = height * width, columns = batch * pixels
        for (r, tap) in usedTaps.enumerated() {
            let (c, dy, dxOffset) = tapOffsets(tap)
            let jFrom = max(0, -dxOffset), jTo = min(width, width - dxOffset)
            guard jFrom < jTo else { continue }
            for n in 0..<batch {
                let channel = dx + (n * inChannels + c) * pixels
                for i in 0..<height {
                    let target = i + dy
                    guard target >= 0, target < height else { continue }
                    let source = patchGradient + r * columns + n * pixels + i * width + jFrom
                    let destination = channel + target * width + jFrom + dxOffset
                    for j in 0..<(jTo - jFrom) { destination[j] += source[j] }
                }
            }
        }
    }
}

/// Reusable scratch memory for the fast paths. A few buffers are kept between calls, so
/// layers that run again and again (every training step, every sampled pixel) do not pay
/// for fresh pages each time. Thread-safe: concurrent callers get different buffers.
final class ScratchPool: @unchecked Sendable {
    static let shared = ScratchPool()
    /// How many idle buffers to keep at most.
    private let keep = 6
    private let lock = NSLock()
    private var idle: [UnsafeMutableBufferPointer<Float>] = []

    /// A buffer of at least `count` Floats, contents undefined. Return it with `give`.
    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        lock.lock()
        defer { lock.unlock() }
        // The smallest idle buffer that is big enough.
        if let k = idle.indices.filter({ idle[$0].count >= count }).min(by: { idle[$0].count < idle[$1].count }) {
            return idle.remove(at: k).baseAddress!
        }
        let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(count, 1))
        sizes[b.baseAddress!] = b.count
        return b.baseAddress!
    }

    /// Gives back a buffer from `take`.
    func give(_ pointer: UnsafeMutablePointer<Float>) {
        lock.lock()
        defer { lock.unlock() }
        idle.append(UnsafeMutableBufferPointer(start: pointer, count: sizes[pointer]!))
        if idle.count > keep {   // drop the smallest
            let k = idle.indices.min(by: { idle[$0].count < idle[$1].count })!
            sizes[idle[k].baseAddress!] = nil
            idle.remove(at: k).deallocate()
        }
    }

    /// The capacity of every buffer handed out or idle.
    private var sizes: [UnsafeMutablePointer<Float>: Int] = [:]
}
