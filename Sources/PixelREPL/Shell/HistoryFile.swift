import Foundation

/// The file that keeps the prompt's lines across sessions (`~/.pixelrnn_history`,
/// or `$PIXELRNN_HISTORY`), read and written here rather than by readline.
///
/// Readline's own functions were the cause of issue 13: `history_truncate_file`
/// cut any file to the last 1,000 lines, `append_history` appended to whatever
/// the path named (a binary file, a device), and `read_history` blocked forever
/// on a FIFO and read a file of any size into memory. So:
///
/// - a file is used only if it is a regular file (a symlink to one is followed)
///   of at most `largestSize` bytes, whose content is text: UTF-8, no NUL and no
///   control characters but tab, CR and LF. Anything else is refused with one
///   note, and never opened for writing;
/// - opening never blocks (`O_NONBLOCK`, then `fstat` before any read);
/// - lines are only ever appended (one `write` with `O_APPEND`), and the file is
///   trimmed only when the user set a limit (`$PIXELRNN_HISTORY_SIZE`), by
///   writing the kept lines to a temporary file beside it and renaming it over.
struct HistoryFile {
    /// The path as given (a symlink stays a symlink: writes go to its target).
    let path: String
    /// Lines kept when trimming (`$PIXELRNN_HISTORY_SIZE`); nil keeps them all.
    let limit: Int?

    /// Larger files are not history files (16 MiB, some 500,000 commands).
    static let largestSize = 16 << 20
    /// Longer lines (a paste) are kept for Up-arrow but not written to the file.
    static let longestLine = 4096
    /// The largest `$PIXELRNN_HISTORY_SIZE` accepted.
    static let largestLimit = 1_000_000

    /// A reason not to use a file, said as one `note:` line by the caller.
    struct Refusal: Error, Equatable {
        let message: String
    }

    /// `$PIXELRNN_HISTORY` (empty: no history file), else `~/.pixelrnn_history`.
    static func path(environment: [String: String]) -> String? {
        if let path = environment["PIXELRNN_HISTORY"] {
            return path.isEmpty ? nil : NSString(string: path).expandingTildeInPath
        }
        return NSString(string: "~/.pixelrnn_history").expandingTildeInPath
    }

    /// `$PIXELRNN_HISTORY_SIZE`: nil when unset or empty (keep every line); a value
    /// that is not a whole number from 1 to `largestLimit` is refused (and then
    /// nothing is trimmed).
    static func limit(environment: [String: String]) -> Result<Int?, Refusal> {
        guard let text = environment["PIXELRNN_HISTORY_SIZE"], !text.isEmpty else { return .success(nil) }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), (1...largestLimit).contains(value) else {
            return .failure(Refusal(message: "PIXELRNN_HISTORY_SIZE='\(text.excerpt)' is not a whole number of lines from 1 to \(largestLimit.formatted()), so the history is not trimmed"))
        }
        return .success(value)
    }

    /// The lines of the history file at `path` (none when it does not exist yet),
    /// or why it is not a history file. Never blocks, never writes.
    func readLines() -> Result<[String], Refusal> {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        if descriptor < 0 {
            if errno == ENOENT { return .success([]) }
            return .failure(refusal(because: String(cString: strerror(errno))))
        }
        defer { close(descriptor) }
        if let problem = Self.problem(with: descriptor) { return .failure(refusal(because: problem)) }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(refusal(because: String(cString: strerror(errno))))
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            if bytes.count > Self.largestSize { return .failure(refusal(because: "it is larger than \(Self.largestSize >> 20) MiB")) }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(refusal(because: "it is not UTF-8 text"))
        }
        if text.unicodeScalars.contains(where: { Self.isControl($0) && $0 != "\n" && $0 != "\r" }) {
            return .failure(refusal(because: "it holds control characters (binary content)"))
        }
        // "\r\n" is one Character: Windows line ends split too.
        var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        if let limit, lines.count > limit { lines.removeFirst(lines.count - limit) }
        return .success(lines)
    }

    /// Appends one line (created with mode 0600 if missing). Lines that the file
    /// could not hold as text (control characters, longer than `longestLine`)
    /// are skipped. Throws a refusal when the path is no longer a history file.
    func append(_ line: String) throws {
        guard Self.canKeep(line) else { return }
        let descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0o600)
        guard descriptor >= 0 else { throw refusal(because: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        if let problem = Self.problem(with: descriptor) { throw refusal(because: problem) }
        var bytes = Array((line + "\n").utf8)
        // A file that does not end its last line: start a new one.
        var last: UInt8 = 0
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_size > 0,
           pread(descriptor, &last, 1, status.st_size - 1) == 1, last != UInt8(ascii: "\n") {
            bytes.insert(UInt8(ascii: "\n"), at: 0)
        }
        try Self.writeAll(bytes, to: descriptor, refusal: refusal(because:))
    }

    /// Trims the file to its last `limit` lines, if a limit is set and the file
    /// is longer: the kept lines go to a temporary file beside the real file
    /// (with its permissions), which then replaces it in one rename.
    func trim() throws {
        guard let limit else { return }
        let all = try HistoryFile(path: path, limit: nil).readLines().get()
        guard all.count > limit else { return }
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var status = stat()
        guard stat(target, &status) == 0 else { throw refusal(because: String(cString: strerror(errno))) }
        let temporary = target + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, status.st_mode & 0o777)
        guard descriptor >= 0 else { throw refusal(because: String(cString: strerror(errno))) }
        _ = fchmod(descriptor, status.st_mode & 0o7777)        // the old file's mode, whatever the umask
        do {
            defer { close(descriptor) }
            let kept = all.suffix(limit).joined(separator: "\n") + "\n"
            try Self.writeAll(Array(kept.utf8), to: descriptor, refusal: refusal(because:))
            guard fsync(descriptor) == 0, rename(temporary, target) == 0 else {
                throw refusal(because: String(cString: strerror(errno)))
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Whether `line` can be written to the file and read back as the same line.
    static func canKeep(_ line: String) -> Bool {
        line.utf8.count <= longestLine && !line.unicodeScalars.contains(where: { isControl($0) })
    }

    /// Why the open file is not one to use (not a regular file, too large), or nil.
    private static func problem(with descriptor: Int32) -> String? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return String(cString: strerror(errno)) }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return "it is a folder"
        case S_IFIFO: return "it is a pipe (FIFO)"
        case S_IFCHR, S_IFBLK: return "it is a device"
        case S_IFSOCK: return "it is a socket"
        default: return "it is not a regular file"
        }
        if status.st_size > largestSize { return "it is larger than \(largestSize >> 20) MiB" }
        return nil
    }

    /// C0 controls and DEL, except tab.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, refusal: (String) -> Refusal) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw refusal(String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    private func refusal(because why: String) -> Refusal {
        Refusal(message: "the history file \(path.excerpt) is not used: \(why)")
    }
}
