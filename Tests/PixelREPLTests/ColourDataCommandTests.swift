import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN
import PixelRender

/// Colour and other-size data through the commands: `data load emoji`, a user's PNG and
/// JPEG files and folders, `--levels`, `data info` and `data show` in colour, and `train`
/// and `eval` on colour data — with one clear line for every bad file or mismatch, the
/// data set loaded before kept. The image files are PixelRNNTests' fixtures
/// (Tests/PixelRNNTests/Fixtures/images/make_image_fixtures.py).
final class ColourDataCommandTests: ShellTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PixelRNNTests/Fixtures/images")
    func fixture(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    /// A folder holding copies of fixtures under new names.
    func folder(_ files: [(fixture: String, name: String)]) throws -> String {
        let dir = folder.appendingPathComponent("in-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (source, name) in files {
            try FileManager.default.copyItem(atPath: fixture(source), toPath: dir.appendingPathComponent(name).path)
        }
        return dir.path
    }

    func testLoadEmojiInfoAndShowInColour() throws {
        XCTAssertEqual(run("data load emoji"), ["loaded emoji: 1105 train / 138 valid / 138 test, 16×16 RGB",
                                                 "levels: 256 levels (8-bit)"])
        let info = run("data info")
        XCTAssertTrue(info.contains("images: 16×16, colour (R, G, B)"), "\(info)")
        XCTAssertTrue(info.contains("levels: 256 levels (8-bit)"), "\(info)")
        XCTAssertTrue(info.contains { $0.hasPrefix("valid") && $0.contains("138") }, "\(info)")
        XCTAssertEqual(run("data show 0..3").last, "emoji train 0..3: 8-bit colours")
        let picture = try Canvas(contentsOf: folder.appendingPathComponent("data-train-0-3.png"))
        let vivid = picture.pixels().filter { max($0.r, $0.g, $0.b) - min($0.r, $0.g, $0.b) > 100 }
        XCTAssertGreaterThan(vivid.count, 100, "the grid is in colour (the frame and title are grey)")
        fails("data show 0..3 --binarized", saying: "emoji has 256 levels, not 2: 'data show … --quantized'")
    }

    func testLevelsOption() throws {
        XCTAssertEqual(run("data load emoji --levels 4").last, "levels: 4 levels (quantized from 8 bits)")
        XCTAssertEqual(harness.session.data?.levels(.train).data.max(), 3)
        XCTAssertEqual(run("data show 0..1 --quantized").last, "emoji train 0..1: 4 levels (quantized from 8 bits)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("data-train-0-1-4-levels.png").path))
        XCTAssertEqual(run("data load emoji --levels 2").last, "binarization: stochastic, drawn once (seed 0)")
        XCTAssertEqual(run("data load --levels 256").last, "levels: 256 levels (8-bit)", "MNIST's grey bytes, unbinarized")
        XCTAssertEqual(run("data binarize threshold"), ["note: bundled had 256 levels; models now see 2, binarized",
                                                        "binarization: threshold 0.5"])
        fails("data load emoji --levels 1", saying: "--levels must be in 2")
        fails("data load emoji --levels 257", saying: "--levels must be in 2")
        fails("data load emoji --levels 8 --binarize threshold", saying: "--binarize applies to 2 levels")
        fails("data load emoji --binarize fresh", saying: "--binarize applies to 2 levels; emoji has 256 — add --levels 2")
        let amat = folder.appendingPathComponent("bits.amat")
        try Data(String(repeating: String(repeating: "0 ", count: 783) + "1\n", count: 10).utf8).write(to: amat)
        fails("data load \(amat.path) --levels 4", saying: "bits.amat is already binary (given by file): it has 2 levels, not 4")
        fails("data load --size 8", saying: "--size applies to PNG and JPEG files")
        fails("data load emoji --grey", saying: "--grey applies to PNG and JPEG files")
        fails("data load \(fixture("rgb-8x6.png")) --grey --colour", saying: "give --grey or --colour, not both")
        fails("data show 0..1 --quantized --binarized", saying: "not both")
        XCTAssertEqual(harness.session.data?.levels, 2)
    }

    func testUsersImagesLoad() throws {
        XCTAssertEqual(run("data load \(fixture("rgb-8x6.png"))"),
                       ["loaded rgb-8x6.png: 1 train / 1 valid / 1 test, 6×8 RGB", "levels: 256 levels (8-bit)"])
        XCTAssertEqual(run("data load \(fixture("rgb-12x10.jpg")) --size 4 --grey").first,
                       "loaded rgb-12x10.jpg: 1 train / 1 valid / 1 test, 4×4")
        let dir = try folder((0..<10).map { ("palette-5x5.png", "p\($0).png") })
        XCTAssertEqual(run("data load \(dir) --levels 16").first, "loaded \((dir as NSString).lastPathComponent): 8 train / 1 valid / 1 test, 5×5 RGB")
        XCTAssertTrue(run("data info").contains("levels: 16 levels (quantized from 8 bits)"))
    }

    func testEveryBadImageIsOneLineAndKeepsTheLoadedSet() throws {
        run("data load emoji")
        let dir = try folder([("rgb-8x6.png", "a.png"), ("rgb-12x10.jpg", "b.jpg")])
        let empty = try folder([])
        let cases: [(String, String)] = [
            ("data load \(fixture("truncated.png"))", "truncated.png: corrupt or truncated PNG (libgd cannot decode it)"),
            ("data load \(fixture("corrupt.png"))", "corrupt.png: corrupt or truncated PNG (libgd cannot decode it)"),
            ("data load \(fixture("truncated.jpg"))", "truncated.jpg: corrupt or truncated JPEG (libjpeg: premature end of JPEG file)"),
            ("data load \(fixture("deep-4x4.png"))", "deep-4x4.png: a 16-bit (per channel) PNG; pixelrnn reads 8-bit grey or RGB images"),
            ("data load \(fixture("cmyk-8x8.jpg"))", "cmyk-8x8.jpg: a CMYK JPEG; pixelrnn reads 8-bit grey or RGB images"),
            ("data load \(fixture("grey-8x8.png")) --colour", "grey-8x8.png: is a grey image (one channel) in a colour load; load with --grey"),
            ("data load \(fixture("rgb-8x6.png")) --size 7", "rgb-8x6.png: is 8×6 pixels, smaller than --size 7"),
            ("data load \(fixture("rgb-8x6.png")) --size 65", "--size must be in 2"),
            ("data load \(dir)", "b.jpg: is 12×10 pixels but a.png is 8×6; give --size N"),
            ("data load \(empty)", "is a directory (a folder) with no PNG or JPEG files"),
        ]
        for (line, text) in cases {
            fails(line, saying: text)
            if !text.hasPrefix("--") { fails(line, saying: "(still loaded: emoji)") }
            XCTAssertEqual(harness.session.data?.name, "emoji", line)
        }
    }

    func testAnUnreadableFolderIsOneLine() throws {
        run("data load emoji")
        let dir = try folder([("rgb-8x6.png", "a.png")])
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: dir)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir) }
        // Root lists every folder whatever its mode: the load then runs as the user nobody.
        var message = ""
        if geteuid() == 0 {
            guard seteuid(65534) == 0 else { throw XCTSkip("cannot become the user nobody") }
            message = failure("data load \(dir)")
            precondition(seteuid(0) == 0, "could not return to root")
        } else {
            message = failure("data load \(dir)")
        }
        XCTAssertTrue(message.hasSuffix("cannot be read (the folder cannot be listed: permission denied) (still loaded: emoji)"), message)
        XCTAssertEqual(harness.session.data?.name, "emoji")
    }

    func testModelAndDataMustAgreeOnColoursAndLevels() throws {
        run("data load emoji")
        run("model new pixelcnn --layers 1 --hidden 4")
        fails("train --steps 1", saying: "the model reads 1 colour (grey) but emoji has 3 colours (R, G, B): make a model with 'model new … --colors 3'")
        fails("eval", saying: "the model reads 1 colour (grey) but emoji has 3 colours")
        run("model new pixelcnn --layers 1 --hidden 6 --colors 3")
        fails("train --steps 1", saying: "the model has 2 levels but emoji has 256 levels (8-bit): load it with --levels 2")
        run("data load")
        fails("eval", saying: "the model reads 3 colours (R, G, B) but bundled has 1 colour (grey)")
        run("model new pixelcnn --layers 1 --hidden 4 --levels 256")
        fails("eval", saying: "the model has 256 levels but bundled has 2 levels, binarized: stochastic")
        run("data load --levels 256")
        XCTAssertTrue(run("eval --split valid").last?.contains("256 levels (8-bit)") ?? false)
    }

    func testAColourModelTrainsAndEvaluatesOverNNThreeDimensions() throws {
        run("data load emoji --levels 2")
        run("model new pixelcnn --layers 1 --hidden 6 --colors 3")
        let trained = run("train --steps 12 --batch 8 --lr 0.01")
        XCTAssertTrue(trained.contains { $0.contains("1105 images (16×16 RGB, stochastic, drawn once (seed 0))") }, "\(trained)")
        let losses = harness.session.trainer!.state.lossHistory.map(\.loss)
        XCTAssertLessThan(losses.suffix(3).reduce(0, +), losses.prefix(3).reduce(0, +), "the loss falls: \(losses)")
        let eval = try XCTUnwrap(run("eval --split valid").last)
        XCTAssertTrue(eval.contains("(138 images of emoji, 16×16 RGB = 768 dimensions, binarization: stochastic"), eval)
        // bits/dim = nats / (768 · ln 2)
        let numbers = eval.split(separator: " ").compactMap { Double($0) }
        XCTAssertEqual(numbers[1], numbers[0] / (768 * log(2.0)), accuracy: 1e-3, eval)
        XCTAssertTrue(run("plot loss").last?.contains("12 steps") ?? false)
    }

    func testTheTerminalPreviewIsInColour() {
        // A 4×4 image, red on its left half, blue on its right (R plane, G plane, B plane).
        let red: [Float] = [1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]
        let picture = red + [Float](repeating: 0, count: 16) + red.map { 1 - $0 }
        let colour = DataCommands.imagePreview([picture], shape: (3, 4, 4), colour: true).joined()
        XCTAssertTrue(colour.contains("38;2;255;0;0m"), colour.debugDescription)
        XCTAssertTrue(colour.contains("38;2;0;0;255m"), colour.debugDescription)
        let grey = DataCommands.imagePreview([Array(picture.prefix(16))], shape: (1, 4, 4), colour: true).joined()
        XCTAssertFalse(grey.contains("38;2;255;0;0m"), "a grey image stays grey")
    }

    func testTheBundledColourSetCompletes() {
        let completion = Completer(session: harness.session).complete(before: "data load ", word: "e")
        XCTAssertEqual(completion.words, ["emoji"])
    }
}
