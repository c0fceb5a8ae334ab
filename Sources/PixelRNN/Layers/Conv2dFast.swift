import CBLAS
import Foundation

/// The fast path of `Conv2d`: im2col + matrix products (GEMM, OpenBLAS). It computes the
/// same numbers as `forwardPlain` / `backwardPlain` (up to the order of Float additions);
/// tests hold the two paths equal.
///
/// For image n, the patch matrix X̂ₙ (K × HW) has one row per used kernel tap k = (c, u, v)
/// and one column per pixel p = (i, j):
///
///     X̂ₙ[k, p] = x[n, c, i+u−ph, j+v−pw]          (0 outside the image)
///
/// With Ŵ (out × K), the used columns of the masked weight W ⊙ M, the convolution
/// y = (W ⊙ M) ∗ x + b and its gradients are matrix products, image by image:
///
///     yₙ   = Ŵ X̂ₙ + b                             forward
///     ∂Ŵ  += ∂yₙ X̂ₙᵀ,   ∂b += Σ_p ∂yₙ[·, p]       weight and bias gradients (then masked)
///     ∂X̂ₙ  = Ŵᵀ ∂yₙ,    ∂xₙ = col2im(∂X̂ₙ)         input gradient: every patch entry adds
///                                                   back to the pixel it was copied from
///
/// yₙ, ∂yₙ and xₙ are (channels × HW) matrices as they lie in an NCHW tensor, so nothing is
/// repacked. Taps that the mask removes for every output channel (`usedTaps`) are never
/// built: a 7×7 mask A on one colour uses 24 of its 49 taps, a 3×3 mask B 5 of 9. A 1×1
/// convolution that uses every input channel needs no im2col at all: X̂ₙ = xₙ, ∂X̂ₙ = ∂xₙ.
///
/// The products go through `SmallMatrixProducts` (cut to OpenBLAS's small-matrix size);
/// ∂b is one matrix-vector product against a vector of ones; Ŵ is kept between calls until
/// the weight changes (`Parameter.version`).
///
/// Cores: the images of the batch are shared out to the cores (`FastPathThreads`), with
/// OpenBLAS single-threaded meanwhile; the images' weight and bias gradients are added at
/// the end. The matrices are thin (K and out are
/// 16–80): OpenBLAS's own threads cost more than they bring on them. Scratch matrices (one
/// image's X̂ₙ and ∂X̂ₙ per thread) come from a small pool and are reused between calls.
extension Conv2d {
    /// True for a 1×1 kernel that uses every input channel: X̂ₙ is xₙ itself.
    var kernelIsPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && usedTaps.count == inChannels
    }

    /// Ŵ, (out × K) row-major: the used taps of W ⊙ M. Gathered again only after the
    /// weight changed (`Parameter.version`).
    func usedWeightMatrix() -> [Float] {
        usedWeightLock.lock()
        defer { usedWeightLock.unlock() }
        if let cache = usedWeightCache, cache.version == weight.version { return cache.matrix }
        let value = weight.value.data, mask = weight.mask?.data
        let matrix = usedWeightIndices.map { k in mask.map { value[k] * $0[k] } ?? value[k] }
        usedWeightCache = (weight.version, matrix)
        return matrix
    }

    /// y = (W ⊙ M) ∗ x + b through im2col + GEMM, or ReLU(y) with `thenReLU`.
    /// (B, in, H, W) → (B, out, H, W)
    public func forwardFast(_ x: Tensor, thenReLU: Bool = false) -> Tensor {
        LargeAllocations.keepForReuse()
        let (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])
        let count = batch * outChannels * height * width
        guard count > 0 else { return Tensor(zeros: [batch, outChannels, height, width]) }
        let w = usedWeightMatrix()
        let parts = FastPathThreads.parts(batch: batch, work: outChannels * usedTaps.count * batch * height * width)
        let y = [Float](unsafeUninitializedCapacity: count) { yb, initialized in
            x.data.withUnsafeBufferPointer { xb in
                w.withUnsafeBufferPointer { wb in
                    FastPathThreads.run(parts.count) { k in
                        forward(images: parts[k], x: xb.baseAddress!, w: wb.baseAddress!, height: height, width: width,
                                thenReLU: thenReLU, into: yb.baseAddress!)
                    }
                }
            }
            initialized = count
        }
        return Tensor(shape: [batch, outChannels, height, width], data: y)
    }

    /// yₙ = Ŵ X̂ₙ + b for the images `images` (then yₙ = max(yₙ, 0) with `thenReLU`).
    private func forward(images: Range<Int>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                         height: Int, width: Int, thenReLU: Bool, into y: UnsafeMutablePointer<Float>) {
        let pixels = height * width
        let taps = usedTaps.count
        let patches = kernelIsPointwise ? nil : ScratchPool.shared.take(taps * pixels)   // X̂ₙ (K × HW)
        defer { if let patches { ScratchPool.shared.give(patches) } }
        bias.value.data.withUnsafeBufferPointer { b in
            for n in images {
                let xn = x + n * inChannels * pixels, yn = y + n * outChannels * pixels
                guard taps > 0 else {                   // every tap masked: yₙ = b
                    for o in 0..<outChannels { (yn + o * pixels).initialize(repeating: b[o], count: pixels) }
                    if thenReLU { for i in 0..<(outChannels * pixels) { yn[i] = max(yn[i], 0) } }
                    continue
                }
                if let patches { buildPatches(image: xn, height: height, width: width, into: patches) }
                // yₙ (out × HW) = Ŵ (out × K) · X̂ₙ (K × HW)
                SmallMatrixProducts.sgemm(transposeA: false, transposeB: false, m: outChannels, n: pixels, k: taps,
                                          alpha: 1, a: w, lda: taps, b: patches.map { UnsafePointer($0) } ?? xn, ldb: pixels,
                                          beta: 0, c: yn, ldc: pixels)
                // yₙ += b (then ReLU) in one pass, while yₙ is in cache
                for o in 0..<outChannels {
                    let row = yn + o * pixels, bo = b[o]
                    if thenReLU { for p in 0..<pixels { row[p] = max(row[p] + bo, 0) } }
                    else { for p in 0..<pixels { row[p] += bo } }
                }
            }
        }
    }

    /// Accumulates ∂L/∂W (masked) and ∂L/∂b, and returns ∂L/∂x, through im2col + GEMM;
    /// with `throughReLU`, ∂L/∂x ⊙ [x > 0] (see `backwardThroughReLU`).
    public func backwardFast(input x: Tensor, outputGradient dy: Tensor, throughReLU: Bool = false) -> Tensor {
        backwardFast(input: x, outputGradient: dy, throughReLU: throughReLU, inputGradient: true)!
    }

    /// `backwardFast`; with `inputGradient` false only ∂L/∂W and ∂L/∂b (no ∂X̂ product, no
    /// col2im) and nil for ∂L/∂x.
    func backwardFast(input x: Tensor, outputGradient dy: Tensor, throughReLU: Bool, inputGradient: Bool) -> Tensor? {
        LargeAllocations.keepForReuse()
        let (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])
        let taps = usedTaps.count
        guard batch * height * width > 0 else { return Tensor(zeros: x.shape) }
        // Every image's ∂xₙ is written whole below (by the GEMM, or by col2im: a copy of each channel's
        // centre-tap row, zeros for a channel without one, then the other taps added).
        // Debug builds (the tests) fill it with NaN first, so an element left unwritten cannot pass.
        var dx = Tensor(shape: inputGradient ? x.shape : [0], data: [Float](unsafeUninitializedCapacity: inputGradient ? x.count : 0) { b, n in
            #if DEBUG
            b.initialize(repeating: .nan)
            #endif
            n = b.count
        })
        let w = usedWeightMatrix()
        let parts = FastPathThreads.parts(batch: batch, work: outChannels * taps * batch * height * width)
        // Each part (an image, or the whole batch) adds up its own ∂Ŵ (out × K) and ∂b; summed below.
        var dW = [Float](repeating: 0, count: parts.count * outChannels * taps)
        var db = [Float](repeating: 0, count: parts.count * outChannels)
        x.data.withUnsafeBufferPointer { xb in
            dy.data.withUnsafeBufferPointer { dyb in
                w.withUnsafeBufferPointer { wb in
                    dW.withUnsafeMutableBufferPointer { dWb in
                        db.withUnsafeMutableBufferPointer { dbb in
                            dx.data.withUnsafeMutableBufferPointer { dxb in
                                FastPathThreads.run(parts.count) { k in
                                    backward(images: parts[k], x: xb.baseAddress!, dy: dyb.baseAddress!, w: wb.baseAddress!,
                                             height: height, width: width, throughReLU: throughReLU, dx: inputGradient ? dxb.baseAddress! : nil,
                                             dW: dWb.baseAddress! + k * outChannels * taps, db: dbb.baseAddress! + k * outChannels)
                                }
                            }
                        }
                    }
                }
            }
        }

        // Scatter Σ ∂Ŵ back to the full (out, in, kh, kw) gradient; masked entries get nothing.
        let mask = weight.mask?.data
        let entries = outChannels * taps
        if parts.count > 1 {            // Σ over the parts, into part 0's
            for part in 1..<parts.count { for e in 0..<entries { dW[e] += dW[part * entries + e] } }
        }
        weight.grad.data.withUnsafeMutableBufferPointer { g in
            usedWeightIndices.withUnsafeBufferPointer { index in
                if let mask {
                    for e in 0..<entries { let k = index[e]; g[k] += dW[e] * mask[k] }
                } else {
                    for e in 0..<entries { g[index[e]] += dW[e] }
                }
            }
        }
        for o in 0..<outChannels {
            for part in 0..<parts.count { bias.grad.data[o] += db[part * outChannels + o] }
        }
        return inputGradient ? dx : nil
    }

    /// For the images `images`: writes ∂xₙ (⊙ [xₙ > 0] with `throughReLU`) unless `dx` is nil,
    /// and adds their ∂Ŵ (out × K) into `dW` and their ∂b (out) into `db`.
    private func backward(images: Range<Int>, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, w: UnsafePointer<Float>,
                          height: Int, width: Int, throughReLU: Bool, dx: UnsafeMutablePointer<Float>?,
                          dW: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>) {
        let pixels = height * width
        let taps = usedTaps.count
        let patches = kernelIsPointwise ? nil : ScratchPool.shared.take(taps * pixels)        // X̂ₙ
        let patchGradient = kernelIsPointwise || dx == nil ? nil : ScratchPool.shared.take(taps * pixels)  // ∂X̂ₙ
        let ones = ScratchPool.shared.take(pixels)                                             // (HW) of 1
        ones.update(repeating: 1, count: pixels)
        defer {
            if let patches { ScratchPool.shared.give(patches) }
            if let patchGradient { ScratchPool.shared.give(patchGradient) }
            ScratchPool.shared.give(ones)
        }
        for n in images {
            let xn = x + n * inChannels * pixels, dyn = dy + n * outChannels * pixels, dxn = dx.map { $0 + n * inChannels * pixels }
            // ∂b[o] += Σ_p ∂yₙ[o, p]:  ∂b (out) += ∂yₙ (out × HW) · 1 (HW)
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(outChannels), Int32(pixels), 1, dyn, Int32(pixels), ones, 1, 1, db, 1)
            guard taps > 0 else { dxn?.initialize(repeating: 0, count: inChannels * pixels); continue }
            if let patches { buildPatches(image: xn, height: height, width: width, into: patches) }
            // ∂Ŵ (out × K) += ∂yₙ (out × HW) · X̂ₙᵀ (HW × K)
            SmallMatrixProducts.sgemm(transposeA: false, transposeB: true, m: outChannels, n: taps, k: pixels,
                                      alpha: 1, a: dyn, lda: pixels, b: patches.map { UnsafePointer($0) } ?? xn, ldb: pixels,
                                      beta: 1, c: dW, ldc: taps)
            guard let dxn else { continue }
            // ∂X̂ₙ (K × HW) = Ŵᵀ (K × out) · ∂yₙ (out × HW);  a pointwise kernel's ∂X̂ₙ is ∂xₙ.
            SmallMatrixProducts.sgemm(transposeA: true, transposeB: false, m: taps, n: pixels, k: outChannels,
                                      alpha: 1, a: w, lda: taps, b: dyn, ldb: pixels,
                                      beta: 0, c: patchGradient ?? dxn, ldc: pixels)
            if let patchGradient {
                setPatchGradient(patchGradient, height: height, width: width, into: dxn)
            }
            if throughReLU {                            // ∂xₙ ⊙ [xₙ > 0], while ∂xₙ is in cache
                for i in 0..<(inChannels * pixels) { let g = dxn[i]; dxn[i] = xn[i] > 0 ? g : 0 }
            }
        }
    }

    /// The tap `(c, u, v)` of a flat index `(c·kh + u)·kw + v`, as channel and offsets from the
    /// centre, with the rows i and columns j of an H×W image whose source (i + dy, j + dx) lies
    /// inside the image.
    @inline(__always)
    private func tapWindow(_ tap: Int, height: Int, width: Int)
        -> (channel: Int, dy: Int, dx: Int, rows: Range<Int>, columns: Range<Int>) {
        let area = kernelHeight * kernelWidth
        let (dy, dx) = ((tap % area) / kernelWidth - kernelHeight / 2, tap % kernelWidth - kernelWidth / 2)
        let iFrom = min(height, max(0, -dy)), iTo = max(iFrom, min(height, height - dy))
        let jFrom = min(width, max(0, -dx)), jTo = max(jFrom, min(width, width - dx))
        return (tap / area, dy, dx, iFrom..<iTo, jFrom..<jTo)
    }

    /// The flat span of one tap: X̂[r, k] = x[c, k + shift] for k in `span`, with
    /// shift = dy·W + dx, covers every inside pixel (i, j) of the tap's window; the k in it
    /// whose column j lies outside the window (|dx| per row, where the flat shift wraps to a
    /// neighbouring row) are the only wrong ones and are fixed up afterwards.
    @inline(__always)
    private func flatSpan(dy: Int, dx: Int, rows: Range<Int>, width: Int, pixels: Int) -> (shift: Int, span: Range<Int>) {
        let shift = dy * width + dx
        let from = min(pixels, max(rows.lowerBound * width, -shift)), to = min(rows.upperBound * width, pixels - shift)
        return (shift, from..<max(from, to))
    }

    /// im2col for one image: X̂[r, i·W + j] = x[c, i+dy, j+dx] (0 outside), for each used tap r = (c, dy, dx):
    /// one contiguous copy per tap (`flatSpan`), then zeros before and after it and in the
    /// |dx| columns of each row that the window leaves out.
    private func buildPatches(image x: UnsafePointer<Float>, height: Int, width: Int,
                              into patches: UnsafeMutablePointer<Float>) {
        let pixels = height * width
        for (r, tap) in usedTaps.enumerated() {
            let (c, dy, dx, rows, columns) = tapWindow(tap, height: height, width: width)
            let (shift, span) = flatSpan(dy: dy, dx: dx, rows: rows, width: width, pixels: pixels)
            let channel = x + c * pixels, block = patches + r * pixels
            (block + span.lowerBound).update(from: channel + span.lowerBound + shift, count: span.count)
            for k in 0..<span.lowerBound { block[k] = 0 }                   // before the span (|dy| rows and |dx|
            for k in span.upperBound..<pixels { block[k] = 0 }              // at most: stores, not a memset call)
            if dx != 0 { zeroOutsideColumns(block, rows: rows, columns: columns, width: width) }
        }
    }

    /// Zeros, in rows `rows` of one tap's (H × W) block, the columns outside `columns`: the
    /// cells where a flat span wrapped to a neighbouring row (|dx| a row).
    @inline(__always)
    private func zeroOutsideColumns(_ block: UnsafeMutablePointer<Float>, rows: Range<Int>, columns: Range<Int>, width: Int) {
        for i in rows {
            let row = block + i * width
            for j in 0..<columns.lowerBound { row[j] = 0 }
            for j in columns.upperBound..<width { row[j] = 0 }
        }
    }

    /// col2im for one image: ∂x[c, i+dy, j+dx] = Σ over the used taps r = (c, dy, dx) of
    /// ∂X̂[r, i·W + j]. Each channel starts from its centre tap's row (dy = dx = 0 covers every
    /// pixel: a copy, no zeroing; zeros for a channel without one), then every other tap
    /// adds its flat span (`flatSpan`) in one contiguous pass, after the columns outside its
    /// window are zeroed in ∂X̂ (scratch, read only here).
    private func setPatchGradient(_ patchGradient: UnsafeMutablePointer<Float>, height: Int, width: Int,
                                  into dx: UnsafeMutablePointer<Float>) {
        let pixels = height * width
        let area = kernelHeight * kernelWidth, centre = (kernelHeight / 2) * kernelWidth + kernelWidth / 2
        var started = [Bool](repeating: false, count: inChannels)
        for (r, tap) in usedTaps.enumerated() where tap % area == centre {
            (dx + (tap / area) * pixels).update(from: patchGradient + r * pixels, count: pixels)
            started[tap / area] = true
        }
        for c in 0..<inChannels where !started[c] { (dx + c * pixels).update(repeating: 0, count: pixels) }
        for (r, tap) in usedTaps.enumerated() where tap % area != centre {
            let (c, dy, dxOffset, rows, columns) = tapWindow(tap, height: height, width: width)
            let (shift, span) = flatSpan(dy: dy, dx: dxOffset, rows: rows, width: width, pixels: pixels)
            let target = dx + c * pixels + shift, block = patchGradient + r * pixels
            if dxOffset != 0 { zeroOutsideColumns(block, rows: rows, columns: columns, width: width) }
            for k in span { target[k] += block[k] }
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

/// How a layer's fast path uses the cores: its batch is split into its images, which the
/// cores take one at a time as they become free (so a core that starts late, or is shared
/// with another process, simply takes fewer), through `Cores` (OpenBLAS single-threaded
/// meanwhile). Results do not depend on the split beyond the order in which the images'
/// weight gradients are added.
enum FastPathThreads {
    /// Below this many multiply-adds a layer runs on one thread (a split costs ~10 µs).
    nonisolated(unsafe) static var minimumParallelWork = 1 << 20

    /// The ranges of images to compute concurrently: one per image, or the whole batch.
    static func parts(batch: Int, work: Int) -> [Range<Int>] {
        Cores.oneImageEach(batch: batch, work: work, minimumWork: minimumParallelWork)
    }

    /// Runs `body(k)` for k in 0..<count, concurrently when count > 1.
    static func run(_ count: Int, _ body: (Int) -> Void) { Cores.run(count, body) }
}
