import Foundation

/// What the learner has done: the lesson and cell they are at, and the lessons
/// they finished. Kept between sessions by `LessonProgressStore`.
public struct LessonProgress: Codable, Equatable {
    /// The lesson being followed (its number), if any.
    public var currentLesson: Int?
    /// The cell of `currentLesson` shown last (0-based).
    public var currentCell: Int
    /// Numbers of the lessons walked to the end.
    public var finished: [Int]

    /// Progress from nothing (a first start).
    public init(currentLesson: Int? = nil, currentCell: Int = 0, finished: [Int] = []) {
        self.currentLesson = currentLesson
        self.currentCell = currentCell
        self.finished = finished
    }

    /// The cell to show of `lesson`, the lesson being followed: `currentCell` kept
    /// inside the lesson (the file may say -5, or a cell the lesson no longer has).
    public func cell(in lesson: Lesson) -> Int { max(0, min(currentCell, lesson.cells.count - 1)) }

    /// Records that lesson `number` was walked to the end.
    public mutating func finish(_ number: Int) {
        if !finished.contains(number) { finished.append(number); finished.sort() }
    }
}

/// The progress file: `progress.json` in `$PIXELRNN_HOME`, else in `~/.pixelrnn`.
/// Written atomically (a temporary file, then a rename), so a crash never leaves
/// half a file; a missing or unreadable file means "no progress yet".
public struct LessonProgressStore {
    /// The environment variable naming the folder of the progress file.
    public static let environmentVariable = "PIXELRNN_HOME"
    /// The progress file.
    public let file: URL

    /// A store keeping its file in `folder`.
    public init(folder: URL) {
        file = folder.appendingPathComponent("progress.json")
    }

    /// The store of `$PIXELRNN_HOME`, or of `~/.pixelrnn`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> LessonProgressStore {
        if let home = environment[environmentVariable], !home.isEmpty {
            return LessonProgressStore(folder: URL(fileURLWithPath: NSString(string: home).expandingTildeInPath))
        }
        let userHome = FileManager.default.homeDirectoryForCurrentUser
        return LessonProgressStore(folder: userHome.appendingPathComponent(".pixelrnn"))
    }

    /// True when a progress file exists (false on the very first start).
    public var exists: Bool { FileManager.default.fileExists(atPath: file.path) }

    /// The saved progress; empty progress when there is no readable file.
    public func load() -> LessonProgress {
        guard let data = try? Data(contentsOf: file),
              let progress = try? JSONDecoder().decode(LessonProgress.self, from: data) else { return LessonProgress() }
        return progress
    }

    /// Saves `progress` atomically, creating the folder when needed.
    public func save(_ progress: LessonProgress) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try encoder.encode(progress).write(to: file, options: .atomic)
        } catch {
            throw CommandError("cannot save lesson progress to \(file.path): \(error.localizedDescription)")
        }
    }
}
