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
    /// The transcript so far: one entry per command with its output and pictures.
    public private(set) var transcript: [TranscriptEntry] = []

    /// The loaded data set, if any.
    public var data: LoadedDataSet?
    /// The current model, if any.
    public var model: PixelNetwork?

    public init(outputDirectory: URL = URL(fileURLWithPath: "out"),
                previewsEnabled: Bool = true, isTerminal: Bool = false,
                writeLine: @escaping (String) -> Void = { print($0) }) {
        self.outputDirectory = outputDirectory
        self.previewsEnabled = previewsEnabled
        self.isTerminal = isTerminal
        self.writeLine = writeLine
    }

    /// Prints one line (and records it in the transcript).
    public func say(_ line: String) {
        writeLine(line)
        if !transcript.isEmpty { transcript[transcript.count - 1].output.append(line) }
    }

    /// Records that a picture was written; prints its path.
    public func picture(_ url: URL, title: String) {
        say("wrote \(url.path)")
        if !transcript.isEmpty { transcript[transcript.count - 1].pictures.append(url) }
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
    public var command: String
    public var output: [String] = []
    public var pictures: [URL] = []
}
