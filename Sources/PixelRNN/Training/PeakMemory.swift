import Foundation

/// The process's peak resident memory, from Linux's /proc/self/status.
public enum PeakMemory {
    /// VmHWM ("high water mark" of the resident set) in bytes, or nil where unavailable.
    public static func bytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }

    /// Resets the high water mark to the current resident size (writes "5" to
    /// /proc/self/clear_refs), after giving back to the system the freed memory the C
    /// allocator keeps (`malloc_trim`: `LargeAllocations` raises its trim threshold, so
    /// without it a bigger model's earlier run would stay in the resident size and in the
    /// next run's peak). Returns false where that is not possible; the peak is then the
    /// whole process's so far.
    @discardableResult
    public static func reset() -> Bool {
        #if os(Linux)
        // malloc_trim is in <malloc.h>, which Swift's Glibc module does not include; look it up.
        typealias MallocTrim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(nil, "malloc_trim") { _ = unsafeBitCast(symbol, to: MallocTrim.self)(0) }
        #endif
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do { try handle.write(contentsOf: Data("5".utf8)) } catch { return false }
        return true
    }
}
