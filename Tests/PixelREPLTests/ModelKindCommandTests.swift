import Foundation
import XCTest
@testable import PixelREPL
@testable import PixelRNN

/// The REPL's word on model kinds comes from `ModelKinds.table`: usage strings, completion,
/// `benchmark --model`, and a one-line refusal where a kind has no trace.
final class ModelKindCommandTests: XCTestCase {
    func testUsageCompletionAndOptionsListEveryKind() throws {
        let harness = ShellHarness(name: "kinds")
        defer { harness.removeFolder() }
        let registry = CommandRegistry.standard
        let names = ModelKind.allCases.map(\.rawValue)
        let model = try XCTUnwrap(registry.command(named: "model"))
        XCTAssertTrue(model.usage.contains("model new \(names.joined(separator: "|")) "), model.usage)
        XCTAssertEqual(model.subcommandArguments["new"], names)
        let benchmark = try XCTUnwrap(registry.command(named: "benchmark"))
        XCTAssertTrue(benchmark.usage.contains("--model \(names.joined(separator: "|"))|all"), benchmark.usage)
        XCTAssertEqual(benchmark.options.first { $0.name == "model" }?.values, names + ["all"])
        let completions = Completer(session: harness.session).complete(before: "model new ", word: "")
        XCTAssertEqual(Set(completions.words), Set(names))
    }

    /// Every kind whose entry has a block trace has a REPL trace state, and no other.
    func testTraceStatesFollowTheTable() throws {
        let traced = ModelKinds.table.filter { if case .steps = $0.trace { return true } else { return false } }.map(\.kind)
        XCTAssertEqual(Set(BlockTraceStates.byKind.keys), Set(traced))
        let trace = try XCTUnwrap(CommandRegistry.standard.command(named: "trace"))
        XCTAssertTrue(trace.usage.hasPrefix("trace [\(traced.map(\.rawValue).joined(separator: "|"))] "), trace.usage)
    }

    /// A kind without a trace says so in one line, with the table's reason.
    func testAKindWithoutATraceSaysSoInOneLine() throws {
        let harness = ShellHarness(name: "kinds")
        defer { harness.removeFolder() }
        harness.run("data load")
        harness.run("model new pixelcnn --layers 1 --hidden 2")
        guard case .none(let why) = ModelKind.pixelcnn.entry.trace else { return XCTFail("the PixelCNN has no trace") }
        harness.fails("trace", saying: why)
        harness.fails("trace pixelcnn", saying: why)
    }
}
