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
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                            Int32(outChannels), Int32(pixels), Int32(taps),
                            1, w, Int32(taps), patches.map { UnsafePointer($0) } ?? xn, Int32(pixels),
                            0, yn, Int32(pixels))
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
        LargeAllocations.keepForReuse()
        let (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])
        let taps = usedTaps.count
        let tapsPerOutput = inChannels * kernelHeight * kernelWidth
        guard batch * height * width > 0 else { return Tensor(zeros: x.shape) }
        // Every image's ∂xₙ is written whole below (by the GEMM, or zeroed before col2im adds to it).
        // Debug builds (the tests) fill it with NaN first, so an element left unwritten cannot pass.
        var dx = Tensor(shape: x.shape, data: [Float](unsafeUninitializedCapacity: x.count) { b, n in
            #if DEBUG
            b.initialize(repeating: .nan)
            #endif
            n = x.count
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
                                             height: height, width: width, throughReLU: throughReLU, dx: dxb.baseAddress!,
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
        weight.grad.data.withUnsafeMutableBufferPointer { g in
            for o in 0..<outChannels {
                for (r, tap) in usedTaps.enumerated() {
                    let k = o * tapsPerOutput + tap
                    var d: Float = 0
                    for part in 0..<parts.count { d += dW[(part * outChannels + o) * taps + r] }
                    g[k] += mask.map { d * $0[k] } ?? d
                }
            }
        }
        for o in 0..<outChannels {
            for part in 0..<parts.count { bias.grad.data[o] += db[part * outChannels + o] }
        }
        return dx
    }

    /// For the images `images`: writes ∂xₙ (⊙ [xₙ > 0] with `throughReLU`), and adds their
    /// ∂Ŵ (out × K) into `dW` and their ∂b (out) into `db`.
    private func backward(images: Range<Int>, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, w: UnsafePointer<Float>,
                          height: Int, width: Int, throughReLU: Bool, dx: UnsafeMutablePointer<Float>,
                          dW: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>) {
        let pixels = height * width
        let taps = usedTaps.count
        let patches = kernelIsPointwise ? nil : ScratchPool.shared.take(taps * pixels)        // X̂ₙ
        let patchGradient = kernelIsPointwise ? nil : ScratchPool.shared.take(taps * pixels)  // ∂X̂ₙ
        defer {
            if let patches { ScratchPool.shared.give(patches) }
            if let patchGradient { ScratchPool.shared.give(patchGradient) }
        }
        for n in images {
            let xn = x + n * inChannels * pixels, dyn = dy + n * outChannels * pixels, dxn = dx + n * inChannels * pixels
            // ∂b[o] += Σ_p ∂yₙ[o, p]
            for o in 0..<outChannels { db[o] += sum(dyn + o * pixels, count: pixels) }
            guard taps > 0 else { dxn.initialize(repeating: 0, count: inChannels * pixels); continue }
            if let patches { buildPatches(image: xn, height: height, width: width, into: patches) }
            // ∂Ŵ (out × K) += ∂yₙ (out × HW) · X̂ₙᵀ (HW × K)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                        Int32(outChannels), Int32(taps), Int32(pixels),
                        1, dyn, Int32(pixels), patches.map { UnsafePointer($0) } ?? xn, Int32(pixels),
                        1, dW, Int32(taps))
            // ∂X̂ₙ (K × HW) = Ŵᵀ (K × out) · ∂yₙ (out × HW);  a pointwise kernel's ∂X̂ₙ is ∂xₙ.
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans,
                        Int32(taps), Int32(pixels), Int32(outChannels),
                        1, w, Int32(taps), dyn, Int32(pixels),
                        0, patchGradient ?? dxn, Int32(pixels))
            if let patchGradient {
                dxn.initialize(repeating: 0, count: inChannels * pixels)
                addPatchGradient(patchGradient, height: height, width: width, into: dxn)
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

    /// im2col for one image: X̂[r, i·W + j] = x[c, i+dy, j+dx] (0 outside), for each used tap r = (c, dy, dx).
    private func buildPatches(image x: UnsafePointer<Float>, height: Int, width: Int,
                              into patches: UnsafeMutablePointer<Float>) {
        let pixels = height * width
        for (r, tap) in usedTaps.enumerated() {
            let (c, dy, dx, rows, columns) = tapWindow(tap, height: height, width: width)
            let channel = x + c * pixels, block = patches + r * pixels
            for k in 0..<(rows.lowerBound * width) { block[k] = 0 }         // rows above the image
            for k in (rows.upperBound * width)..<pixels { block[k] = 0 }    // rows below it
            if dx == 0 {                                                    // whole rows: one span
                let source = channel + (rows.lowerBound + dy) * width
                for k in 0..<(rows.count * width) { block[rows.lowerBound * width + k] = source[k] }
                continue
            }
            for i in rows {
                let row = block + i * width, source = channel + (i + dy) * width + dx
                for j in 0..<columns.lowerBound { row[j] = 0 }
                for j in columns { row[j] = source[j] }
                for j in columns.upperBound..<width { row[j] = 0 }
            }
        }
    }

    /// col2im for one image: ∂x[c, i+dy, j+dx] += ∂X̂[r, i·W + j] for each used tap r = (c, dy, dx).
    private func addPatchGradient(_ patchGradient: UnsafePointer<Float>, height: Int, width: Int,
                                  into dx: UnsafeMutablePointer<Float>) {
        let pixels = height * width
        for (r, tap) in usedTaps.enumerated() {
            let (c, dy, dxOffset, rows, columns) = tapWindow(tap, height: height, width: width)
            let channel = dx + c * pixels, block = patchGradient + r * pixels
            if dxOffset == 0 {                                              // whole rows: one span
                let target = channel + (rows.lowerBound + dy) * width
                for k in 0..<(rows.count * width) { target[k] += block[rows.lowerBound * width + k] }
                continue
            }
            for i in rows {
                let row = block + i * width, target = channel + (i + dy) * width + dxOffset
                for j in columns { target[j] += row[j] }
            }
        }
    }

    /// Σ of `count` values, in eight running sums so the loop vectorises
    /// (one running sum would wait on each addition).
    private func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var partial = SIMD8<Float>()
        let whole = count / 8 * 8
        let raw = UnsafeRawPointer(values)
        for k in stride(from: 0, to: whole, by: 8) {
            partial += raw.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
        }
        var s = partial.sum()
        for k in whole..<count { s += values[k] }
        return s
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

/// How the C allocator treats the multi-megabyte arrays every layer returns.
///
/// By default glibc hands each allocation above 128 KB its own fresh pages from the kernel
/// and gives them back on free, so every tensor a layer returns costs one page fault per
/// 4 KB — measured on PixelCNN L=7, h=16, batch 16, 28×28: ~20,000 faults and half the time
/// of a training step. Raising the allocator's thresholds keeps freed blocks in the heap for
/// the next tensor of the same size. Process-wide and done once, on the first fast-path call;
/// the cost is that the process keeps its peak heap instead of shrinking after it.
enum LargeAllocations {
    /// Sets glibc's M_MMAP_THRESHOLD to 256 MB and M_TRIM_THRESHOLD to 512 MB (once).
    static func keepForReuse() { _ = configured }

    private static let configured: Bool = {
        #if os(Linux)
        // mallopt is in <malloc.h>, which Swift's Glibc module does not include; look it up.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1     // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
        return mallopt(mmapThreshold, 256 << 20) == 1 && mallopt(trimThreshold, 512 << 20) == 1
        #else
        return false
        #endif
    }()
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
