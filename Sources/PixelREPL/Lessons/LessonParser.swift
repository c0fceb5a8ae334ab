import Foundation
import PixelRNN

/// A lesson file that does not follow the format of Lessons/README.md: one line
/// naming the file and the line.
public struct LessonFormatError: Error, Equatable, CustomStringConvertible {
    /// The lesson file's name (`03-pixelcnn.md`).
    public var file: String
    /// The 1-based line of the fault.
    public var line: Int
    /// What is wrong.
    public var message: String

    public var description: String { "\(file) line \(line): \(message)" }
}

/// Reads a lesson file into cells (the format is in Lessons/README.md).
///
/// A cell is prose, then an optional ```pixelrnn block of commands, then an
/// optional ```expect block right after it, and an optional ```hint block. Prose
/// after a cell's commands starts the next cell. Fenced blocks with any other tag
/// are prose, shown as written.
public enum LessonParser {
    /// The tags with a meaning; the parser keeps other fenced blocks as prose.
    public static let commandTag = "pixelrnn", expectTag = "expect", hintTag = "hint"

    /// The number and name in a lesson file name: `03-pixelcnn.md` → (3, "03-pixelcnn");
    /// nil for any other name (README.md, drafts).
    public static func numberAndName(ofFile fileName: String) -> (number: Int, name: String)? {
        guard fileName.hasSuffix(".md") else { return nil }
        let stem = String(fileName.dropLast(3))
        let digits = stem.prefix(while: \.isNumber)
        guard !digits.isEmpty, let number = Int(digits), stem.dropFirst(digits.count).first == "-" else { return nil }
        return (number, stem)
    }

    /// The largest lesson file read: 4 MB.
    static let maxFileBytes = 4 << 20

    /// Reads a lesson from a file named `NN-name.md` (a regular file, never a FIFO or device).
    public static func parse(file: URL) throws -> Lesson {
        let fileName = file.lastPathComponent
        guard let id = numberAndName(ofFile: fileName) else {
            throw LessonFormatError(file: fileName, line: 1, message: "a lesson file is named NN-name.md (e.g. 03-pixelcnn.md)")
        }
        let text: String
        switch RegularFile.read(file.path, limit: maxFileBytes) {
        case .success(let bytes):
            guard let decoded = String(validating: bytes, as: UTF8.self) else {
                throw LessonFormatError(file: fileName, line: 1, message: "cannot read it as UTF-8 text")
            }
            text = decoded
        case .failure(let problem):
            throw LessonFormatError(file: fileName, line: 1, message: problem.description)
        }
        var lesson = try parse(text, number: id.number, name: id.name, fileName: fileName)
        lesson.file = file
        return lesson
    }

    /// Reads a lesson from its text.
    public static func parse(_ text: String, number: Int, name: String, fileName: String? = nil) throws -> Lesson {
        var builder = CellBuilder(fileName: fileName ?? name + ".md")
        try builder.read(text.linesOfAnyEnding)
        guard let title = builder.title else {
            throw LessonFormatError(file: builder.fileName, line: 1, message: "no title: the first heading must be '# Title'")
        }
        guard !builder.cells.isEmpty else {
            throw LessonFormatError(file: builder.fileName, line: 1, message: "no cells: a lesson needs some prose or a ```pixelrnn block after its title")
        }
        return Lesson(number: number, name: name, title: title, cells: builder.cells)
    }
}

/// The state machine behind `LessonParser`: lines in, cells out.
private struct CellBuilder {
    let fileName: String
    var title: String?
    var cells: [LessonCell] = []

    private var prose: [String] = []
    private var commands: [String]?
    private var expected: [ExpectedLine]?
    private var hint: String?
    private var startLine = 1

    init(fileName: String) { self.fileName = fileName }

    mutating func read(_ lines: [String]) throws {
        var index = 0
        while index < lines.count {
            let line = lines[index].withoutTrailingWhitespace
            let number = index + 1
            index += 1
            if let fence = Fence(opening: line) {
                let body = try fencedBody(lines, from: &index, fence: fence, openedAt: number)
                try take(fence, body: body, line: number, raw: line)
            } else if title == nil, line.hasPrefix("# ") {
                title = String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces)
            } else {
                addProse(line, at: number)
            }
        }
        finishCell()
    }

    /// The lines up to the closing fence; `index` moves past it.
    private func fencedBody(_ lines: [String], from index: inout Int, fence: Fence, openedAt: Int) throws -> [String] {
        var body: [String] = []
        while index < lines.count {
            let line = lines[index].withoutTrailingWhitespace
            index += 1
            if fence.isClosed(by: line) { return body }
            body.append(line)
        }
        throw LessonFormatError(file: fileName, line: openedAt, message: "the fenced block opened here is never closed")
    }

    private mutating func take(_ fence: Fence, body: [String], line: Int, raw: String) throws {
        switch fence.tag {
        case LessonParser.commandTag:
            if commands != nil { finishCell() }
            if prose.allSatisfy({ $0.isEmpty }) { startLine = line }
            commands = body.map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            if commands!.isEmpty {
                throw LessonFormatError(file: fileName, line: line, message: "a ```pixelrnn block needs at least one command")
            }
        case LessonParser.expectTag:
            guard commands != nil, expected == nil else {
                throw LessonFormatError(file: fileName, line: line,
                                        message: "an ```expect block must come right after a ```pixelrnn block")
            }
            expected = body.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(ExpectedLine.init(parsing:))
            try checkPatterns(line: line)
        case LessonParser.hintTag:
            guard hint == nil else {
                throw LessonFormatError(file: fileName, line: line, message: "a cell has at most one ```hint block")
            }
            hint = body.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        default:
            addProse(raw, at: line)
            for text in body { prose.append(text) }
            prose.append(fence.closing)
        }
    }

    private func checkPatterns(line: Int) throws {
        for case .pattern(let regex) in expected ?? [] where ExpectedLine.compiled(regex) == nil {
            throw LessonFormatError(file: fileName, line: line, message: "the pattern '~ \(regex)' is not a valid regular expression")
        }
    }

    private mutating func addProse(_ line: String, at number: Int) {
        let blank = line.trimmingCharacters(in: .whitespaces).isEmpty
        if commands != nil {
            if blank { return }
            finishCell()
        }
        if prose.allSatisfy({ $0.isEmpty }) && !blank { startLine = number }
        prose.append(line)
    }

    private mutating func finishCell() {
        defer { prose = []; commands = nil; expected = nil; hint = nil }
        let text = prose.joined(separator: "\n").trimmingCharacters(in: .newlines)
        guard !text.isEmpty || commands != nil || hint != nil else { return }
        cells.append(LessonCell(prose: text, commands: commands ?? [], expected: expected ?? [],
                                hint: hint, line: startLine))
    }
}

/// A Markdown code fence: three or more backticks and a tag.
private struct Fence {
    let ticks: Int
    let tag: String

    init?(opening line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let ticks = trimmed.prefix(while: { $0 == "`" }).count
        guard ticks >= 3 else { return nil }
        self.ticks = ticks
        self.tag = trimmed.dropFirst(ticks).trimmingCharacters(in: .whitespaces).lowercased()
    }

    func isClosed(by line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count >= ticks && trimmed.allSatisfy { $0 == "`" }
    }

    var closing: String { String(repeating: "`", count: ticks) }
}
