import Foundation

/// Where a session's lessons come from and where its progress is kept.
///
/// By default the lessons folder is found by `LessonLibrary.find()` and progress
/// goes to `LessonProgressStore.standard()`; tests attach their own folders with
/// `LessonContext.attach(to:lessonsFolder:progressFolder:)`.
public final class LessonContext {
    /// The lessons folder, if given (else found on first use).
    public var lessonsFolder: URL?
    /// Where progress is remembered between sessions.
    public var store: LessonProgressStore

    /// A context with a given lessons folder (nil: find it) and progress store.
    public init(lessonsFolder: URL? = nil, store: LessonProgressStore = .standard()) {
        self.lessonsFolder = lessonsFolder
        self.store = store
    }

    /// The lessons of this context.
    public func library() throws -> LessonLibrary {
        if let folder = lessonsFolder { return LessonLibrary(folder: folder) }
        let found = try LessonLibrary.find()
        lessonsFolder = found.folder
        return found
    }

    /// The context of `session` (made with the defaults on first use).
    public static func of(_ session: Session) -> LessonContext {
        table.removeAll { $0.session == nil }
        if let entry = table.first(where: { $0.session === session }) { return entry.context }
        let context = LessonContext()
        table.append(Entry(session: session, context: context))
        return context
    }

    /// Gives `session` its own lessons folder and progress folder.
    @discardableResult
    public static func attach(to session: Session, lessonsFolder: URL?, progressFolder: URL) -> LessonContext {
        let context = LessonContext(lessonsFolder: lessonsFolder, store: LessonProgressStore(folder: progressFolder))
        table.removeAll { $0.session == nil || $0.session === session }
        table.append(Entry(session: session, context: context))
        return context
    }

    private struct Entry {
        weak var session: Session?
        let context: LessonContext
    }

    private static var table: [Entry] = []
}

/// The lines the interactive REPL prints at start about lessons: an offer of
/// lesson 1 on the first start, else where the learner left off.
public enum LessonWelcome {
    /// One line (or none when every lesson is finished or there are no lessons).
    public static func lines(context: LessonContext = LessonContext()) -> [String] {
        guard let lessons = try? context.library().lessons(), let first = lessons.first else { return [] }
        let progress = context.store.load()
        if let number = progress.currentLesson, let lesson = lessons.first(where: { $0.number == number }) {
            let cell = progress.cell(in: lesson) + 1
            return ["Welcome back: you were at lesson \(number) (\(lesson.title)), cell \(cell) of \(lesson.cells.count) — type 'lesson' to go on."]
        }
        if let next = lessons.first(where: { !progress.finished.contains($0.number) }) {
            if progress.finished.isEmpty {
                return ["New here? Type 'lesson \(first.number)' for the first guided lesson (\(first.title)); 'lesson list' shows all \(lessons.count)."]
            }
            return ["Next lesson: \(next.number) (\(next.title)) — type 'lesson \(next.number)'."]
        }
        return []
    }
}
