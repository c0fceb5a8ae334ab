import Foundation
import XCTest
@testable import PixelREPL
@testable import PixelRNN

/// The REPL's word on model kinds comes from `ModelKinds.table`: usage strings, completion,
/// `benchmark --model`, and a one-line refusal where a kind has no trace.
final class ModelKindCommandTests: ShellTestCase {
    func testUsageCompletionAndOptionsListEveryKind() throws {
        let registry = CommandRegistry.standard
        let names = ModelKind.allCases.map(\.rawValue)
        let model = try XCTUnwrap(registry.command(named: "model"))
        // The multi-scale model (two networks of a kind of the table) follows the table's kinds: ModelKinds.allModels.
        XCTAssertEqual(ModelKinds.allModels.map(\.rawValue), names + ["multiscale"])
        XCTAssertTrue(model.usage.contains("model new \(names.joined(separator: "|"))|multiscale "), model.usage)
        XCTAssertEqual(model.subcommandArguments["new"], names + ["multiscale"])
        let benchmark = try XCTUnwrap(registry.command(named: "benchmark"))
        XCTAssertTrue(benchmark.usage.contains("--model \(names.joined(separator: "|"))|multiscale|all"), benchmark.usage)
        XCTAssertEqual(benchmark.options.first { $0.name == "model" }?.values, names + ["multiscale", "all"])
        XCTAssertEqual(Completer(session: harness.session).complete(before: "benchmark --model ", word: "m").words, ["multiscale"])
        let completions = Completer(session: harness.session).complete(before: "model new ", word: "")
        XCTAssertEqual(Set(completions.words), Set(names + ["multiscale"]))
    }

    /// The messages that name the kinds name every kind of the table (and the traced ones).
    func testMessagesNameTheKindsOfTheTable() throws {
        let names = ModelKind.allCases.map(\.rawValue)
        let traced = BlockTraceStates.kinds.map(\.rawValue)
        XCTAssertEqual(ModelKinds.namesInWords(), names.dropLast().joined(separator: ", ") + " or " + names.last!)
        XCTAssertEqual(ModelKinds.listInWords(["a"]), "a")
        harness.fails("sample", saying: "make one with 'model new \(names[0])' (or \(names.dropFirst().joined(separator: ", ")))")
        harness.fails("model new lstm", saying: "model new expects \(ModelKinds.namesInWords()), e.g.")
        harness.fails("step", saying: "start with " + traced.map { "'trace \($0)'" }.joined(separator: ", ") + " or 'trace sample'")
        XCTAssertEqual("\(CheckpointFault.unknownModel("x"))", "metadata \"model\" is \"x\", expected \(ModelKinds.namesInWords())")
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
        harness.run("data load")
        harness.run("model new pixelcnn --layers 1 --hidden 2")
        guard case .none(let why) = ModelKind.pixelcnn.entry.trace else { return XCTFail("the PixelCNN has no trace") }
        harness.fails("trace", saying: why)
        harness.fails("trace pixelcnn", saying: why)
    }

    /// A network that samples only on the reference path and has no blocks to trace: a Row
    /// LSTM seen through a `PixelModel` that says so (everything else is the network's).
    final class ReferenceOnlyModel: PixelModel {
        let inner: PixelNetwork
        init(_ inner: PixelNetwork) { self.inner = inner }
        var config: ModelConfig { inner.config }
        var seed: UInt64 { inner.seed }
        var namedParameters: [(String, Parameter)] { inner.namedParameters }
        func lossAndGradient(_ pixels: Tensor) -> [Double] { inner.lossAndGradient(pixels) }
        func logits(_ pixels: Tensor, shouldStop: () -> Bool) throws -> Tensor { try inner.logits(pixels, shouldStop: shouldStop) }
        func onePassLogits(_ pixels: Tensor) -> Tensor { inner.onePassLogits(pixels) }
        let samplesIncrementally = false
        func makeIncrementalStepper(batch: Int, height: Int, width: Int) throws -> ConditionalStepper {
            throw SamplingError.noFastPath("this model has no incremental sampler")
        }
        var streamCount: Int { inner.streamCount }
        func inputGradient(_ pixels: Tensor, stream: Int?, outputGradient: (_ shape: [Int]) -> Tensor,
                           shouldStop: () -> Bool) throws -> Tensor {
            try inner.inputGradient(pixels, stream: stream, outputGradient: outputGradient, shouldStop: shouldStop)
        }
        let residualStack: (any ResidualStack)? = nil
        func activationFloatsPerImage(height: Int, width: Int) -> Double { inner.activationFloatsPerImage(height: height, width: width) }
    }

    /// Without an incremental sampler, `--method incremental` is one line saying why, and
    /// `sample` names the slow path and why; without a block stack, `trace` says so in one
    /// line. The samples are the reference sampler's.
    func testAModelWithoutAnIncrementalSamplerOrATraceSaysSo() throws {
        harness.run("data load")
        let network = try PixelNetwork(config: ModelConfig(kind: .rowlstm, layers: 1, hidden: 2), seed: 4)
        harness.session.model = ReferenceOnlyModel(network)
        harness.fails("sample 1 --method incremental", saying: "this model has no incremental sampler")
        let out = harness.run("sample 1 --seed 2")
        XCTAssertTrue(out.contains { $0.contains("slow reference path (a full forward pass per pixel; this model has no incremental sampler)") },
                      "\(out)")
        harness.fails("trace", saying: "the model has no layers to trace")
        let traced = harness.run("trace sample --seed 2")
        XCTAssertTrue(traced.contains("conditionals by the slow reference path (a full forward pass per pixel; this model has no incremental sampler)"),
                      "\(traced)")
    }
}
