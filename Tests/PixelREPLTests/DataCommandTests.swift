import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN
import PixelRender

/// The `data` command: load, info, show, binarize, and the errors that keep the session going.
final class DataCommandTests: XCTestCase {
    var folder: URL!
    var lines: [String] = []
    var session: Session!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("pixelrnn-data-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        lines = []
        session = Session(outputDirectory: folder.appendingPathComponent("out"), previewsEnabled: false,
                          isTerminal: false, writeLine: { [unowned self] in self.lines.append($0) },
                          writeError: { [unowned self] in self.lines.append($0) })
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `data <words>` as the shell would (parsing options by the command's specs).
    func data(_ words: String) throws {
        let command = DataCommands.data
        let split = words.split(separator: " ").map(String.init)
        try command.run(session, ParsedArguments.parse(split, for: command))
    }

    /// Asserts that `data <words>` fails with one line containing `text`.
    func assertFails(_ words: String, saying text: String, line: UInt = #line) {
        XCTAssertThrowsError(try data(words), line: line) { error in
            let message = (error as? CommandError)?.message ?? "\(error)"
            XCTAssertTrue(message.contains(text), "'\(message)' does not say '\(text)'", line: line)
            XCTAssertFalse(message.contains("\n"), line: line)
        }
    }

    func testDataCommandsAreExported() {
        XCTAssertEqual(dataCommands.map(\.name), ["data"])
        XCTAssertFalse(DataCommands.data.examples.isEmpty)
    }

    func testLoadBundledAndInfo() throws {
        try data("load")
        XCTAssertEqual(session.data?.name, "bundled")
        XCTAssertTrue(lines.contains { $0.contains("4000 train / 500 valid / 500 test") }, "\(lines)")
        XCTAssertTrue(lines.contains("binarization: stochastic, drawn once (seed 0)"))
        lines = []
        try data("info")
        XCTAssertTrue(lines.contains { $0.hasPrefix("train") && $0.hasSuffix("400  400") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("test") && $0.contains("500") })
        XCTAssertTrue(lines.contains { $0.contains("class-balanced") })
    }

    func testLoadWithBinarizationOptions() throws {
        try data("load bundled --binarize fresh --seed 3")
        XCTAssertEqual(session.data?.binarization, .freshEachEpoch(seed: 3))
        try data("load --binarize threshold")
        XCTAssertEqual(session.data?.binarization, .threshold(0.5))
        XCTAssertTrue(lines.contains("binarization: threshold 0.5"))
        assertFails("load --binarize sometimes", saying: "--binarize must be one of stochastic|fresh|threshold")
        assertFails("load --seed -1", saying: "--seed must be in")
        assertFails("load --binarize threshold --seed 2", saying: "--seed does not apply")
    }

    func testFailedLoadKeepsThePreviousSet() throws {
        try data("load --binarize threshold")
        var bytes = IDXFile.encodeImages(IDXImages(count: 10, rows: 28, columns: 28,
                                                   pixels: [UInt8](repeating: 9, count: 7840)))
        bytes[3] = 9
        let bad = folder.appendingPathComponent("broken-images-idx3-ubyte")
        try Data(bytes).write(to: bad)
        assertFails("load \(bad.path)", saying: "bad magic number")
        assertFails("load \(bad.path)", saying: "still loaded: bundled")
        XCTAssertEqual(session.data?.name, "bundled")
        XCTAssertEqual(session.data?.binarization, .threshold(0.5))
        assertFails("load \(folder.path)/missing.gz", saying: "no such file")
    }

    func testShowWritesAGridPNG() throws {
        try data("load")
        try data("show 0..15")
        let png = folder.appendingPathComponent("out/data-train-0-15.png")
        XCTAssertTrue(FileManager.default.fileExists(atPath: png.path))
        XCTAssertTrue(lines.contains("wrote \(png.path)"))
        XCTAssertTrue(lines.contains("labels: 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5"), "\(lines)")
        let canvas = try Canvas(contentsOf: png)
        XCTAssertGreaterThan(canvas.width, 8 * 28)
        XCTAssertGreaterThan(canvas.height, 2 * 28)
    }

    func testShowBinarizedTestSplitNamesTheBinarization() throws {
        try data("load")
        try data("show 3 --split test --binarized")
        XCTAssertTrue(FileManager.default.fileExists(
            atPath: folder.appendingPathComponent("out/data-test-3-3-binarized.png").path))
        XCTAssertTrue(lines.contains { $0.contains("binarized: stochastic, drawn once (seed 0)") }, "\(lines)")
    }

    func testPreviewOnATerminal() throws {
        let set = try LoadedDataSet.bundled()
        let digits = (0..<3).map { Array(set.train.images.data[($0 * 784)..<(($0 + 1) * 784)]) }
        let plain = DataCommands.imagePreview(digits, shape: (1, 28, 28), colour: false)
        XCTAssertEqual(plain.count, 28, "two strips (2 + 1 digits), 14 lines each after halving")
        XCTAssertTrue(plain.allSatisfy { $0.count <= 80 && !$0.contains("\u{1B}") })
        XCTAssertTrue(plain.contains { $0.contains("@") }, "ink shows as @")
        XCTAssertTrue(DataCommands.imagePreview(digits, shape: (1, 28, 28), colour: true).allSatisfy { $0.hasSuffix("\u{1B}[0m") })
        session.isTerminal = true
        session.previewsEnabled = true
        try data("load")
        let before = lines.count
        try data("show 0..1")
        XCTAssertGreaterThan(lines.count - before, 10, "a preview follows the PNG path")
    }

    func testShowErrors() throws {
        assertFails("show 0..3", saying: "no data loaded")
        try data("load")
        assertFails("show 0..500 --split valid", saying: "the valid split has images 0..499")
        assertFails("show 9..2", saying: "expected a range like 0..15")
        assertFails("show many", saying: "expected a range")
        assertFails("show 0..3 --split dev", saying: "--split must be one of train|valid|test")
        assertFails("info --split test", saying: "--split is not an option of 'data info'")
    }

    func testBinarizeChangesTheLoadedSet() throws {
        try data("load")
        try data("binarize fresh --seed 5")
        XCTAssertEqual(session.data?.binarization, .freshEachEpoch(seed: 5))
        XCTAssertEqual(lines.last, "binarization: stochastic, fresh each epoch (seed 5)")
        assertFails("binarize", saying: "takes one mode")
    }

    func testAmatLoadSaysTheFileIsBinary() throws {
        let line = (0..<784).map { $0 % 3 == 0 ? "1" : "0" }.joined(separator: " ") + "\n"
        let url = folder.appendingPathComponent("few.amat")
        try Data(String(repeating: line, count: 10).utf8).write(to: url)
        try data("load \(url.path) --binarize threshold")
        XCTAssertEqual(session.data?.binarization, .givenByFile)
        XCTAssertTrue(lines.contains { $0.contains("--binarize is ignored") })
        assertFails("binarize stochastic", saying: "already binary")
    }
}
