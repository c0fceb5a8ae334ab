import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// Ctrl-C during a long command: the command stops at its next check — before any
/// work is done, when Ctrl-C is already pending as it starts — with one line, and the
/// session holds what it held before. (The real latency, with signals on the release
/// build, is measured by hand; see the report.)
final class CtrlCTests: ShellTestCase {
    /// Runs `line`'s command as the shell would, but with Ctrl-C already pressed; returns its error.
    private func interrupted(_ line: String, file: StaticString = #filePath, lineNumber: UInt = #line) throws -> String {
        let words = try Tokenizer.split(line)
        let command = try XCTUnwrap(harness.session.registry.command(named: words[0]), file: file, line: lineNumber)
        let args = try ParsedArguments.parse(Array(words.dropFirst()), for: command)
        Interruption.requested = true
        defer { Interruption.clear() }
        do {
            try command.run(harness.session, args)
        } catch let error as CommandError {
            XCTAssertFalse(error.message.contains("\n"), file: file, line: lineNumber)
            return error.message
        }
        XCTFail("\(line) was not interrupted", file: file, line: lineNumber)
        return ""
    }

    func testEvalStopsBeforeTheFirstImageAndChangesNothing() throws {
        run("data load")
        run("model new diagbilstm --layers 2 --hidden 4")
        let (model, data) = (harness.session.model, harness.session.data?.name)
        let message = try interrupted("eval --split train")
        XCTAssertEqual(message, "interrupted (Ctrl-C): stopped after 0 of 4000 images")
        XCTAssertTrue(harness.session.model === model)
        XCTAssertEqual(harness.session.data?.name, data)
        XCTAssertTrue(run("eval --split valid")[0].hasPrefix("valid NLL: "), "the next command runs as usual")
    }

    func testReceptiveFieldsStopAtTheFirstTrial() throws {
        run("model new rowlstm --layers 2 --hidden 4")
        let weights = harness.session.model!.namedParameters.map { $0.1.value }
        XCTAssertEqual(try interrupted("rf 14 14 --trials 64"), "interrupted (Ctrl-C): stopped after 0 of 64 trials")
        XCTAssertTrue(try interrupted("rf 14 14 --growth").hasPrefix("interrupted (Ctrl-C)"))
        XCTAssertTrue(try interrupted("rf compare 14 14 --layers 16 --hidden 64").hasPrefix("interrupted (Ctrl-C)"))
        XCTAssertEqual(harness.session.model!.namedParameters.map { $0.1.value }, weights)
        XCTAssertTrue(harness.session.model!.namedParameters.allSatisfy { $0.1.grad.data.allSatisfy { $0 == 0 } })
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("rf-rowlstm-14-14.png").path))
    }

    func testDataLoadStopsAndKeepsTheDataSetLoadedBefore() throws {
        let small = IDXImages(count: 100, rows: 28, columns: 28, pixels: [UInt8](repeating: 7, count: 78_400))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("small-images-idx3-ubyte.gz")
        try Data(Gzip.compress(IDXFile.encodeImages(small))).write(to: url)
        run("data load \(url.path)")
        XCTAssertEqual(try interrupted("data load"), "interrupted (Ctrl-C) while loading (still loaded: small-images-idx3-ubyte.gz)")
        XCTAssertEqual(harness.session.data?.name, "small-images-idx3-ubyte.gz")
        XCTAssertEqual(try interrupted("data load \(url.path)"), "interrupted (Ctrl-C) while loading (still loaded: small-images-idx3-ubyte.gz)")
    }
}
