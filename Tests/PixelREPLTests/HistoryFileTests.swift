import Foundation
import XCTest
@testable import PixelREPL

/// The prompt's history file, with real files in a temporary folder (issue 13): a
/// long history keeps its lines unless the user set a limit, and a path that
/// names anything but a history file is refused with one note and never written.
final class HistoryFileTests: XCTestCase {
    var folder: URL!
    var notes: [String] = []

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pixelrnn-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        notes = []
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A session's history set up as the prompt sets it up: the editor reads the
    /// file, one line is typed and remembered, then the session ends.
    func session(_ path: URL, limit: Int? = nil, typing lines: [String] = ["data show 1"]) {
        let editor = LineEditor(completer: Completer(session: Session()),
                                history: HistoryFile(path: path.path, limit: limit),
                                note: { [unowned self] in self.notes.append($0) })
        lines.forEach { editor.remember($0) }
        editor.close()
    }

    func numbered(_ count: Int) -> String {
        (1...count).map { "help \($0)" }.joined(separator: "\n") + "\n"
    }

    func testALongHistoryKeepsEveryLine() throws {
        let path = folder.appendingPathComponent("history")
        try numbered(5000).write(to: path, atomically: false, encoding: .utf8)
        session(path)
        let lines = try String(contentsOf: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 5001)
        XCTAssertEqual(lines.first, "help 1")
        XCTAssertEqual(lines.last, "data show 1")
        XCTAssertEqual(notes, [])
    }

    func testALimitTrimsToTheLastLinesThroughASymlinkKeepingPermissions() throws {
        let real = folder.appendingPathComponent("real-history")
        try numbered(5000).write(to: real, atomically: false, encoding: .utf8)
        chmod(real.path, 0o640)
        let link = folder.appendingPathComponent("history")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        session(link, limit: 100)
        let lines = try String(contentsOf: real, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 100)
        XCTAssertEqual(lines.first, "help 4902")
        XCTAssertEqual(lines.last, "data show 1")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), real.path, "the symlink stays")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: real.path)[.posixPermissions] as? Int, 0o640)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["history", "real-history"],
                       "no temporary file is left")
        XCTAssertEqual(notes, [])
    }

    func testTheLimitComesFromTheEnvironmentAndABadOneIsRefused() {
        /// "none", the limit, or "refused".
        func limit(_ text: String?) -> String {
            var environment: [String: String] = [:]
            environment["PIXELRNN_HISTORY_SIZE"] = text
            switch HistoryFile.limit(environment: environment) {
            case .success(let value): return value.map(String.init) ?? "none"
            case .failure: return "refused"
            }
        }
        XCTAssertEqual(limit(nil), "none")
        XCTAssertEqual(limit(""), "none")
        XCTAssertEqual(limit("250"), "250")
        XCTAssertEqual(limit(" 7 "), "7")
        for bad in ["abc", "0", "-1", "1e3", "2.5", "99999999", "9223372036854775808", "12abc"] {
            XCTAssertEqual(limit(bad), "refused", bad)
        }
        if case .failure(let refusal) = HistoryFile.limit(environment: ["PIXELRNN_HISTORY_SIZE": "abc"]) {
            XCTAssertTrue(refusal.message.contains("not trimmed"), refusal.message)
        } else {
            XCTFail("abc accepted")
        }
    }

    /// Each kind of path that is not a history file: one note, and the file (or
    /// what the path names) is exactly as before.
    func testFilesThatAreNotHistoryFilesAreRefusedAndLeftAlone() throws {
        let fileManager = FileManager.default
        func file(_ name: String, _ bytes: [UInt8]) throws -> URL {
            let url = folder.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url
        }
        let binary = try file("binary", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("help\n".utf8))
        let notUTF8 = try file("latin1", Array("data show 1\n".utf8) + [0xE9, 0xE8, 0x0A])
        let nul = try file("nul", Array("help\nhe".utf8) + [0] + Array("lp\n".utf8))
        let escapes = try file("escapes", Array("help\n\u{1B}[31mred\n".utf8))
        let directory = folder.appendingPathComponent("a-folder")
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: false)
        let fifo = folder.appendingPathComponent("fifo")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        let huge = folder.appendingPathComponent("huge")
        XCTAssertTrue(fileManager.createFile(atPath: huge.path, contents: Data("help\n".utf8)))
        XCTAssertEqual(truncate(huge.path, off_t(HistoryFile.largestSize + 1)), 0)   // sparse: nothing written
        var links: [URL] = []
        for target in [binary, directory, fifo, URL(fileURLWithPath: "/dev/null")] {
            let link = folder.appendingPathComponent("link-to-\(target.lastPathComponent)")
            try fileManager.createSymbolicLink(at: link, withDestinationURL: target)
            links.append(link)
        }
        let paths = [binary, notUTF8, nul, escapes, directory, fifo, huge,
                     URL(fileURLWithPath: "/dev/null"), URL(fileURLWithPath: "/dev/zero")] + links
        for path in paths {
            let before = try? Data(contentsOf: path)
            let modified = try? fileManager.attributesOfItem(atPath: path.path)[.modificationDate] as? Date
            notes = []
            let finished = DispatchSemaphore(value: 0)
            Thread {
                self.session(path, limit: 1, typing: ["help", "quit"])
                finished.signal()
            }.start()
            guard finished.wait(timeout: .now() + 10) == .success else {
                return XCTFail("\(path.lastPathComponent): the history setup blocked")
            }
            XCTAssertEqual(notes.count, 1, "\(path.lastPathComponent): \(notes)")
            XCTAssertTrue(notes.first?.hasPrefix("note: the history file ") == true, "\(notes)")
            XCTAssertTrue(notes.first?.contains("is not used: ") == true, "\(notes)")
            if path.path.hasPrefix("/dev/") || path == fifo || path == directory || path.lastPathComponent.hasPrefix("link-to") {
                // nothing to compare byte for byte: a read of these would block or fail
            } else {
                XCTAssertEqual(try Data(contentsOf: path), before, "\(path.lastPathComponent) was changed")
            }
            XCTAssertEqual(try? fileManager.attributesOfItem(atPath: path.path)[.modificationDate] as? Date, modified,
                           "\(path.lastPathComponent) was written")
        }
        XCTAssertEqual(try Data(contentsOf: binary).count, 17, "the binary file behind a symlink is untouched")
        XCTAssertEqual(try fileManager.contentsOfDirectory(atPath: directory.path), [], "nothing was created in the folder")
        XCTAssertEqual(try fileManager.attributesOfItem(atPath: huge.path)[.size] as? Int, HistoryFile.largestSize + 1)
    }

    func testAMissingFileIsCreatedAndAMissingFolderIsNotedOnce() throws {
        let path = folder.appendingPathComponent("new-history")
        session(path, typing: ["help", "help", "data show 1 "])
        XCTAssertEqual(try String(contentsOf: path, encoding: .utf8), "help\ndata show 1\n")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path.path)[.posixPermissions] as? Int, 0o600)
        XCTAssertEqual(notes, [])

        let nowhere = folder.appendingPathComponent("no-such-folder/history")
        session(nowhere, typing: ["help", "quit"])
        XCTAssertEqual(notes.count, 1, "\(notes)")
        XCTAssertTrue(notes.first?.contains("No such file") == true, "\(notes)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: nowhere.deletingLastPathComponent().path))
    }

    func testALastLineWithoutANewlineAndWindowsLineEnds() throws {
        let path = folder.appendingPathComponent("history")
        try "help\r\nmodel new pixelcnn".write(to: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(try HistoryFile(path: path.path, limit: nil).readLines().get(), ["help", "model new pixelcnn"])
        session(path)
        XCTAssertEqual(try String(contentsOf: path, encoding: .utf8), "help\r\nmodel new pixelcnn\ndata show 1\n")
        XCTAssertEqual(try HistoryFile(path: path.path, limit: nil).readLines().get(),
                       ["help", "model new pixelcnn", "data show 1"])
    }

    func testLinesTheFileCannotHoldAreNotWritten() throws {
        let path = folder.appendingPathComponent("history")
        let paste = String(repeating: "x", count: HistoryFile.longestLine + 1)
        session(path, typing: ["help", "say \u{1B}[31m", paste, "quit"])
        XCTAssertEqual(try String(contentsOf: path, encoding: .utf8), "help\nquit\n")
        XCTAssertEqual(try HistoryFile(path: path.path, limit: nil).readLines().get(), ["help", "quit"],
                       "the file stays a history file")
    }
}
