import Foundation
import XCTest
@testable import PixelREPL

/// `notebook save`: HTML with the commands, escaped output and inlined PNGs;
/// Markdown whose image links resolve to copied files; one-line errors.
final class NotebookTests: XCTestCase {
    var folder: URL!
    var shell: Shell!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pixelrnn-notebook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let session = Session(outputDirectory: folder.appendingPathComponent("out"), previewsEnabled: false,
                              writeLine: { _ in }, writeError: { _ in })
        shell = Shell(session: session)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A short session: a command with output and a picture, and a failing one
    /// whose error line holds characters HTML must escape.
    func playSession() {
        XCTAssertEqual(shell.execute("mask A 3 --png"), .ran)
        _ = shell.executeAndReport("mask <b>&")
    }

    func save(_ name: String) -> LineOutcome {
        shell.execute("notebook save \"\(folder.appendingPathComponent(name).path)\"")
    }

    func testHTMLHasCommandsEscapedOutputAndInlinedPNG() throws {
        playSession()
        XCTAssertEqual(save("nb.html"), .ran)
        let html = try String(contentsOf: folder.appendingPathComponent("nb.html"), encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("<code>mask A 3 --png</code>"))
        XCTAssertTrue(html.contains("<code>mask &lt;b&gt;&amp;</code>"), "the command is escaped")
        XCTAssertTrue(html.contains("centre (1, 1) is 0: the first layer must not see the pixel it predicts"))
        XCTAssertTrue(html.contains("<span class=\"err\">error: "), "errors are marked")
        XCTAssertFalse(html.contains("<b>&"), "nothing unescaped")
        let marker = "data:image/png;base64,"
        let start = try XCTUnwrap(html.range(of: marker)).upperBound
        let base64 = html[start...].prefix { $0 != "\"" }
        let png = try XCTUnwrap(Data(base64Encoded: String(base64)))
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a real PNG")
        XCTAssertFalse(html.contains("src=\"file:"), "self-contained: no file links")
        XCTAssertFalse(html.contains("notebook save"), "the saving command itself is left out")
    }

    func testMarkdownLinksResolveToCopiedPictures() throws {
        playSession()
        XCTAssertEqual(shell.execute("mask B 3 --png"), .ran)
        XCTAssertEqual(save("my notes.md"), .ran)
        let file = folder.appendingPathComponent("my notes.md")
        let markdown = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(markdown.contains("```text\npixelrnn> mask A 3 --png\nmask A, 3×3"))
        let links = markdown.components(separatedBy: "\n").filter { $0.hasPrefix("![") }
        XCTAssertEqual(links.count, 2)
        for link in links {
            let target = String(link.drop { $0 != "(" }.dropFirst().dropLast())
            XCTAssertTrue(target.hasPrefix("my%20notes_files/"), target)
            let path = try XCTUnwrap(target.removingPercentEncoding)
            let copied = folder.appendingPathComponent(path)
            XCTAssertTrue(FileManager.default.fileExists(atPath: copied.path), "\(copied.path) exists")
        }
    }

    func testFencesOutgrowBackticksInTheOutput() {
        XCTAssertEqual(Notebook.fence(for: ["plain"]), "```")
        XCTAssertEqual(Notebook.fence(for: ["a ```` b"]), "`````")
    }

    func testPictureNamesDoNotCollide() throws {
        let a = folder.appendingPathComponent("a/p.png"), b = folder.appendingPathComponent("b/p.png")
        for url in [a, b] {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data([1]).write(to: url)
        }
        var first = TranscriptEntry(command: "one"); first.pictures = [a]
        var second = TranscriptEntry(command: "two"); second.pictures = [b, a]
        let (_, copies) = Notebook(entries: [first, second]).markdown(imageFolderName: "x_files")
        XCTAssertEqual(copies.map(\.name), ["p.png", "p-2.png"])
    }

    func testBadExtensionAndUnwritablePathAreOneLineErrors() {
        playSession()
        XCTAssertEqual(save("nb.txt"), .failed("a notebook is FILE.html or FILE.md, got .txt in 'nb.txt'"))
        XCTAssertEqual(shell.execute("notebook save nb"), .failed("a notebook is FILE.html or FILE.md, got no extension in 'nb'"))
        let missing = folder.appendingPathComponent("no/such/folder/nb.html").path
        XCTAssertEqual(shell.execute("notebook save \(missing)"),
                       .failed("cannot write \(missing): the folder \(folder.appendingPathComponent("no/such/folder").path) does not exist"))
        XCTAssertEqual(shell.execute("notebook save \(folder.path).html/x.html").isFailure, true)
        XCTAssertEqual(shell.execute("notebook"), .failed("usage: notebook save FILE.html|FILE.md"))
    }

    func testAnEmptySessionStillMakesAPage() {
        let html = Notebook(entries: []).html()
        XCTAssertTrue(html.contains("No commands yet."))
    }
}

private extension LineOutcome {
    var isFailure: Bool { if case .failed = self { return true } else { return false } }
}
