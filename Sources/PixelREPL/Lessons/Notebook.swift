import Foundation

/// A session written down: every command with what it printed and the pictures
/// it wrote, as a self-contained HTML page or as Markdown with image links.
public struct Notebook {
    /// The commands, in order, with their output and pictures.
    public var entries: [TranscriptEntry]
    /// When the notebook was made.
    public var date: Date

    /// The notebook of `entries`.
    public init(entries: [TranscriptEntry], date: Date = Date()) {
        self.entries = entries
        self.date = date
    }

    /// The session so far, without the `notebook save` command being run.
    public init(session: Session, date: Date = Date()) {
        var entries = session.transcript
        if let last = entries.last, last.command.trimmingCharacters(in: .whitespaces).hasPrefix("notebook") {
            entries.removeLast()
        }
        self.init(entries: entries, date: date)
    }

    /// `12 commands, 3 pictures`.
    public var summary: String {
        let pictures = entries.reduce(0) { $0 + $1.pictures.count }
        return "\(entries.count) command\(entries.count == 1 ? "" : "s"), \(pictures) picture\(pictures == 1 ? "" : "s")"
    }

    /// The date as `2025-01-31 14:05`.
    var dateText: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// Output lines without terminal colour escapes.
    static func plain(_ line: String) -> String {
        guard line.contains("\u{1B}") else { return line }
        return line.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
    }

    /// True for a line the shell printed as an error.
    static func isError(_ line: String) -> Bool { line.hasPrefix("error:") }
}

// MARK: - HTML

extension Notebook {
    /// A self-contained page: styles inside, pictures inlined as base64 PNG data.
    /// A picture that is no longer on disk is named instead of shown.
    public func html() -> String {
        var body: [String] = []
        for (index, entry) in entries.enumerated() {
            body.append(htmlCell(entry, number: index + 1))
        }
        if entries.isEmpty { body.append("<p class=\"empty\">No commands yet.</p>") }
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>pixelrnn notebook — \(Notebook.escape(dateText))</title>
        <style>
        \(Notebook.css)
        </style>
        </head>
        <body>
        <header>
        <h1>pixelrnn notebook</h1>
        <p class="meta">\(Notebook.escape(dateText)) · pixelrnn \(PixelREPLVersion.string) · \(summary)</p>
        </header>
        <main>
        \(body.joined(separator: "\n"))
        </main>
        </body>
        </html>

        """
    }

    func htmlCell(_ entry: TranscriptEntry, number: Int) -> String {
        var parts = ["<section class=\"cell\">",
                     "<div class=\"cmd\"><span class=\"n\">[\(number)]</span><span class=\"prompt\">pixelrnn&gt;</span> "
                        + "<code>\(Notebook.escape(entry.command))</code></div>"]
        let lines = entry.output.map(Notebook.plain)
        if !lines.isEmpty {
            let shown = lines.map { line in
                Notebook.isError(line) ? "<span class=\"err\">\(Notebook.escape(line))</span>" : Notebook.escape(line)
            }
            parts.append("<pre class=\"out\">\(shown.joined(separator: "\n"))</pre>")
        }
        for picture in entry.pictures {
            parts.append(htmlFigure(picture))
        }
        parts.append("</section>")
        return parts.joined(separator: "\n")
    }

    func htmlFigure(_ picture: URL) -> String {
        let name = Notebook.escape(picture.lastPathComponent)
        guard let data = try? Data(contentsOf: picture) else {
            return "<p class=\"missing\">picture no longer on disk: \(Notebook.escape(picture.path))</p>"
        }
        return "<figure><img src=\"data:image/png;base64,\(data.base64EncodedString())\" alt=\"\(name)\">"
            + "<figcaption>\(name)</figcaption></figure>"
    }

    /// Text made safe inside HTML elements and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let css = """
    :root { --ink: #1f2328; --muted: #6a737d; --line: #d8dee4; --paper: #ffffff; --page: #f3f4f6;
            --term: #1d2330; --term-ink: #e8eaf0; --prompt: #8bd49c; --err: #b42318; }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--page); color: var(--ink);
           font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
    header, main { max-width: 1000px; margin: 0 auto; padding: 0 24px; }
    header { padding-top: 28px; padding-bottom: 4px; }
    h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: -0.01em; }
    .meta { color: var(--muted); margin: 0 0 12px; font-size: 14px; }
    .cell { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
            margin: 14px 0; overflow: hidden; box-shadow: 0 1px 2px rgba(0,0,0,0.04); }
    .cmd, pre.out { font: 13.5px/1.45 "DejaVu Sans Mono", ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
    .cmd { background: var(--term); color: var(--term-ink); padding: 8px 14px; white-space: pre-wrap; }
    .cmd code { font: inherit; color: inherit; }
    .cmd .n { color: #7c8599; margin-right: 10px; font-size: 12px; }
    .cmd .prompt { color: var(--prompt); font-weight: bold; }
    pre.out { margin: 0; padding: 10px 14px; white-space: pre-wrap; overflow-wrap: anywhere; color: var(--ink);
              border-bottom: 1px solid #f0f1f3; }
    pre.out:last-child { border-bottom: none; }
    .err { color: var(--err); font-weight: bold; }
    figure { margin: 0; padding: 14px; text-align: center; border-top: 1px solid #f0f1f3; }
    figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
    figcaption { color: var(--muted); font-size: 13px; margin-top: 6px;
                 font-family: "DejaVu Sans Mono", ui-monospace, monospace; }
    .missing, .empty { color: var(--muted); font-style: italic; padding: 8px 14px; margin: 0; }
    """
}

// MARK: - Markdown

extension Notebook {
    /// The Markdown text, with pictures linked as `<folderName>/<picture>.png`, and
    /// the copies to make: source file → name inside that folder.
    public func markdown(imageFolderName: String) -> (text: String, copies: [(source: URL, name: String)]) {
        var names = PictureNames()
        var lines = ["# pixelrnn notebook", "", "\(dateText) · pixelrnn \(PixelREPLVersion.string) · \(summary)", ""]
        for (index, entry) in entries.enumerated() {
            let block = ["pixelrnn> " + entry.command] + entry.output.map(Notebook.plain)
            let fence = Notebook.fence(for: block)
            lines += ["**[\(index + 1)]**", "", fence + "text"] + block + [fence, ""]
            for picture in entry.pictures {
                guard FileManager.default.fileExists(atPath: picture.path) else {
                    lines += ["*(picture no longer on disk: \(picture.path))*", ""]
                    continue
                }
                let name = names.name(for: picture)
                let link = Notebook.linkPath(imageFolderName + "/" + name)
                lines += ["![\(Notebook.altText(name))](\(link))", ""]
            }
        }
        return (lines.joined(separator: "\n"), names.assigned)
    }

    /// A backtick fence longer than any run of backticks in the block.
    static func fence(for block: [String]) -> String {
        var longest = 0
        for line in block {
            var run = 0
            for character in line {
                run = character == "`" ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    /// A relative link with spaces and brackets percent-encoded.
    static func linkPath(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "()[] ")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }

    static func altText(_ name: String) -> String {
        name.replacingOccurrences(of: "[", with: "(").replacingOccurrences(of: "]", with: ")")
    }
}

/// Unique file names for pictures copied next to a Markdown notebook: the
/// original name, or `name-2.png` when another picture already has it.
private struct PictureNames {
    private(set) var assigned: [(source: URL, name: String)] = []

    mutating func name(for source: URL) -> String {
        if let known = assigned.first(where: { $0.source.standardizedFileURL == source.standardizedFileURL }) {
            return known.name
        }
        let stem = source.deletingPathExtension().lastPathComponent
        let ext = source.pathExtension.isEmpty ? "png" : source.pathExtension
        var candidate = "\(stem).\(ext)"
        var counter = 2
        while assigned.contains(where: { $0.name == candidate }) {
            candidate = "\(stem)-\(counter).\(ext)"
            counter += 1
        }
        assigned.append((source, candidate))
        return candidate
    }
}
