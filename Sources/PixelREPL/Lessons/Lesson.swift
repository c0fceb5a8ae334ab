import Foundation

/// One guided lesson, read from `Lessons/NN-name.md` (see Lessons/README.md).
///
/// A lesson is a title and a list of cells. The learner walks the cells one by
/// one (`lesson next`, `lesson back`); `lesson check` runs every cell's commands
/// headless and compares what they print with the cell's expected lines.
public struct Lesson: Equatable {
    /// The lesson's number, from the file name (`03-pixelcnn.md` → 3).
    public var number: Int
    /// The file name without `.md` (`03-pixelcnn`).
    public var name: String
    /// The text of the `# ` heading.
    public var title: String
    /// The cells, in order.
    public var cells: [LessonCell]
    /// The file the lesson was read from, if any.
    public var file: URL?

    /// A lesson made directly (tests) or by `LessonParser`.
    public init(number: Int, name: String, title: String, cells: [LessonCell], file: URL? = nil) {
        self.number = number
        self.name = name
        self.title = title
        self.cells = cells
        self.file = file
    }

    /// Every command of every cell, in order.
    public var commands: [String] { cells.flatMap(\.commands) }

    /// The cell holding the `## Question` heading, if any.
    public var questionCell: LessonCell? { cells.first(where: \.isQuestion) }
}

/// One step of a lesson: prose, then the commands to type, then the lines their
/// output must contain, and an optional hint.
public struct LessonCell: Equatable {
    /// The prose before the commands (Markdown, as written).
    public var prose: String
    /// The REPL commands of the cell's ```pixelrnn block, one per line.
    public var commands: [String]
    /// The lines of the ```expect block after the commands (empty: nothing checked).
    public var expected: [ExpectedLine]
    /// The text of the cell's ```hint block, if any.
    public var hint: String?
    /// The line in the lesson file where the cell starts (1-based).
    public var line: Int

    /// A cell made directly (tests) or by `LessonParser`.
    public init(prose: String, commands: [String] = [], expected: [ExpectedLine] = [],
                hint: String? = nil, line: Int = 1) {
        self.prose = prose
        self.commands = commands
        self.expected = expected
        self.hint = hint
        self.line = line
    }

    /// True when the prose holds the lesson's question (a `## Question` heading).
    public var isQuestion: Bool {
        prose.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("## question") }
    }
}

/// One line of an ```expect block: exact text, a regular expression, or a gap.
public enum ExpectedLine: Equatable, CustomStringConvertible {
    /// The output line must equal this text (trailing spaces ignored).
    case exact(String)
    /// The output line must match this regular expression as a whole
    /// (written `~ pattern` in the lesson).
    case pattern(String)
    /// Any number of output lines, none included (written `...`).
    case skip

    /// Reads one line of an expect block.
    public init(parsing line: String) {
        let text = line.withoutTrailingWhitespace
        if text == "..." {
            self = .skip
        } else if text.hasPrefix("~ ") {
            self = .pattern(String(text.dropFirst(2)))
        } else {
            self = .exact(text)
        }
    }

    /// The line as written in the lesson.
    public var description: String {
        switch self {
        case .exact(let text): return text
        case .pattern(let regex): return "~ " + regex
        case .skip: return "..."
        }
    }

    /// True when `output` (one printed line) satisfies this expected line; a gap
    /// matches nothing by itself. A malformed pattern matches nothing.
    public func matches(_ output: String) -> Bool {
        let line = output.withoutTrailingWhitespace
        switch self {
        case .exact(let text):
            return line == text
        case .pattern(let regex):
            guard let expression = ExpectedLine.compiled(regex) else { return false }
            return expression.matches(line)
        case .skip:
            return false
        }
    }

    /// The regular expression of a pattern, or nil when it does not compile.
    static func compiled(_ regex: String) -> LinePattern? {
        if let cached = regexCache[regex] { return cached }
        let expression = LinePattern(regex)
        regexCache[regex] = expression
        return expression
    }

    private static var regexCache: [String: LinePattern?] = [:]
}

extension String {
    /// The string without spaces, tabs or a carriage return at its end (lesson
    /// checks compare lines without them).
    var withoutTrailingWhitespace: String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
