import Foundation

/// Finding a folder the program ships beside its sources (`data/`, `Lessons/`) from
/// wherever it runs: `name` in the current directory and its parents, then `name` beside
/// the executable and in the folders above it (so `.build/debug/pixelrnn` finds the
/// repository's folders from anywhere). Environment variables are the callers' own.
public enum ResourceFolder {
    /// The first folder called `name` that `holds` accepts, searching upwards from the
    /// current directory, then from the executable's folders; nil if there is none.
    public static func find(named name: String, containing holds: (URL) -> Bool) -> URL? {
        let starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)] + executableFolders()
        for start in starts {
            if let found = searchUpwards(from: start, named: name, containing: holds) { return found }
        }
        return nil
    }

    /// `start/name`, `start/../name`, … up to the root, the first that `holds` accepts.
    static func searchUpwards(from start: URL, named name: String, containing holds: (URL) -> Bool) -> URL? {
        var dir = start.standardizedFileURL
        for _ in 0..<64 {
            let candidate = dir.appendingPathComponent(name)
            if holds(candidate) { return candidate }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
        return nil
    }

    /// The folders of the running executable (as resolved, and as invoked).
    static func executableFolders() -> [URL] {
        var folders: [URL] = []
        if let url = Bundle.main.executableURL {
            folders.append(url.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first, first.contains("/") {
            folders.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        return folders
    }
}
