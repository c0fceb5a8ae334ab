import Foundation
import PixelRNN

/// The folder of lessons and the lessons in it, in number order.
///
/// The folder is found in this order: `$PIXELRNN_LESSONS`, then `Lessons/` in the
/// current directory and its parents, then `Lessons/` above the executable (so
/// `.build/debug/pixelrnn` finds the repository's lessons from anywhere).
public struct LessonLibrary {
    /// The environment variable naming the lessons folder.
    public static let environmentVariable = "PIXELRNN_LESSONS"
    /// The folder holding `NN-name.md` files.
    public let folder: URL

    /// The lessons of `folder`.
    public init(folder: URL) {
        self.folder = folder
    }

    /// The library found from the environment, the current directory or the executable.
    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LessonLibrary {
        if let given = environment[environmentVariable], !given.isEmpty {
            let url = URL(fileURLWithPath: NSString(string: given).expandingTildeInPath)
            guard holdsLessons(url) else {
                throw CommandError("\(environmentVariable)=\(given) holds no lesson files (NN-name.md)")
            }
            return LessonLibrary(folder: url)
        }
        if let found = ResourceFolder.find(named: "Lessons", containing: holdsLessons) { return LessonLibrary(folder: found) }
        throw CommandError("no Lessons folder found (looked in $\(environmentVariable), ./Lessons and above, and above the executable)")
    }

    /// The lesson files, sorted by number.
    public func lessonFiles() throws -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw CommandError("cannot read the lessons folder \(folder.path): \(error.localizedDescription)")
        }
        return names.compactMap { name in LessonParser.numberAndName(ofFile: name).map { ($0.number, name) } }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { folder.appendingPathComponent($0.1) }
    }

    /// Every lesson, parsed; the first malformed file is a one-line error.
    public func lessons() throws -> [Lesson] {
        try lessonFiles().map { file in
            do { return try LessonParser.parse(file: file) } catch let error as LessonFormatError {
                throw CommandError("lesson file \(error)")
            }
        }
    }

    /// The lesson numbered `number`, or a clear error naming the ones there are.
    public func lesson(_ number: Int) throws -> Lesson {
        let all = try lessons()
        guard let found = all.first(where: { $0.number == number }) else {
            let range = all.isEmpty ? "there are none" : "there are \(all.map { String($0.number) }.joined(separator: ", "))"
            throw CommandError("no lesson \(number) — \(range) (type 'lesson list')")
        }
        return found
    }

    static func holdsLessons(_ folder: URL) -> Bool {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return false }
        return names.contains { LessonParser.numberAndName(ofFile: $0) != nil }
    }
}
