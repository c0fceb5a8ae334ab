import Foundation

/// The notebook commands, for `CommandRegistry.families`.
public let notebookCommands: [Command] = [NotebookCommands.notebook]

/// `notebook save FILE.html|FILE.md`: the session so far as a notebook.
public enum NotebookCommands {
    /// The `notebook` command.
    public static let notebook = Command(
        name: "notebook",
        summary: "save the session so far (commands, output, pictures) as HTML or Markdown",
        usage: "notebook save FILE.html|FILE.md",
        examples: ["notebook save session.html", "notebook save notes/masks.md"],
        subcommands: ["save"],
        details: """
        Writes every command of this session with what it printed and the pictures \
        it wrote. FILE.html is one self-contained page (styles inside, pictures \
        inlined), to open in any browser or send as one file. FILE.md is Markdown: \
        the pictures are copied into FILE_files/ beside it and linked by relative \
        paths, so the two move together. The file is written atomically (a \
        temporary file, then a rename). A picture overwritten later by a command \
        writing the same file name shows its latest version.
        """,
        completesFiles: true,
        subcommandArguments: ["save": ["<file>"]],
        run: run)

    static func run(_ session: Session, _ args: ParsedArguments) throws {
        guard args.positional.first == "save" else {
            throw CommandError("usage: notebook save FILE.html|FILE.md")
        }
        guard args.positional.count == 2, !args.positional[1].isEmpty else {
            throw CommandError("notebook save expects one file name ending in .html or .md (quote a path with spaces)")
        }
        let target = URL(fileURLWithPath: NSString(string: args.positional[1]).expandingTildeInPath)
        let notebook = Notebook(session: session)
        try NotebookWriter.save(notebook, to: target)
        session.say("wrote \(target.path) (\(notebook.summary))")
    }
}

/// Writes notebooks to disk, atomically, with one-line errors.
public enum NotebookWriter {
    /// Writes `notebook` as HTML or Markdown, chosen by the file's extension.
    public static func save(_ notebook: Notebook, to file: URL) throws {
        let ext = file.pathExtension.lowercased()
        guard ext == "html" || ext == "htm" || ext == "md" else {
            let got = ext.isEmpty ? "no extension" : ".\(ext)"
            throw CommandError("a notebook is FILE.html or FILE.md, got \(got) in '\(file.lastPathComponent)'")
        }
        try checkWritableFolder(of: file)
        if ext == "md" {
            try saveMarkdown(notebook, to: file)
        } else {
            try write(Data(notebook.html().utf8), to: file)
        }
    }

    /// The Markdown file and its `FILE_files/` folder of pictures.
    static func saveMarkdown(_ notebook: Notebook, to file: URL) throws {
        let folderName = file.deletingPathExtension().lastPathComponent + "_files"
        let (text, copies) = notebook.markdown(imageFolderName: folderName)
        // Every picture is read before anything is written: a missing one leaves no folder behind.
        let pictures = try copies.map { copy -> (name: String, data: Data) in
            do { return (copy.name, try Data(contentsOf: copy.source)) } catch {
                throw CommandError("cannot read the picture \(copy.source.path): \(reason(error))")
            }
        }
        guard !pictures.isEmpty else { return try write(Data(text.utf8), to: file) }
        let folder = file.deletingLastPathComponent().appendingPathComponent(folderName)
        let existed = FileManager.default.fileExists(atPath: folder.path)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw CommandError("cannot create \(folder.path) for the pictures: \(reason(error, at: folder))")
        }
        do {
            for picture in pictures { try write(picture.data, to: folder.appendingPathComponent(picture.name)) }
            try write(Data(text.utf8), to: file)
        } catch {
            // A folder this save made goes again; one that was there keeps what it had
            // (a copy may have replaced an older picture of the same name).
            if !existed { try? FileManager.default.removeItem(at: folder) }
            throw error
        }
    }

    /// A clear error when the file's folder is missing, not a folder, or read-only,
    /// or when the file is a folder.
    static func checkWritableFolder(of file: URL) throws {
        let folder = file.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else {
            throw CommandError("cannot write \(file.path): the folder \(folder) does not exist")
        }
        guard isFolder.boolValue else {
            throw CommandError("cannot write \(file.path): \(folder) is a file, not a folder")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw CommandError("cannot write \(file.path): the folder \(folder) is not writable")
        }
        if FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder), isFolder.boolValue {
            throw CommandError("cannot write \(file.path): it is a folder")
        }
    }

    /// Writes through a temporary file and a rename.
    static func write(_ data: Data, to file: URL) throws {
        do {
            try data.write(to: file, options: .atomic)
        } catch {
            throw CommandError("cannot write \(file.path): \(reason(error, at: file))")
        }
    }

    /// Why writing (or creating) `path` failed, in words: the system's reason when it
    /// gives one, else what is in the way at `path` — never "NSCocoaErrorDomain error 512".
    static func reason(_ error: Error, at path: URL? = nil) -> String {
        let nsError = error as NSError
        if let posix = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain,
           let message = strerror(Int32(posix.code)) {
            return String(cString: message).lowercased()
        }
        if nsError.domain == NSPOSIXErrorDomain, let message = strerror(Int32(nsError.code)) {
            return String(cString: message).lowercased()
        }
        if let path, let inTheWay = obstacle(at: path) { return inTheWay }
        switch CocoaError.Code(rawValue: nsError.code) {
        case .fileWriteNoPermission, .fileReadNoPermission: return "permission denied"
        case .fileWriteOutOfSpace: return "no space left on the device"
        case .fileWriteVolumeReadOnly: return "the file system is read-only"
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
        case .fileWriteFileExists: return "something of that name is already there"
        case .fileWriteInvalidFileName: return "the name is not a valid file name"
        default: return "the system refused the write (\(nsError.domain) error \(nsError.code))"
        }
    }

    /// A file where a folder is needed (or a folder where a file is), on the way to `path`.
    static func obstacle(at path: URL) -> String? {
        var isFolder: ObjCBool = false
        var ancestor = path.deletingLastPathComponent()
        while ancestor.path != "/" && !ancestor.path.isEmpty {
            if FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isFolder) {
                if !isFolder.boolValue { return "\(ancestor.path) is a file, not a folder" }
                if !FileManager.default.isWritableFile(atPath: ancestor.path) { return "the folder \(ancestor.path) is not writable" }
                break
            }
            ancestor = ancestor.deletingLastPathComponent()
        }
        if FileManager.default.fileExists(atPath: path.path, isDirectory: &isFolder) {
            return isFolder.boolValue ? "\(path.path) is a folder" : "\(path.path) is already there and cannot be replaced"
        }
        return nil
    }
}
