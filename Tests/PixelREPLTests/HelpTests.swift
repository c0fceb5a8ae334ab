import XCTest
@testable import PixelREPL

final class HelpTests: XCTestCase {
    /// Every command of the program has a usage line and at least one example,
    /// and `help <command>` shows both.
    func testEveryRegisteredCommandHasUsageAndAnExample() {
        let registry = CommandRegistry(CommandRegistry.families.flatMap { $0 } + debugCommands)
        XCTAssertGreaterThan(registry.commands.count, 3)
        for command in registry.commands {
            XCTAssertFalse(command.usage.isEmpty, "\(command.name): no usage")
            XCTAssertTrue(command.usage.hasPrefix(command.name), "\(command.name): usage should start with the name")
            XCTAssertFalse(command.summary.isEmpty, "\(command.name): no summary")
            XCTAssertFalse(command.examples.isEmpty, "\(command.name): no example")
            for example in command.examples {
                XCTAssertEqual((try? Tokenizer.split(example))?.first, command.name,
                               "\(command.name): example '\(example)' should start with the command")
            }
            let h = Harness()
            h.session.registry = registry
            XCTAssertEqual(h.shell.execute("help \(command.name)"), .ran)
            XCTAssertEqual(h.lines.first, "\(command.name) — \(command.summary)")
            XCTAssertTrue(h.lines.contains("usage: \(command.usage)"), command.name)
            XCTAssertTrue(h.lines.contains("  " + command.examples[0]), command.name)
            for option in command.options {
                XCTAssertTrue(h.lines.contains { $0.hasPrefix("  --\(option.name)") }, "\(command.name) --\(option.name)")
            }
        }
    }

    func testHelpListsEveryCommand() {
        let h = Harness()
        XCTAssertEqual(h.shell.execute("help"), .ran)
        for name in h.session.registry.names {
            XCTAssertTrue(h.lines.contains { $0.hasPrefix("  \(name) ") }, name)
        }
    }

    func testHelpForAnUnknownCommand() {
        let h = Harness()
        XCTAssertEqual(h.shell.execute("help hepl"), .failed("unknown command 'hepl' — did you mean 'help'?"))
    }

    func testStandardRegistryHasNoDuplicateNames() {
        let names = CommandRegistry.standard.names
        XCTAssertEqual(Set(names).count, names.count)
        XCTAssertNotNil(CommandRegistry.standard.command(named: "help"))
    }

    func testWrap() {
        XCTAssertEqual(wrap("aaa bbb ccc", width: 7), ["aaa bbb", "ccc"])
        XCTAssertEqual(wrap("short\n  indented line that is long", width: 10), ["short", "  indented line that is long"])
    }
}
