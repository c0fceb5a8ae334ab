import XCTest
@testable import PixelREPL

/// A session whose output and errors are captured, with the shell's own commands
/// plus a few test commands.
final class Harness {
    var lines: [String] = []
    var errors: [String] = []
    let session: Session
    let shell: Shell

    init(extra: [Command] = []) {
        let out = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("pixelrnn-tests-out")
        session = Session(outputDirectory: out, writeLine: { _ in }, writeError: { _ in })
        shell = Shell(session: session)
        session.writeLine = { [unowned self] in self.lines.append($0) }
        session.writeError = { [unowned self] in self.errors.append($0) }
        session.registry = CommandRegistry(helpCommands + extra)
    }
}

final class ShellTests: XCTestCase {
    var log: [String] = []

    func makeHarness() -> Harness {
        Harness(extra: [
            Command(name: "food", summary: "eat", usage: "food [--kind KIND]", examples: ["food --kind pie"],
                    options: [OptionSpec("kind", help: "what")],
                    run: { [unowned self] session, a in
                        self.log.append("food \(a.value("kind") ?? "-")")
                        session.say("ate")
                    }),
            Command(name: "step", summary: "step", usage: "step", examples: ["step"], repeatsOnEmptyLine: true,
                    run: { [unowned self] _, _ in self.log.append("step") }),
            Command(name: "data", summary: "data", usage: "data load|show|info", examples: ["data load"],
                    subcommands: ["load", "show", "info"],
                    run: { [unowned self] _, a in self.log.append("data \(a.positional.joined(separator: " "))") }),
            Command(name: "lesson", summary: "lessons", usage: "lesson list|N", examples: ["lesson 1"],
                    subcommands: ["list", "next"], subcommandsAreExhaustive: false,
                    run: { [unowned self] _, a in self.log.append("lesson \(a.positional.joined(separator: " "))") }),
            Command(name: "crash", summary: "throws", usage: "crash", examples: ["crash"],
                    run: { _, _ in throw CocoaError(.fileNoSuchFile) }),
            Command(name: "odd", summary: "throws", usage: "odd", examples: ["odd"],
                    run: { _, _ in throw OddError.bad(code: 3) }),
            Command(name: "long", summary: "polls", usage: "long", examples: ["long"],
                    run: { _, _ in
                        Interruption.requested = true   // as if Ctrl-C came during the loop
                        for _ in 0..<1000 { try Interruption.check() }
                    }),
        ])
    }

    enum OddError: Error { case bad(code: Int) }

    func testRunsACommandWithOptions() {
        let h = makeHarness()
        XCTAssertEqual(h.shell.execute("food --kind pie  # lunch"), .ran)
        XCTAssertEqual(log, ["food pie"])
        XCTAssertEqual(h.lines, ["ate"])
        XCTAssertEqual(h.session.transcript.last?.command, "food --kind pie  # lunch")
        XCTAssertEqual(h.session.transcript.last?.output, ["ate"])
    }

    func testBlankLinesAndComments() {
        let h = makeHarness()
        XCTAssertEqual(h.shell.execute(""), .nothing)
        XCTAssertEqual(h.shell.execute("   # nothing here"), .nothing)
        XCTAssertTrue(log.isEmpty)
    }

    func testUnknownCommandSuggests() {
        let h = makeHarness()
        XCTAssertEqual(h.shell.execute("foo"), .failed("unknown command 'foo' — did you mean 'food'?"))
        h.shell.executeAndReport("foo")
        XCTAssertEqual(h.errors, ["error: unknown command 'foo' — did you mean 'food'?"])
    }

    /// Whatever a line holds, its error reaches the terminal as one line with no control
    /// character: an escape sequence typed or pasted is shown, not obeyed.
    func testErrorsShowControlCharactersEscaped() {
        let h = makeHarness()
        guard case .failed(let message) = h.shell.execute("fo\u{1B}[31mo\u{07}") else { return XCTFail("did not fail") }
        XCTAssertTrue(message.hasPrefix("unknown command 'fo\\e[31mo\\a'"), message)
        XCTAssertFalse(message.unicodeScalars.contains { $0.value < 32 || (0x7F...0x9F).contains($0.value) }, message)
    }

    func testUnknownSubcommand() {
        let h = makeHarness()
        XCTAssertEqual(h.shell.execute("data shw 0..3"), .failed("unknown command 'data shw' — did you mean 'data show'?"))
        XCTAssertEqual(h.shell.execute("data zzzzzz"),
                       .failed("unknown command 'data zzzzzz' — 'data' takes load|show|info"))
        XCTAssertEqual(h.shell.execute("data show 0..3"), .ran)
        XCTAssertEqual(h.shell.execute("data"), .ran, "no sub-command: up to the command")
        XCTAssertEqual(h.shell.execute("lesson 3"), .ran, "free first word when not exhaustive")
        XCTAssertEqual(log, ["data show 0..3", "data ", "lesson 3"])
    }

    func testBadOptionIsOneLine() {
        let h = makeHarness()
        XCTAssertEqual(h.shell.execute("food --knd pie"),
                       .failed("unknown option '--knd' for 'food' — did you mean '--kind'? (valid: --kind)"))
        XCTAssertEqual(h.shell.execute("food --kind"),
                       .failed("--kind needs a value: KIND (usage: food [--kind KIND])"))
        XCTAssertEqual(h.shell.execute("food 'pie"), .failed("unterminated ' quote"))
        XCTAssertTrue(log.isEmpty)
    }

    func testOtherSwiftErrorsAreCaughtInOneLine() {
        let h = makeHarness()
        guard case .failed(let m) = h.shell.execute("crash") else { return XCTFail("crash should fail") }
        XCTAssertFalse(m.contains("\n"))
        XCTAssertFalse(m.isEmpty)
        guard case .failed(let odd) = h.shell.execute("odd") else { return XCTFail("odd should fail") }
        XCTAssertEqual(odd, "OddError: bad(code: 3)")
        XCTAssertEqual(h.shell.execute("food"), .ran, "the session goes on")
    }

    func testEmptyLineRepeatsTheLastSteppingCommand() {
        let h = makeHarness()
        XCTAssertEqual(h.shell.execute("", repeatOnEmpty: true), .nothing)
        XCTAssertEqual(h.shell.execute("step"), .ran)
        XCTAssertEqual(h.shell.execute("", repeatOnEmpty: true), .ran)
        XCTAssertEqual(h.shell.execute("food"), .ran)
        XCTAssertEqual(h.shell.execute("", repeatOnEmpty: true), .ran)
        XCTAssertEqual(h.shell.execute("", repeatOnEmpty: false), .nothing, "batch mode never repeats")
        XCTAssertEqual(log, ["step", "step", "food -", "step"])
    }

    func testQuit() {
        let h = makeHarness()
        XCTAssertEqual(h.shell.execute("quit"), .quit)
        XCTAssertEqual(h.shell.execute("quit now"), .failed("quit takes no arguments, got 'now'"))
        XCTAssertEqual(Harness().shell.execute("exit"), .quit)
    }

    func testInterruptionStopsACommandAndIsClearedBeforeTheNext() {
        let h = makeHarness()
        XCTAssertEqual(h.shell.execute("long"), .failed("interrupted (Ctrl-C)"))
        XCTAssertTrue(Interruption.requested)
        XCTAssertEqual(h.shell.execute("food"), .ran)
        XCTAssertFalse(Interruption.requested, "the shell clears a stale Ctrl-C before running a command")
        Interruption.requested = true
        XCTAssertTrue(Interruption.shouldStop())
        XCTAssertThrowsError(try Interruption.check())
        Interruption.clear()
        XCTAssertNoThrow(try Interruption.check())
    }

    func testSet() throws {
        let h = makeHarness()
        XCTAssertEqual(h.shell.execute("set previews off"), .ran)
        XCTAssertFalse(h.session.previewsEnabled)
        XCTAssertEqual(h.shell.execute("set previews on"), .ran)
        XCTAssertTrue(h.session.previewsEnabled)
        XCTAssertEqual(h.shell.execute("set previews maybe"),
                       .failed("set previews expects on or off (usage: set previews on|off)"))
        XCTAssertEqual(h.shell.execute("set out /tmp/pixelrnn-set-test"), .ran)
        XCTAssertEqual(h.session.outputDirectory.path, "/tmp/pixelrnn-set-test")
        XCTAssertEqual(h.shell.execute("set out"), .failed("set out expects one folder (usage: set out DIR)"))
        XCTAssertEqual(h.shell.execute("set outt x"), .failed("unknown command 'set outt' — did you mean 'set out'?"))
        h.lines.removeAll()
        XCTAssertEqual(h.shell.execute("set"), .ran)
        XCTAssertEqual(h.lines.count, 2)
        XCTAssertTrue(h.lines[1].hasSuffix("/tmp/pixelrnn-set-test"))
    }

    func testDescribeJoinsLines() {
        struct Multi: Error, CustomStringConvertible { var description: String { "first\n  second\n" } }
        XCTAssertEqual(Shell.describe(Multi()), "Multi: first second")
        XCTAssertEqual(Shell.describe(CommandError("plain")), "plain")
    }
}
