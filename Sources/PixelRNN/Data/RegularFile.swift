import Foundation
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Reading a whole file that a user named, refusing what is not a regular file.
///
/// A folder, a device such as `/dev/null`, a FIFO or a socket is named for what it
/// is, never reported as a permission problem; a FIFO never blocks (it is opened
/// with `O_NONBLOCK` and refused on `fstat`, before any read). The size is checked
/// against `limit` before a byte is read, and the read goes in chunks, asking
/// `shouldStop` between them, so a large file can be interrupted.
public enum RegularFile {
    /// Why a file could not be read.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// No such file (or a folder on the way is missing).
        case missing
        /// A directory.
        case folder
        /// Exists, but is not a regular file (what it is: "a character device", "a FIFO"…).
        case notRegular(String)
        /// Zero bytes.
        case empty
        /// Larger than the caller accepts.
        case tooLarge(bytes: Int, limit: Int)
        /// The operating system refused (its reason: permission denied, I/O error…).
        case unreadable(String)
        /// `shouldStop` returned true during the read.
        case stopped

        public var description: String {
            switch self {
            case .missing: return "no such file"
            case .folder: return "is a directory (a folder), not a file"
            case .notRegular(let kind): return "is not a regular file (it is \(kind))"
            case .empty: return "is empty (an empty file)"
            case let .tooLarge(bytes, limit): return "is too large: \(bytes) bytes, at most \(limit) are read"
            case .unreadable(let why): return "cannot be read (\(why))"
            case .stopped: return "reading was stopped"
            }
        }
    }

    /// The bytes read at a time between two `shouldStop` checks.
    public static let chunkSize = 1 << 20

    /// Every byte of the regular file at `path`, at most `limit` of them.
    public static func read(_ path: String, limit: Int, shouldStop: () -> Bool = { false }) -> Result<[UInt8], Problem> {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .failure(openProblem(path, errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.unreadable(reason(errno))) }
        if let kind = kind(info.st_mode) { return .failure(kind == "a directory" ? .folder : .notRegular(kind)) }
        let size = Int(info.st_size)
        guard size > 0 else { return .failure(.empty) }
        guard size <= limit else { return .failure(.tooLarge(bytes: size, limit: limit)) }
        var problem: Problem? = nil
        // Read straight into uninitialized storage (no zeroing pass), chunk by chunk.
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            while initialized < size {
                if shouldStop() { problem = .stopped; return }
                let n = systemRead(fd, buffer.baseAddress! + initialized, min(chunkSize, size - initialized))
                if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                guard n >= 0 else { problem = .unreadable(reason(errno)); return }
                if n == 0 { return }                              // the file shrank while being read
                initialized += n
            }
        }
        if let problem { return .failure(problem) }
        return bytes.isEmpty ? .failure(.empty) : .success(bytes)
    }

    /// What `mode` describes when it is not a regular file, or nil for a regular file.
    static func kind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO, a named pipe"
        case S_IFSOCK: return "a socket"
        default: return "not a file"
        }
    }

    /// The problem behind a failed `open`.
    static func openProblem(_ path: String, _ code: Int32) -> Problem {
        switch code {
        case ENOENT, ENOTDIR: return .missing
        case EISDIR: return .folder
        default: return .unreadable(reason(code))
        }
    }

    /// The operating system's words for an error number, in lower case ("permission denied").
    static func reason(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
