import Foundation
import PixelRNN

/// Everything a REPL session holds: the loaded data, the current model, the current
/// trace and lesson, where pictures go, and the transcript (for `notebook save`).
///
/// Commands receive the session and change it; the shell only reads lines and
/// dispatches. Math happens in PixelRNN, pictures in PixelRender — never here.
public final class Session {
    /// Where PNG files are written (default `out/`).
    public var outputDirectory: URL
    /// Whether renders also draw a preview in the terminal.
    public var previewsEnabled: Bool
    /// True when standard output is a terminal (previews use colour then).
    public var isTerminal: Bool
    /// Where printed lines go; tests capture them.
    public var writeLine: (String) -> Void
    /// Where error lines go (standard error by default); tests capture them.
    public var writeError: (String) -> Void
    /// Where progress lines go (`progress(_:)`); nil: standard output when
    /// `isTerminal`, nowhere otherwise.
    public var writeProgress: ((String) -> Void)?
    /// True when a person types the commands at a prompt (not batch mode).
    public var isInteractive: Bool = false
    /// Set by `quit`: the shell stops after the current command.
    public var wantsToQuit: Bool = false
    /// The commands this session knows (`help` lists them; completion uses them).
    public var registry: CommandRegistry = .standard
    /// The transcript so far: one entry per command with its output and pictures.
    public private(set) var transcript: [TranscriptEntry] = []

    /// The loaded data set, if any. Replacing it ends a trace of one of its images.
    public var data: LoadedDataSet? { didSet { endTrace(because: "the data changed", ifItReads: .data) } }
    /// The current model, if any. Replacing it ends the trace (built on the old one).
    public var model: (any PixelModel)? { didSet { endTrace(because: "the model changed", ifItReads: .model) } }
    /// The forward pass being stepped through (`trace`, `step`, `where`, `show`), if any.
    var trace: TraceState?
    /// The training run of the current model (its optimizer moments and history), if any.
    var trainer: Trainer?

    /// A session. By default lines go to standard output and errors to standard
    /// error; pass closures to capture them.
    public init(outputDirectory: URL = URL(fileURLWithPath: "out"),
                previewsEnabled: Bool = true, isTerminal: Bool = false,
                writeLine: @escaping (String) -> Void = { print($0) },
                writeError: @escaping (String) -> Void = Session.standardError) {
        self.outputDirectory = outputDirectory
        self.previewsEnabled = previewsEnabled
        self.isTerminal = isTerminal
        self.writeLine = writeLine
        self.writeError = writeError
    }

    /// Writes a line to standard error (after flushing standard output, so the
    /// order on a terminal is the order of events).
    public static let standardError: (String) -> Void = { line in
        fflush(stdout)
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Prints one line (and records it in the transcript).
    public func say(_ line: String) {
        endProgress()
        writeLine(line)
        if !transcript.isEmpty { transcript[transcript.count - 1].output.append(line) }
    }

    /// Prints one error line (it should start with `error: `) and records it.
    public func sayError(_ line: String) {
        endProgress()
        writeError(line)
        if !transcript.isEmpty { transcript[transcript.count - 1].output.append(line) }
    }

    /// Shows a transient status line (a progress bar): on a terminal it replaces
    /// the previous one in place; it is not recorded in the transcript and is
    /// dropped in batch mode. Say the final result with `say` afterwards.
    public func progress(_ line: String) {
        if let write = writeProgress { write(line); progressShown = true; return }
        guard isTerminal else { return }
        print("\r\u{1B}[2K" + line, terminator: "")
        fflush(stdout)
        progressShown = true
    }

    /// Clears the progress line, if one is shown (`say` and `sayError` do this).
    public func endProgress() {
        guard progressShown else { return }
        progressShown = false
        if writeProgress != nil { return }
        print("\r\u{1B}[2K", terminator: "")
        fflush(stdout)
    }

    private var progressShown = false

    /// Records that a picture was written; prints its path.
    public func picture(_ url: URL, title: String) {
        say("wrote \(url.path)")
        if !transcript.isEmpty { transcript[transcript.count - 1].pictures.append(url) }
    }

    /// Says that the current model's weights changed in place (training): a trace
    /// built on the old weights ends, so that it cannot report a false difference.
    func modelChanged(_ why: String) { endTrace(because: why, ifItReads: .model) }

    /// Ends the trace, with one line saying why, if it was built on what changed.
    private func endTrace(because why: String, ifItReads input: TraceInput) {
        guard let current = trace, current.inputs.contains(input) else { return }
        trace = nil
        say("note: \(why), so the trace of \(current.title) has ended — start it again with 'trace …'")
    }

    /// Starts a transcript entry for a command line.
    public func beginEntry(_ commandLine: String) {
        transcript.append(TranscriptEntry(command: commandLine))
    }

    /// A path inside the output folder, creating the folder if needed.
    public func outputURL(_ fileName: String) throws -> URL {
        do {
            try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw CommandError("cannot create output folder \(outputDirectory.path): \(error.localizedDescription)")
        }
        return outputDirectory.appendingPathComponent(fileName)
    }
}

/// One command of the session, with what it printed and the pictures it wrote.
public struct TranscriptEntry {
    /// The command line as typed.
    public var command: String
    /// Lines printed (errors included).
    public var output: [String] = []
    /// PNG files written.
    public var pictures: [URL] = []
}
