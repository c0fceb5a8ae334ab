import Foundation

/// A file or folder path typed by the user, as a URL: `~` expanded, and an empty
/// (or blank) path refused — `URL(fileURLWithPath: "")` would silently mean the
/// current folder.
///
/// `what` names the argument in the message, e.g. `--checkpoint` or `model save`.
func userFileURL(_ path: String, what: String, isDirectory: Bool = false) throws -> URL {
    guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw CommandError("\(what) needs a \(isDirectory ? "folder" : "file") name, got an empty one")
    }
    return URL(fileURLWithPath: NSString(string: path).expandingTildeInPath, isDirectory: isDirectory)
}
