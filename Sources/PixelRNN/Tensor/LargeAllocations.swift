import Foundation

/// How the C allocator treats the multi-megabyte arrays every layer returns.
///
/// By default glibc hands each allocation above 128 KB its own fresh pages from the kernel
/// and gives them back on free, so every tensor a layer returns costs one page fault per
/// 4 KB — measured on PixelCNN L=7, h=16, batch 16, 28×28: ~20,000 faults and half the time
/// of a training step. Raising the allocator's thresholds keeps freed blocks in the heap for
/// the next tensor of the same size. Process-wide and done once, on the first fast-path call;
/// the cost is that the process keeps its peak heap instead of shrinking after it.
///
/// glibc also gives each new thread, on its first allocation, a memory pool (an arena) of
/// its own, up to eight a core, and a block freed in one pool is reused only there: the two
/// cores' maps then sit in two heaps, each at its own peak. One pool for the process
/// (M_ARENA_MAX 1) keeps a single peak. The limit binds only pools made after it, so it is
/// set before a second thread starts (`Cores.run`) as well as on the first fast-path call. Measured, maximum resident memory of
/// `train --steps 15` of a Diagonal BiLSTM (L = 7, h = 16, batch 16; `/usr/bin/time -f %M`):
/// 285–317 MB by default (nine runs), 276–280 MB with two pools (three), 223–225 MB with
/// one (set here or by `MALLOC_ARENA_MAX=1`), in the same time.
enum LargeAllocations {
    /// Sets glibc's M_MMAP_THRESHOLD to 256 MB, M_TRIM_THRESHOLD to 512 MB and M_ARENA_MAX to 1 (once).
    static func keepForReuse() { _ = configured }

    private static let configured: Bool = {
        #if os(Linux)
        // mallopt is in <malloc.h>, which Swift's Glibc module does not include; look it up.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1, arenaMax: Int32 = -8   // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD, M_ARENA_MAX
        return mallopt(mmapThreshold, 256 << 20) == 1 && mallopt(trimThreshold, 512 << 20) == 1 && mallopt(arenaMax, 1) == 1
        #else
        return false
        #endif
    }()
}
