import Foundation
import XCTest
@testable import PixelRender

final class CanvasTests: RenderTestCase {
    func testPNGRoundTripThroughCanvas() throws {
        let canvas = Canvas(width: 3, height: 2)
        canvas.setPixel(x: 2, y: 1, color: RGB(hex: 0x123456))
        let again = try Canvas(pngData: canvas.pngData())
        XCTAssertEqual(again.width, 3)
        XCTAssertEqual(again.height, 2)
        XCTAssertEqual(again.pixel(x: 2, y: 1), RGB(hex: 0x123456))
        XCTAssertEqual(again.pixel(x: 0, y: 0), Palette.background)
    }

    func testWriteIsAtomicAndCreatesFolders() throws {
        let url = folder.appendingPathComponent("a/b/picture.png")
        try Canvas(width: 4, height: 4).writePNG(to: url)
        try Canvas(width: 5, height: 4).writePNG(to: url) // replaces
        XCTAssertEqual(try Canvas(contentsOf: url).width, 5)
        let names = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        XCTAssertEqual(names, ["picture.png"], "no temporary file left behind")
    }

    func testNotAPNGThrows() throws {
        let url = folder.appendingPathComponent("bad.png")
        try Data("hello".utf8).write(to: url)
        XCTAssertThrowsError(try Canvas(contentsOf: url)) { XCTAssertEqual($0 as? RenderError, .notPNG(url.path)) }
        XCTAssertThrowsError(try Canvas(pngData: Data()))
    }

    func testTextIsDrawnAndNonASCIIIsSpelled() {
        XCTAssertEqual(Font.encode("a→b ×"), Array("a->b ".utf8) + [0xD7])
        XCTAssertEqual(Font.encode("é"), Array("?".utf8))
        let canvas = Canvas(width: 40, height: 20)
        canvas.text("Hi", x: 2, y: 2, font: .large, color: RGB(0, 0, 0))
        XCTAssertTrue(canvas.pixels().contains(RGB(0, 0, 0)))
    }

    func testWordWrap() {
        XCTAssertEqual(wrapWords("one two three four", maxChars: 9), ["one two", "three", "four"])
        XCTAssertEqual(wrapWords("abcdefghij", maxChars: 4), ["abcd", "efgh", "ij"])
        XCTAssertEqual(wrapWords("a\nb", maxChars: 10), ["a", "b"])
    }

    func testLongTitlesWrapInsteadOfWideningThePicture() throws {
        let title = String(repeating: "word ", count: 40)
        let grid = try MatrixGrid(title: title, cells: [["1"]])
        XCTAssertLessThanOrEqual(grid.size.width, Frame.minTitleWrap + 2 * Frame.margin)
        _ = try roundTrip(grid.render(), "long", size: grid.size)
    }
}
