import CBLAS
import Foundation

/// How the fast paths share work between the cores, written once.
///
/// Work is split into parts (ranges of images, or the two directions of a Diagonal BiLSTM
/// block) that run concurrently through `DispatchQueue.concurrentPerform`, with OpenBLAS
/// single-threaded meanwhile: each part is one thread's work, and threads each asking
/// OpenBLAS's shared pool for more threads would wait on each other (measured: ten times
/// slower). The previous OpenBLAS setting is restored afterwards.
///
/// Work is split only when OpenBLAS may itself use several threads (its default: every core),
/// so `OPENBLAS_NUM_THREADS=1` makes everything single-threaded, and a caller that already
/// runs on several threads with OpenBLAS single-threaded is not split again.
public enum Cores {
    /// The number of cores this process may use (at least 1), read once.
    public static let count = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// True when there are several cores and OpenBLAS may use more than one thread: the
    /// condition for splitting any work.
    static var maySplit: Bool { count > 1 && openblas_get_num_threads() > 1 }

    /// The number of threads OpenBLAS may use now.
    static var blasThreads: Int { Int(openblas_get_num_threads()) }

    /// `body()` with OpenBLAS on one thread, the previous setting restored afterwards.
    static func withOneBLASThread<T>(_ body: () throws -> T) rethrows -> T {
        let before = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(before) }
        return try body()
    }

    /// Runs `body(k)` for k in 0..<parts, concurrently (with OpenBLAS on one thread) when
    /// parts > 1; Dispatch decides how many threads, at most `parts`.
    static func run(_ parts: Int, _ body: (Int) -> Void) {
        guard parts > 1 else { body(0); return }
        LargeAllocations.keepForReuse()         // before a second thread first allocates (its own pool)
        withOneBLASThread { DispatchQueue.concurrentPerform(iterations: parts, execute: body) }
    }

    /// Runs `body(worker, item)` for every item of 0..<items on `workers` threads at once
    /// (with OpenBLAS on one thread meanwhile, as `run`; with one worker, on this thread and
    /// OpenBLAS's setting untouched), each worker taking the next item as soon as it is free.
    /// Which worker runs which item depends on timing: callers keep the items' results apart.
    static func takeInTurn(items: Int, workers: Int, _ body: (_ worker: Int, _ item: Int) -> Void) {
        let next = NextItem(count: items)
        run(workers) { worker in
            while let item = next.take() { body(worker, item) }
        }
    }

    /// One part per image, which the cores take as they become free; or the whole batch
    /// when splitting is off (`maySplit`) or the work is below `minimumWork` multiply-adds.
    static func oneImageEach(batch: Int, work: Int, minimumWork: Int) -> [Range<Int>] {
        let split = batch > 1 && work >= minimumWork && maySplit
        return split ? (0..<batch).map { $0..<($0 + 1) } : [0..<batch]
    }

    /// One contiguous range of images per thread (as many as there are cores and OpenBLAS
    /// threads, at most `batch`); one range when the work is below `minimumWork`.
    static func onePerThread(batch: Int, work: Int, minimumWork: Int) -> [Range<Int>] {
        let threads = min(batch, count, blasThreads)
        let parts = work >= minimumWork ? max(1, threads) : 1
        return (0..<parts).map { k in (k * batch / parts)..<((k + 1) * batch / parts) }
    }
}

/// The items of `Cores.takeInTurn` not yet taken: 0, 1, 2, … to the first thread that asks.
private final class NextItem: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let count: Int
    init(count: Int) { self.count = count }
    /// The next item, or nil when all are taken.
    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}
