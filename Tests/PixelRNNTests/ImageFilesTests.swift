import Foundation
import XCTest
@testable import PixelRNN

/// A user's PNG and JPEG files through libgd (`ImageFiles`): grey and colour, the
/// white background under transparency, `--size` cuts, folders, and one clear fault
/// for every file that cannot be read. The files are the fixtures of
/// Fixtures/images/make_image_fixtures.py.
final class ImageFilesTests: TemporaryFolderTestCase {
    static var fixtures: URL { GoldenFixture.folder.appendingPathComponent("images") }
    func fixture(_ name: String) -> URL { Self.fixtures.appendingPathComponent(name) }

    /// A folder in the temp folder holding copies of the named fixtures (under `as` names if given).
    func folder(with names: [String], as renamed: [String]? = nil) throws -> URL {
        let dir = folder.appendingPathComponent("set-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (k, name) in names.enumerated() {
            try FileManager.default.copyItem(at: fixture(name), to: dir.appendingPathComponent(renamed?[k] ?? name))
        }
        return dir
    }

    /// The fault of a load, checking that its message is one line naming `file`.
    func fault(_ url: URL, naming file: String? = nil, options: ImageFiles.Options = .init(),
               line: UInt = #line) -> DataFileFault? {
        do {
            _ = try ImageFiles.load(url, options: options)
            XCTFail("loaded", line: line)
        } catch let error as DataFileError {
            XCTAssertTrue(error.description.contains(file ?? url.lastPathComponent), "\(error)", line: line)
            XCTAssertFalse(error.description.contains("\n"), line: line)
            return error.fault
        } catch {
            XCTFail("\(error)", line: line)
        }
        return nil
    }

    func testAnRGBPNGLoadsItsExactColours() throws {
        let set = try ImageFiles.load(fixture("rgb-8x6.png"))
        XCTAssertEqual([set.colors, set.rows, set.columns, set.levels], [3, 6, 8, 256])
        XCTAssertEqual([set.train.count, set.valid.count, set.test.count], [1, 1, 1], "one image is in every split")
        let levels = set.levels(.train)
        for (x, y) in [(0, 0), (7, 5), (3, 2)] {
            XCTAssertEqual([levels[0, 0, y, x], levels[0, 1, y, x], levels[0, 2, y, x]], [Float(30 * x), Float(40 * y), 200])
        }
        XCTAssertTrue(set.splitRule.contains("fewer than 10"))
    }

    func testGreyLoadTakesTheLuma() throws {
        let set = try ImageFiles.load(fixture("rgb-8x6.png"), options: .init(colour: false, levels: 256))
        XCTAssertEqual(set.colors, 1)
        // (299·90 + 587·80 + 114·200 + 500) / 1000 = 97 for pixel (3, 2).
        XCTAssertEqual(set.levels(.train)[0, 0, 2, 3], 97)
        let grey = try ImageFiles.load(fixture("grey-8x8.png"))
        XCTAssertEqual([grey.colors, grey.levels], [1, 2], "a grey image loads grey and binarized by default")
        XCTAssertEqual(grey.train.images[0, 0, 0, 5], 160.0 / 255)
    }

    func testTransparencyIsCompositedOnWhiteAndPalettesAreColour() throws {
        let set = try ImageFiles.load(fixture("rgba-4x4.png"))
        let levels = set.levels(.train)
        XCTAssertEqual((0..<3).map { levels[0, $0, 1, 0] }, [255, 0, 0])
        XCTAssertEqual((0..<3).map { levels[0, $0, 1, 3] }, [255, 255, 255])
        let palette = try ImageFiles.load(fixture("palette-5x5.png"))
        XCTAssertEqual(palette.colors, 3)
        XCTAssertEqual((0..<3).map { palette.levels(.train)[0, $0, 4, 4] }, [0, 128, 255])
    }

    func testJPEGsDecode() throws {
        let photo = try ImageFiles.load(fixture("rgb-12x10.jpg"))
        XCTAssertEqual([photo.colors, photo.rows, photo.columns], [3, 10, 12])
        let pixel = (0..<3).map { photo.levels(.train)[0, $0, 5, 5] }
        for (value, expected) in zip(pixel, [50, 100, 150] as [Float]) { XCTAssertEqual(value, expected, accuracy: 3) }
        let grey = try ImageFiles.load(fixture("grey-6x6.jpg"), options: .init(levels: 256))
        XCTAssertEqual(grey.colors, 1)
        XCTAssertEqual(grey.levels(.train)[0, 0, 3, 3], 90, accuracy: 2)
    }

    func testSizeCutsTheCentredSquareAndShrinksByAreaAveraging() throws {
        // 8×6 → the centred 6×6 square (columns 1…6) → 3×3: each output pixel averages 2×2.
        let set = try ImageFiles.load(fixture("rgb-8x6.png"), options: .init(size: 3))
        XCTAssertEqual([set.rows, set.columns], [3, 3])
        let levels = set.levels(.train)
        // Output (0, 0) covers x 1…2, y 0…1: R = mean(30, 60) = 45, G = mean(0, 40) = 20.
        XCTAssertEqual([levels[0, 0, 0, 0], levels[0, 1, 0, 0], levels[0, 2, 0, 0]], [45, 20, 200])
        XCTAssertEqual([levels[0, 0, 2, 2], levels[0, 1, 2, 2]], [(150 + 180) / 2, (160 + 200) / 2])
    }

    func testAreaReductionWeighsPartlyCoveredPixels() {
        // 3×3 → 2×2: output (0, 0) covers pixel (0, 0) fully, (1, 0) and (0, 1) half, (1, 1) a quarter,
        // of an area of 1.5 × 1.5 = 2.25: (0·1 + 30·0.5 + 90·0.5 + 120·0.25) / 2.25 = 40.
        let reduced = AreaReduction.reduce([0, 30, 60, 90, 120, 150, 180, 210, 240], side: 3, channels: 1, to: 2)
        XCTAssertEqual(reduced, [40, 80, 160, 200])
        XCTAssertEqual(AreaReduction.reduce([7, 7, 7, 7], side: 2, channels: 1, to: 1), [7])
    }

    func testAFolderLoadsInNameOrderAndSplitsByIndex() throws {
        let names = (0..<12).map { String(format: "img%02d.png", 11 - $0) }
        let dir = try folder(with: Array(repeating: "rgb-8x6.png", count: 12), as: names)
        try Data("not an image".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        let set = try ImageFiles.load(dir)
        XCTAssertEqual([set.train.count, set.valid.count, set.test.count], [10, 1, 1])
        XCTAssertEqual(set.test.sourceIndices, [9])
        XCTAssertTrue(set.source.hasPrefix("12 images (colour, at their own size)"), set.source)
    }

    func testEveryBadFileGivesItsOwnFault() throws {
        XCTAssertEqual(fault(fixture("deep-4x4.png")), .unsupportedImage(format: "PNG", what: "a 16-bit (per channel)"))
        XCTAssertEqual(fault(fixture("cmyk-8x8.jpg")), .unsupportedImage(format: "JPEG", what: "a CMYK"))
        XCTAssertEqual(fault(fixture("truncated.png")), .corruptImage(format: "PNG", why: "libgd cannot decode it"))
        XCTAssertEqual(fault(fixture("corrupt.png")), .corruptImage(format: "PNG", why: "libgd cannot decode it"))
        XCTAssertEqual(fault(fixture("truncated.jpg")), .corruptImage(format: "JPEG", why: "libjpeg: premature end of JPEG file"))
        XCTAssertEqual(fault(fixture("grey-8x8.png"), options: .init(colour: true)), .greyImageInColourLoad)
        XCTAssertEqual(fault(fixture("grey-6x6.jpg"), options: .init(colour: true)), .greyImageInColourLoad)
        XCTAssertEqual(fault(fixture("rgb-8x6.png"), options: .init(size: 7)), .imageTooSmall(width: 8, height: 6, size: 7))
        let cut = try write(Array(try Data(contentsOf: fixture("rgb-8x6.png")).prefix(20)), "header-only.png")
        XCTAssertEqual(fault(cut), .corruptImage(format: "PNG", why: "it ends inside its header"))
        let noFrame = try write([0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xDA, 0, 2, 0, 0], "no-frame.jpg")
        XCTAssertEqual(fault(noFrame), .corruptImage(format: "JPEG", why: "no frame header before the image data"))
        var huge = Array(try Data(contentsOf: fixture("rgb-8x6.png")))
        huge.replaceSubrange(16..<24, with: IDXFile.bigEndian(100_000) + IDXFile.bigEndian(100_000))
        let hugeURL = try write(huge, "huge.png")
        XCTAssertEqual(fault(hugeURL), .imageTooLarge(width: 100_000, height: 100_000, limit: ImageFiles.maxPixels))
    }

    func testFolderFaultsNameTheFileAtFault() throws {
        let mixed = try folder(with: ["rgb-8x6.png", "rgb-12x10.jpg"], as: ["a.png", "b.jpg"])
        XCTAssertEqual(fault(mixed, naming: "b.jpg"),
                       .mixedSizes(width: 12, height: 10, firstWidth: 8, firstHeight: 6, firstFile: "a.png"))
        XCTAssertEqual(try ImageFiles.load(mixed, options: .init(size: 4)).rows, 4, "--size makes them one size")
        let greyAmongColour = try folder(with: ["rgb-8x6.png", "grey-8x8.png"], as: ["a.png", "b.png"])
        XCTAssertEqual(fault(greyAmongColour, naming: "b.png"), .greyImageInColourLoad)
        let damaged = try folder(with: ["rgb-8x6.png", "truncated.png"], as: ["a.png", "b.png"])
        XCTAssertEqual(fault(damaged, naming: "b.png"), .corruptImage(format: "PNG", why: "libgd cannot decode it"))
        let empty = try folder(with: [])
        XCTAssertEqual(fault(empty), .noImageFiles)
        XCTAssertEqual(fault(folder.appendingPathComponent("nowhere")), .missing)
    }

    func testAnUnreadableFolderIsRefused() throws {
        let locked = try folder(with: ["rgb-8x6.png"])
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: locked.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked.path) }
        // Root lists every folder whatever its mode: the load then runs as the user nobody.
        let found = try withoutRoot { fault(locked) }
        XCTAssertEqual(found, .unreadable("the folder cannot be listed: permission denied"))
    }

    /// `body` with the effective user id of nobody (65534) when the tests run as root,
    /// then root again; as another user, just `body`.
    func withoutRoot<T>(_ body: () throws -> T) throws -> T {
        guard geteuid() == 0 else { return try body() }
        guard seteuid(65534) == 0 else { throw XCTSkip("cannot become the user nobody") }
        defer { precondition(seteuid(0) == 0, "could not return to root") }
        return try body()
    }

    func testTooLargeImagesNeedSize() throws {
        XCTAssertEqual(fault(fixture("wide-70x5.png")), .needsSize(width: 70, height: 5))
        let cut = try ImageFiles.load(fixture("wide-70x5.png"), options: .init(size: 5))
        XCTAssertEqual([cut.rows, cut.columns], [5, 5])
        // The centred 5×5 square is columns 32…36, whose red is 3·x.
        XCTAssertEqual(cut.levels(.train)[0, 0, 0, 0], 96)
        XCTAssertEqual(fault(fixture("rgb-8x6.png"), options: .init(size: 1)), .wrongImageSize(rows: 1, columns: 1))
        XCTAssertEqual(fault(fixture("rgb-8x6.png"), options: .init(size: 65)), .wrongImageSize(rows: 65, columns: 65))
    }
}
