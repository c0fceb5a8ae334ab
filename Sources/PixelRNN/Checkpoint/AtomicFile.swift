import Foundation
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Writes a file so that, whatever happens, the path holds either its old
/// contents or the complete new ones — never a partial file.
///
/// How: the bytes go to a new temporary file in the same folder (same file
/// system, so the rename cannot turn into a copy), which is flushed to disk with
/// `fsync`, then renamed over the target (`rename` replaces atomically); finally
/// the folder itself is synced so the rename survives a power cut. On any failure
/// the temporary file is removed and the target is untouched.
enum AtomicFile {
    /// Writes `bytes` to `url` atomically. `afterChunk`, for tests, is called with the
    /// number of bytes written so far after each chunk; if it throws, the write
    /// is abandoned exactly as if the disk had failed at that point. `probe`, for tests,
    /// is called after each step that changes the folder before the rename (temporary
    /// file created, complete); throwing there abandons the write.
    static func write(_ bytes: [UInt8], to url: URL, chunkSize: Int = 1 << 20,
                      afterChunk: ((Int) throws -> Void)? = nil, probe: ((String) throws -> Void)? = nil) throws {
        let target = url.path
        let folder = url.deletingLastPathComponent().path
        let temporary = folder + "/" + temporaryName(for: url.lastPathComponent)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw failure(target, "cannot create a temporary file in \(folder): \(reason())") }
        var closed = false
        do {
            try probe?("temporary file created")
            try writeAll(bytes, fd: fd, chunkSize: chunkSize, afterChunk: afterChunk, target: target)
            guard fsync(fd) == 0 else { throw failure(target, "fsync failed: \(reason())") }
            closed = true
            guard close(fd) == 0 else { throw failure(target, "close failed: \(reason())") }
            try probe?("temporary file complete")
            guard rename(temporary, target) == 0 else { throw failure(target, "rename failed: \(reason())") }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
        syncFolder(folder)
    }

    /// `.NAME.tmp-PID-RANDOM`: hidden, and naming the process that writes it.
    static func temporaryName(for name: String) -> String {
        "." + name + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// The process id in a temporary file's name (`temporaryName`), or nil if the name is
    /// not one.
    static func writer(ofTemporary name: String) -> Int32? {
        guard name.hasPrefix("."), let mark = name.range(of: ".tmp-", options: .backwards) else { return nil }
        let parts = name[mark.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, UInt32(parts[1]) != nil, let pid = Int32(parts[0]), pid > 0 else { return nil }
        return pid
    }

    /// Whether a process with this id runs (or runs under another user).
    static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// Writes every byte, chunk by chunk, retrying on EINTR.
    private static func writeAll(_ bytes: [UInt8], fd: Int32, chunkSize: Int,
                                 afterChunk: ((Int) throws -> Void)?, target: String) throws {
        var done = 0
        try bytes.withUnsafeBytes { raw in
            while done < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + done, min(chunkSize, raw.count - done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw failure(target, "write failed: \(reason())") }
                done += n
                try afterChunk?(done)
            }
        }
    }

    /// Flushes the folder's entry list (best effort: not every file system allows it).
    private static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    private static func reason() -> String { String(cString: strerror(errno)) }

    private static func failure(_ target: String, _ why: String) -> SafeTensorsError {
        SafeTensorsError(file: target, fault: .cannotWrite(why))
    }
}
