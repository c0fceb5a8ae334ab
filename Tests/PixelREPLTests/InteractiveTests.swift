import Foundation
import XCTest

/// Drives the interactive REPL through a pseudo-terminal, as a person would:
/// tab completion, Ctrl-C during a command and at the prompt, the history file
/// across two runs, Ctrl-D.
final class InteractiveTests: XCTestCase {
    /// A running `pixelrnn` on a pseudo-terminal, with everything it wrote so far.
    final class Terminal {
        let process = Process()
        let master: Int32
        private let lock = NSLock()
        private var buffer = Data()
        private var reader: Thread?

        init(executable: URL, environment: [String: String]) throws {
            // posix_openpt & co. are not in Swift's Glibc module (they need
            // _XOPEN_SOURCE): look them up in the C library.
            typealias IntFunction = @convention(c) (Int32) -> Int32
            typealias NameFunction = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
            func symbol<T>(_ name: String, _: T.Type) -> T? {
                dlsym(nil, name).map { unsafeBitCast($0, to: T.self) }
            }
            guard let openpt = symbol("posix_openpt", IntFunction.self),
                  let grantpt = symbol("grantpt", IntFunction.self),
                  let unlockpt = symbol("unlockpt", IntFunction.self),
                  let ptsname = symbol("ptsname", NameFunction.self) else {
                throw CocoaError(.featureUnsupported)
            }
            master = openpt(O_RDWR | O_NOCTTY)
            guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0, let name = ptsname(master) else {
                throw CocoaError(.fileReadUnknown)
            }
            let slave = open(String(cString: name), O_RDWR | O_NOCTTY)
            guard slave >= 0 else { throw CocoaError(.fileReadUnknown) }
            let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
            process.executableURL = executable
            process.environment = environment
            process.standardInput = handle
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            close(slave)
            let master = self.master
            reader = Thread { [weak self] in
                var bytes = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = read(master, &bytes, bytes.count)
                    if n <= 0 { break }
                    guard let self else { break }
                    self.lock.lock()
                    self.buffer.append(contentsOf: bytes[0..<n])
                    self.lock.unlock()
                }
            }
            reader?.start()
        }

        var text: String {
            lock.lock(); defer { lock.unlock() }
            return String(decoding: buffer, as: UTF8.self)
        }

        /// Ctrl-C. The program is not the terminal's foreground process group
        /// here, so the signal is sent directly, as the terminal would.
        func interrupt() { process.interrupt() }

        func type(_ keys: String) {
            let bytes = Array(keys.utf8)
            _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        }

        /// Waits until the output contains `pattern` `count` times (at most `seconds`).
        @discardableResult
        func waitFor(_ pattern: String, count: Int = 1, seconds: Double = 10) -> Bool {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                if text.components(separatedBy: pattern).count - 1 >= count { return true }
                usleep(20_000)
            }
            return false
        }

        func finish(seconds: Double = 10) -> Int32? {
            let end = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < end { usleep(20_000) }
            if process.isRunning { process.terminate(); return nil }
            return process.terminationStatus
        }

        deinit {
            if process.isRunning { process.terminate() }
            close(master)
        }
    }

    func start(history: URL, limit: String? = nil) throws -> Terminal {
        let executable = try locateExecutable()
        var environment = ProcessInfo.processInfo.environment
        environment["PIXELRNN_HISTORY"] = history.path
        environment["PIXELRNN_HISTORY_SIZE"] = limit
        environment["PIXELRNN_DEBUG_COMMANDS"] = "1"
        environment["TERM"] = "xterm"
        environment["COLUMNS"] = "100"
        environment["LINES"] = "40"
        environment["INPUTRC"] = "/dev/null"
        let terminal = try Terminal(executable: executable, environment: environment)
        XCTAssertTrue(terminal.waitFor("pixelrnn> "), "no prompt: \(terminal.text)")
        return terminal
    }

    func testCompletionInterruptionAndHistory() throws {
        let history = FileManager.default.temporaryDirectory.appendingPathComponent("pixelrnn-history-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: history) }

        let first = try start(history: history)
        // Tab completes a command name; the command runs.
        first.type("hel\t")
        XCTAssertTrue(first.waitFor("help "), first.text)
        first.type("set\n")
        XCTAssertTrue(first.waitFor("usage: set"), first.text)
        // Tab completes a sub-command and its value.
        first.type("set prev\t")
        XCTAssertTrue(first.waitFor("set previews "), first.text)
        first.type("of\t\n")
        XCTAssertTrue(first.waitFor("previews off"), first.text)
        // Ctrl-C during a long command stops it; the program goes on.
        XCTAssertTrue(first.waitFor("pixelrnn> ", count: 3), first.text)
        first.type("debug-wait 30\n")
        XCTAssertTrue(first.waitFor("debug-wait 30\r\n"), first.text)
        usleep(300_000)
        first.interrupt()
        XCTAssertTrue(first.waitFor("error: interrupted (Ctrl-C)", seconds: 5), first.text)
        // Ctrl-C at the prompt discards the half-typed line.
        XCTAssertTrue(first.waitFor("pixelrnn> ", count: 4), first.text)
        first.type("half typed")
        XCTAssertTrue(first.waitFor("half typed"), first.text)
        first.interrupt()
        XCTAssertTrue(first.waitFor("half typed^C"), first.text)
        first.type("debug-step\n")
        XCTAssertTrue(first.waitFor("step 1"), first.text)
        XCTAssertFalse(first.text.contains("unknown command 'half"), "the discarded line must not run")
        // An empty line repeats the stepping command.
        first.type("\n")
        XCTAssertTrue(first.waitFor("step 2"), first.text)
        first.type("nosuch\n")
        XCTAssertTrue(first.waitFor("error: unknown command 'nosuch'"), first.text)
        first.type("quit\n")
        XCTAssertEqual(first.finish(), 0, first.text)

        let saved = try String(contentsOf: history, encoding: .utf8)
        XCTAssertEqual(saved.split(separator: "\n"), ["help set", "set previews off", "debug-wait 30",
                                                       "debug-step", "nosuch", "quit"])

        // A second run reads the history: Up arrow four times gives "debug-wait 30"; edit it to 0.
        let second = try start(history: history)
        second.type("\u{1b}[A\u{1b}[A\u{1b}[A\u{1b}[A")
        XCTAssertTrue(second.waitFor("wait 30"), second.text)   // readline redraws only what changed
        second.type("\u{8}\u{8}0\n")   // two backspaces: "debug-wait 0"
        XCTAssertTrue(second.waitFor("waited 0 s"), second.text)
        second.type("\u{4}")   // Ctrl-D on an empty line
        XCTAssertEqual(second.finish(), 0, second.text)
    }

    /// Issue 13: one session cut a 5,000-line history file to 1,000 lines, and
    /// appended to a binary file named by PIXELRNN_HISTORY.
    func testALongHistoryFileIsKeptAndABinaryOneIsNotWritten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pixelrnn-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let long = folder.appendingPathComponent("long")
        let numbered = (1...5000).map { "help \($0)" }
        try (numbered.joined(separator: "\n") + "\n").write(to: long, atomically: false, encoding: .utf8)
        let first = try start(history: long)
        first.type("\u{1b}[A")   // Up: the file's last line
        XCTAssertTrue(first.waitFor("help 5000"), first.text)
        first.type("\u{15}set previews off\n")   // Ctrl-U clears the line
        XCTAssertTrue(first.waitFor("pixelrnn> ", count: 2), first.text)
        first.type("quit\n")
        XCTAssertEqual(first.finish(), 0, first.text)
        let kept = try String(contentsOf: long, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(kept, numbered + ["set previews off", "quit"])

        let binary = folder.appendingPathComponent("picture.png")
        let bytes = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
        try bytes.write(to: binary)
        let second = try start(history: binary)
        XCTAssertTrue(second.text.contains("note: the history file"), second.text)
        second.type("quit\n")
        XCTAssertEqual(second.finish(), 0, second.text)
        XCTAssertEqual(try Data(contentsOf: binary), bytes)

        // With a limit set, the session trims the file to its last lines.
        let third = try start(history: long, limit: "10")
        third.type("quit\n")
        XCTAssertEqual(third.finish(), 0, third.text)
        let trimmed = try String(contentsOf: long, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(trimmed, Array(numbered.suffix(8)) + ["set previews off", "quit"])
    }
}
