import Foundation
import PixelREPL

/// The scratch folder of a fuzzing process: in /dev/shm when there is one (files
/// written there never touch a disk), named after the process, emptied at start.
///
/// While a target runs, `PIXELRNN_HOME` and `PIXELRNN_LESSONS` point into it, so no
/// target ever reads or writes the user's own lesson progress or lessons.
public enum FuzzWorkspace {
    /// The folder (made on first use).
    public static let folder: URL = {
        let shm = URL(fileURLWithPath: "/dev/shm")
        let base = FileManager.default.isWritableFile(atPath: shm.path) ? shm : FileManager.default.temporaryDirectory
        let url = base.appendingPathComponent("pixelfuzz-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        for sub in ["home", "lessons"] {
            try? FileManager.default.createDirectory(at: url.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        atexit { try? FileManager.default.removeItem(at: FuzzWorkspace.folder) }
        return url
    }()

    /// The environment variables a target sets, for a caller that restores them.
    public static let environmentVariables = [LessonProgressStore.environmentVariable, LessonLibrary.environmentVariable]

    /// Points the lesson variables into the workspace (before every input).
    static func enter() {
        setenv(LessonProgressStore.environmentVariable, folder.appendingPathComponent("home").path, 1)
        setenv(LessonLibrary.environmentVariable, folder.appendingPathComponent("lessons").path, 1)
    }

    /// `bytes` written to `name` in the folder (replacing what was there).
    static func file(_ name: String, _ bytes: [UInt8]) -> URL {
        let url = folder.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
        return url
    }
}

/// A shell over a fresh headless session writing into the workspace, that keeps
/// every error message its lines produce.
final class FuzzShell {
    let shell: Shell
    var session: Session { shell.session }
    /// The messages of the lines that failed, in order.
    private(set) var errors: [String] = []
    /// Every line printed (output and errors).
    private(set) var printed: [String] = []

    init(registry: CommandRegistry = .standard) {
        let session = Session(outputDirectory: FuzzWorkspace.folder.appendingPathComponent("out"),
                              previewsEnabled: false, isTerminal: false)
        shell = Shell(session: session)
        session.writeLine = { [unowned self] in printed.append($0) }
        session.writeError = { [unowned self] in printed.append($0) }
        session.writeProgress = { _ in }
        session.registry = registry
    }

    /// Runs `line`; true when it ran without an error.
    @discardableResult
    func run(_ line: String) -> Bool {
        if case .failed(let message) = shell.execute(line) {
            errors.append(message)
            return false
        }
        return true
    }
}
