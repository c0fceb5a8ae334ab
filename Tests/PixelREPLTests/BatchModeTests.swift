import Foundation
import XCTest

/// Runs the built `pixelrnn` executable as a subprocess: `-c`, script-file and
/// standard-input modes, and their exit statuses.
final class BatchModeTests: XCTestCase {
    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    func executable() throws -> URL { try locateExecutable() }

    func run(_ arguments: [String], input: String? = nil, debug: Bool = true) throws -> Run {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PIXELRNN_HISTORY"] = ""
        environment["PIXELRNN_DEBUG_COMMANDS"] = debug ? "1" : "0"
        process.environment = environment
        let out = Pipe(), err = Pipe(), inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        try process.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try inp.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   output: String(decoding: outData, as: UTF8.self),
                   errors: String(decoding: errData, as: UTF8.self))
    }

    func temporaryFile(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pixelrnn-batch-\(UUID().uuidString).txt")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testCommandsSucceed() throws {
        let r = try run(["-c", "help", "-c", "help set"])
        XCTAssertEqual(r.status, 0, r.errors)
        XCTAssertTrue(r.output.contains("Commands:"))
        XCTAssertTrue(r.output.contains("usage: set"))
        XCTAssertEqual(r.errors, "")
    }

    func testCommandFailsWithItsNumber() throws {
        let r = try run(["-c", "help", "-c", "set previews off", "-c", "hlep", "-c", "help"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.errors, "error: command 3 (hlep): unknown command 'hlep' — did you mean 'help'?\n")
        XCTAssertEqual(r.output.components(separatedBy: "Commands:").count, 2, "stops at the failure")
    }

    /// The failing line is echoed with its control characters escaped (ESC, BEL).
    func testAFailingLineIsEchoedEscaped() throws {
        let script = try temporaryFile("bogus\u{1B}[31m\u{07}\n")
        let r = try run([script.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.errors.contains("(bogus\\e[31m\\a)"), r.errors)
        XCTAssertFalse(r.errors.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, r.errors)
    }

    func testScriptFile() throws {
        let good = try temporaryFile("# a script\n\nhelp quit   # comment\n   \nset previews off\n")
        let r = try run([good.path])
        XCTAssertEqual(r.status, 0, r.errors)
        XCTAssertTrue(r.output.contains("usage: quit"))

        let bad = try temporaryFile("help\n# two\nset prevews off\nhelp\n")
        let b = try run([bad.path])
        XCTAssertEqual(b.status, 1)
        XCTAssertEqual(b.errors, "error: \(bad.lastPathComponent) line 3 (set prevews off): "
                       + "unknown command 'set prevews' — did you mean 'set previews'?\n")
    }

    /// A script saved with Windows line ends runs one command a line (issue 13: it ran as one).
    func testScriptFileWithWindowsLineEnds() throws {
        let script = try temporaryFile("help quit\r\nmask A 3\r\n\r\nset prevews off\r\n")
        let r = try run([script.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.output.contains("usage: quit"), r.output)
        XCTAssertEqual(r.errors, "error: \(script.lastPathComponent) line 4 (set prevews off): "
                       + "unknown command 'set prevews' — did you mean 'set previews'?\n")
    }

    /// A 1 MB line is quoted short in the error line.
    func testAHugeLineGivesAShortError() throws {
        let r = try run([], input: String(repeating: "x", count: 1_000_000) + "\n")
        XCTAssertEqual(r.status, 1)
        XCTAssertLessThan(r.errors.utf8.count, 400, String(r.errors.prefix(200)))
    }

    func testMissingScriptFile() throws {
        let r = try run(["/nonexistent/script.txt"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.errors, "error: /nonexistent/script.txt: no such file\n")
    }

    func testStandardInput() throws {
        let r = try run([], input: "help\n\n# nothing\nset out /tmp/pixelrnn-batch-out\n")
        XCTAssertEqual(r.status, 0, r.errors)
        XCTAssertFalse(r.output.contains("pixelrnn>"), "no prompt when standard input is not a terminal")
        XCTAssertTrue(r.output.contains("Commands:"))

        let b = try run([], input: "help\nset previews on\ndata shw\nhelp\n")
        XCTAssertEqual(b.status, 1)
        XCTAssertTrue(b.errors.hasPrefix("error: line 3 (data shw): unknown command 'data"), b.errors)
        XCTAssertEqual(b.errors.split(separator: "\n").count, 1)
    }

    func testQuitStopsWithSuccess() throws {
        let r = try run([], input: "quit\nno-such-command\n")
        XCTAssertEqual(r.status, 0, r.errors)
    }

    func testOtherErrorsAndArguments() throws {
        let r = try run(["-c", "debug-fail"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.errors.split(separator: "\n").count, 1, r.errors)
        XCTAssertTrue(r.errors.hasPrefix("error: command 1 (debug-fail): DebugFailure"), r.errors)

        let o = try run(["-c", "set --loud"])
        XCTAssertEqual(o.status, 1)
        XCTAssertEqual(o.errors, "error: command 1 (set --loud): 'set' takes no options, got '--loud' "
                       + "(usage: set [previews on|off | out DIR])\n")
    }

    func testProgramOptions() throws {
        let v = try run(["--version"])
        XCTAssertEqual(v.status, 0)
        XCTAssertTrue(v.output.hasPrefix("pixelrnn "))
        let h = try run(["--help"])
        XCTAssertEqual(h.status, 0)
        XCTAssertTrue(h.output.contains("usage: pixelrnn"))
        let bad = try run(["--verison"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.errors, "error: unknown option '--verison' — did you mean '--version'? (see pixelrnn --help)\n")
        let missing = try run(["-c"])
        XCTAssertEqual(missing.status, 2)
        let out = try run(["--out", "/tmp/pixelrnn-out-option", "--no-preview", "-c", "set"])
        XCTAssertEqual(out.status, 0, out.errors)
        XCTAssertTrue(out.output.contains("previews  off"))
        XCTAssertTrue(out.output.contains("out       /tmp/pixelrnn-out-option"))
    }

    func testInterruptDuringABatchCommand() throws {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = ["-c", "debug-wait 30", "-c", "help"]
        var environment = ProcessInfo.processInfo.environment
        environment["PIXELRNN_DEBUG_COMMANDS"] = "1"
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        let started = Date()
        try process.run()
        usleep(500_000)
        process.interrupt()   // SIGINT
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "Ctrl-C should stop the command at once")
        XCTAssertEqual(process.terminationReason, .exit, "the program ends normally, not by the signal")
        XCTAssertEqual(process.terminationStatus, 1)
        XCTAssertEqual(errors, "error: command 1 (debug-wait 30): interrupted (Ctrl-C)\n")
    }
}

/// `$PIXELRNN_BIN`, else `pixelrnn` next to the test bundle (same build
/// folder), else `.build/debug/pixelrnn` in the package. Fails clearly if none.
func locateExecutable() throws -> URL {
    var candidates: [URL] = []
    if let path = ProcessInfo.processInfo.environment["PIXELRNN_BIN"], !path.isEmpty {
        candidates.append(URL(fileURLWithPath: path))
    } else {
        var folder = Bundle.main.bundleURL
        for _ in 0..<3 {
            candidates.append(folder.appendingPathComponent("pixelrnn"))
            folder.deleteLastPathComponent()
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("pixelrnn"))
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(package.appendingPathComponent(".build/debug/pixelrnn"))
    }
    for url in candidates where FileManager.default.isExecutableFile(atPath: url.path) {
        return url
    }
    XCTFail("the pixelrnn executable is missing (looked at \(candidates.map(\.path))); "
            + "run 'swift build' first, or set PIXELRNN_BIN")
    throw ExecutableMissing()
}

struct ExecutableMissing: Error {}
