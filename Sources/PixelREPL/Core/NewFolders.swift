import Foundation

/// Saving into folders that do not exist yet: they are created first, and removed
/// again (deepest first, only if still empty) when the save fails, so a failed save
/// leaves nothing behind.
enum NewFolders {
    /// Creates the missing folders above `file`, runs `save`, and on failure removes the
    /// folders it created before rethrowing.
    static func creating(for file: URL, _ save: () throws -> Void) throws {
        var missing: [String] = []
        var folder = file.deletingLastPathComponent().standardizedFileURL
        while !FileManager.default.fileExists(atPath: folder.path) {
            missing.append(folder.path)
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        var created: [String] = []
        do {
            for path in missing.reversed() {
                guard mkdir(path, 0o755) == 0 else {
                    throw CommandError("cannot create the folder \(path): \(String(cString: strerror(errno)))")
                }
                created.append(path)
            }
            try save()
        } catch {
            for path in created.reversed() { rmdir(path) }
            throw error
        }
    }
}
