import Foundation

/// Where a command will write, checked before it changes anything: a failed save
/// should be found before an hour of training, not after. (`NewFolders` then
/// makes the missing folders, and removes them if the write fails.)
enum WritableDestination {
    /// The longest name of one file or folder (Linux's NAME_MAX), in bytes.
    static let longestName = 255
    /// The longest path (PATH_MAX), in bytes.
    static let longestPath = 4095
    /// Room left in a name for a temporary suffix (`.tmp-…`) while writing.
    static let temporarySuffix = 32

    /// Throws unless `url` can be created or replaced: it is not a folder (for
    /// `isDirectory`: not a file), no name on the path is too long (nor any of
    /// `siblings`, files written beside it), and the nearest folder that exists
    /// above it is a folder one can write in. `what` starts the message, e.g.
    /// "cannot save": "cannot save PATH: it is a folder".
    static func check(_ url: URL, what: String, isDirectory: Bool = false, siblings: [String] = []) throws {
        let fileManager = FileManager.default
        let path = url.standardizedFileURL.path
        func refuse(_ why: String) -> CommandError {
            CommandError("\(what) \(path.excerpt): \(why)")
        }
        guard path.utf8.count <= longestPath else { throw refuse("the path is longer than \(longestPath) bytes") }
        let names = url.standardizedFileURL.pathComponents + siblings
        if let long = names.first(where: { $0.utf8.count + (isDirectory ? 0 : temporarySuffix) > longestName }) {
            throw refuse("the name '\(long.excerpt)' is too long (at most \(longestName - (isDirectory ? 0 : temporarySuffix)) bytes)")
        }
        var isFolder: ObjCBool = false
        var folder = url.standardizedFileURL
        if fileManager.fileExists(atPath: folder.path, isDirectory: &isFolder) {
            if isFolder.boolValue != isDirectory {
                throw refuse(isDirectory ? "it is a file, not a folder" : "it is a folder")
            }
            if !isDirectory { folder.deleteLastPathComponent() }
        } else {
            folder.deleteLastPathComponent()
        }
        while !fileManager.fileExists(atPath: folder.path, isDirectory: &isFolder), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        guard isFolder.boolValue else { throw refuse("\(folder.path.excerpt) is a file, not a folder") }
        guard access(folder.path, W_OK | X_OK) == 0 else { throw refuse("the folder \(folder.path.excerpt) is not writable") }
    }
}
