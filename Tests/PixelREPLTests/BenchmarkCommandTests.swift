import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// `benchmark` with tiny settings: the shape of its table and that its figures are
/// positive. No speed thresholds — a test must not depend on how busy the machine is.
final class BenchmarkCommandTests: ShellTestCase {
    /// The cells of a table line (columns are separated by at least three spaces).
    func cells(_ line: String) -> [String] {
        line.components(separatedBy: "   ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The first number in a cell ("1,234 (≥ 1,000 ✓)" → 1234).
    func number(_ cell: String) throws -> Double {
        let digits = cell.prefix { $0.isNumber || $0 == "," || $0 == "." }.replacingOccurrences(of: ",", with: "")
        return try XCTUnwrap(Double(digits), "no number in '\(cell)'")
    }

    func testOneTinyModelGivesOneLineOfPositiveFigures() throws {
        let out = run("benchmark --model pixelcnn --runs 1 --steps 1 --samples 2 --layers 1 --hidden 2")
        XCTAssertTrue(out[0].hasPrefix("machine: \(ProcessInfo.processInfo.activeProcessorCount) core"), out[0])
        XCTAssertTrue(out[0].contains("load average"), out[0])
        XCTAssertTrue(out.contains { $0.hasPrefix("targets (2 cores") })
        XCTAssertTrue(out.contains { $0.hasPrefix("BLAS: OpenBLAS ") && $0.contains(", kernel ") && $0.contains(" thread") }, "\(out)")
        XCTAssertTrue(out.contains { $0.hasPrefix("kernel choice: ") })
        let peakLine = try XCTUnwrap(out.first { $0.hasPrefix("sgemm peak: ") })
        let peak = try number(String(peakLine.dropFirst("sgemm peak: ".count)))
        XCTAssertGreaterThan(peak, 0)
        let header = try XCTUnwrap(out.firstIndex { $0.hasPrefix("model ") })
        XCTAssertEqual(cells(out[header]), ["model", "training img/s", "training GFLOP/s (of peak)", "forward img/s", "sample 2 (s)", "peak memory"])
        let row = cells(out[header + 1])
        XCTAssertEqual(row.count, 6, "\(row)")
        XCTAssertEqual(row[0], "PixelCNN")
        XCTAssertTrue(row[1].contains("(≥ 1,000 "), row[1])
        XCTAssertTrue(row[2].contains(" %, ≥ 40 % "), row[2])
        XCTAssertTrue(row[4].contains("(≤ 0.5 "), row[4])
        XCTAssertTrue(row[5].contains(" MB (≤ 300 "), row[5])
        for cell in row.dropFirst() { XCTAssertGreaterThanOrEqual(try number(cell), 0, cell) }
        // GFLOP/s is images/s times the operations of one image's training step.
        let network = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2), seed: 0)
        let expected = try number(row[1]) * OperationCount.trainingFLOPsPerImage(network, height: 28, width: 28) / 1e9
        XCTAssertEqual(try number(row[2]), expected, accuracy: 0.051 + 0.01 * expected, row[2])
        // The peak is measured again after the models; the share is of the faster of the two.
        let againLine = try XCTUnwrap(out.first { $0.hasPrefix("sgemm peak after the models: ") })
        let again = try number(String(againLine.dropFirst("sgemm peak after the models: ".count)))
        let used = try number(String(try XCTUnwrap(againLine.components(separatedBy: "use the faster, ").last)))
        XCTAssertEqual(used, max(peak, again), accuracy: 0.051)
        let share = try number(String(try XCTUnwrap(row[2].components(separatedBy: "(").last)))
        XCTAssertEqual(share, (try number(row[2]) / used * 100).rounded(), accuracy: 1, row[2])
        XCTAssertTrue(out.contains("sampling took the fast incremental path (each position of each layer computed once)"))
        XCTAssertTrue(out.contains { $0.hasPrefix("the targets are for L = 7, h = 16") })
    }

    /// The multi-scale model of --base: its own line, no training target, sampling in both stages.
    func testTheMultiScaleModelHasALineWithoutATrainingTarget() throws {
        let out = run("benchmark --model multiscale --base pixelcnn --runs 1 --steps 1 --samples 2 --layers 1 --hidden 2 --size 8")
        let header = try XCTUnwrap(out.firstIndex { $0.hasPrefix("model ") })
        let row = cells(out[header + 1])
        XCTAssertEqual(row[0], "Multi-Scale PixelRNN (PixelCNNs)")
        XCTAssertTrue(row[1].hasSuffix(" (no target)"), row[1])
        XCTAssertFalse(row[2].contains("≥"), row[2])
        XCTAssertTrue(row[4].contains("(≤ 0.5 "), row[4])
        for cell in row.dropFirst() { XCTAssertGreaterThanOrEqual(try number(cell), 0, cell) }     // 2 tiny samples may take < 0.005 s
        XCTAssertGreaterThan(try number(row[1]), 0)
        XCTAssertTrue(out.contains("sampling took the fast incremental path (each position of each layer computed once)"))
        fails("benchmark --model rowlstm --base pixelcnn", saying: "--base goes with --model multiscale")
        fails("benchmark --model multiscale --base multiscale", saying: "--base")
    }

    func testEveryModelHasItsLineAndNoSamplingIsADash() throws {
        let out = run("benchmark --runs 1 --steps 1 --samples 0 --layers 1 --hidden 2")
        let header = try XCTUnwrap(out.firstIndex { $0.hasPrefix("model ") })
        let rows = out[(header + 1)...(header + 3)].map(cells)
        XCTAssertEqual(rows.map { $0[0] }, ["PixelCNN", "Row LSTM", "Diagonal BiLSTM"])
        XCTAssertEqual(rows.map { $0[4] }, ["—", "—", "—"])
        XCTAssertFalse(rows[1][2].contains("≥"), "the share of the peak has a target for the PixelCNN only")
        XCTAssertTrue(rows[1][1].contains("(≥ 300 ") && rows[2][1].contains("(≥ 60 "), "\(rows)")
        for row in rows { XCTAssertGreaterThan(try number(row[1]), 0); XCTAssertGreaterThan(try number(row[2]), 0) }
    }

    func testBadOptions() {
        for (line, text) in [("benchmark --model lstm", "--model must be one of pixelcnn|rowlstm|diagbilstm|multiscale|all"),
                             ("benchmark --runs 0", "--runs must be in 1...100"),
                             ("benchmark --steps x", "--steps expects a whole number"),
                             ("benchmark pixelcnn", "only options")] {
            guard case .failed(let message) = shell.execute(line) else { XCTFail("\(line) did not fail"); continue }
            XCTAssertTrue(message.contains(text), "'\(message)' does not say '\(text)'")
        }
    }
}

extension BenchmarkCommandTests {
    /// --colors 3: colour models on random 16×16 RGB images of 256 levels, the colour targets,
    /// and the binary 28×28 PixelCNN as the reference of the colour training target.
    func testColourModeMeasuresAColourModelAndTheBinaryReference() throws {
        let out = run("benchmark --model pixelcnn --colors 3 --runs 1 --steps 1 --samples 2 --layers 1 --hidden 3")
        XCTAssertTrue(out.contains { $0.hasPrefix("targets colour (issue 17): PixelCNN training ≥ half the images/s of the binary 28×28 PixelCNN") })
        XCTAssertTrue(out.contains { $0.hasPrefix("settings: L = 1, h = 3, batch 16, 16×16 RGB, 256 levels, ") }, "\(out)")
        let header = try XCTUnwrap(out.firstIndex { $0.hasPrefix("model ") })
        let colour = cells(out[header + 1]), reference = cells(out[header + 2])
        XCTAssertEqual(colour[0], "PixelCNN")
        XCTAssertEqual(reference[0], "PixelCNN, binary 28×28 (reference)")
        let half = try number(reference[1]) / 2
        XCTAssertTrue(colour[1].contains("(≥ ½ ref = "), colour[1])
        let stated = try number(String(colour[1].components(separatedBy: "ref = ")[1]))
        // Both cells are rounded (to whole images/s from 10 up): half of a rounded figure is
        // within 0.25 of the true half, and the stated half is rounded again.
        XCTAssertEqual(stated, half, accuracy: 0.76, colour[1])
        XCTAssertTrue(colour[4].contains("(≤ 2.0 "), colour[4])
        XCTAssertTrue(colour[5].contains(" MB (≤ 500 "), colour[5])
        XCTAssertEqual(reference[4], "—", "the reference is not sampled")
        // The colour model's operations are counted on its own 16×16 RGB images.
        let network = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 3, colors: 3, levels: 256), seed: 0)
        let expected = try number(colour[1]) * OperationCount.trainingFLOPsPerImage(network, height: 16, width: 16) / 1e9
        XCTAssertEqual(try number(colour[2]), expected, accuracy: 0.051 + 0.01 * expected, colour[2])
        fails("benchmark --colors 3 --hidden 4", saying: "multiple of 3")
        fails("benchmark --colors 2", saying: "--colors must be one of 1|3")
    }
}
