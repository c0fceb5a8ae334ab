import Foundation
import XCTest
@testable import PixelREPL

/// A shell over a fresh session, as the command tests drive it: no previews, not a terminal,
/// output written to a temporary folder of its own, and every printed line (output and
/// errors alike) captured in `lines`.
final class ShellHarness: ShellOutput {
    /// The temporary folder, the session's output folder; `removeFolder()` deletes it.
    let folder: URL
    /// What the shell printed (since the last `run`, which clears it).
    var lines: [String] = []
    private(set) var shell: Shell!

    var session: Session { shell.session }

    /// `name` goes into the folder's name: pixelrnn-<name>-<UUID>.
    init(name: String) {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pixelrnn-\(name)-\(UUID().uuidString)")
        shell = Shell(session: Session(outputDirectory: folder, previewsEnabled: false, isTerminal: false,
                                       writeLine: { [unowned self] in self.lines.append($0) },
                                       writeError: { [unowned self] in self.lines.append($0) }))
    }

    func removeFolder() { try? FileManager.default.removeItem(at: folder) }

    /// Runs a line that must succeed; returns what it printed.
    @discardableResult
    func run(_ line: String, file: StaticString = #filePath, lineNumber: UInt = #line) -> [String] {
        run(shell, line, file: file, lineNumber: lineNumber)
    }

    /// The one-line message of a line that fails; "(did not fail)" if it does not.
    func failure(_ line: String) -> String { failure(shell, line) }

    /// Runs a line that must fail with one line mentioning `text`.
    func fails(_ line: String, saying text: String, file: StaticString = #filePath, lineNumber: UInt = #line) {
        guard case .failed(let message) = shell.execute(line) else {
            return XCTFail("\(line) did not fail", file: file, line: lineNumber)
        }
        XCTAssertTrue(message.contains(text), "'\(message)' does not say '\(text)'", file: file, line: lineNumber)
        XCTAssertFalse(message.contains("\n"), file: file, line: lineNumber)
    }
}

/// A test case driving one `ShellHarness` (made in `setUp`): `shell`, `folder`, `lines`,
/// `run`, `failure` and `fails` are the harness's, so the tests read as a user types.
protocol ShellHarnessTestCase {
    var harness: ShellHarness! { get }
}

extension ShellHarnessTestCase {
    var shell: Shell { harness.shell }
    var folder: URL { harness.folder }
    var lines: [String] {
        get { harness.lines }
        nonmutating set { harness.lines = newValue }
    }

    @discardableResult
    func run(_ line: String, file: StaticString = #filePath, lineNumber: UInt = #line) -> [String] {
        harness.run(line, file: file, lineNumber: lineNumber)
    }

    func failure(_ line: String) -> String { harness.failure(line) }

    func fails(_ line: String, saying text: String, file: StaticString = #filePath, lineNumber: UInt = #line) {
        harness.fails(line, saying: text, file: file, lineNumber: lineNumber)
    }
}

/// Whatever collects the printed lines of its shells in `lines` (a harness, or a test case
/// that makes several shells): runs their lines.
protocol ShellOutput: AnyObject {
    var lines: [String] { get set }
}

extension ShellOutput {
    /// Runs a line on `shell` that must succeed; returns what it printed.
    @discardableResult
    func run(_ shell: Shell, _ line: String, file: StaticString = #filePath, lineNumber: UInt = #line) -> [String] {
        lines = []
        let outcome = shell.execute(line)
        XCTAssertEqual(outcome, .ran, "\(line): \(outcome) \(lines)", file: file, line: lineNumber)
        return lines
    }

    /// The one-line message of a line that fails on `shell`; "(did not fail)" if it does not.
    func failure(_ shell: Shell, _ line: String) -> String {
        if case .failed(let message) = shell.execute(line) { return message }
        return "(did not fail)"
    }
}
