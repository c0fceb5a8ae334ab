import XCTest
@testable import PixelRender

final class ImageGridTests: RenderTestCase {
    /// A 2×3 image: white top-left pixel, the rest black.
    private let corner: [Float] = [1, 0, 0, 0, 0, 0]

    func testIntensityOneIsWhiteAndZeroIsBlack() throws {
        var grid = try ImageGrid(title: "Digits", images: [corner, corner, corner], height: 2, width: 3)
        grid.columns = 2
        grid.scale = 10
        let png = try roundTrip(grid.render(), "grid", size: grid.size)
        for i in 0..<3 {
            let g = grid.geometry(ofImage: i)
            let white = g.center(row: 0, col: 0), black = g.center(row: 1, col: 2)
            assertColor(png[white.x, white.y], RGB(hex: 0xFFFFFF), "image \(i) intensity 1")
            assertColor(png[black.x, black.y], RGB(hex: 0x000000), "image \(i) intensity 0")
        }
        // Two columns, two rows; separators between images are gray.
        let first = grid.geometry(ofImage: 0), second = grid.geometry(ofImage: 1)
        XCTAssertEqual(second.x - first.x, 30 + ImageGrid.separator)
        assertColor(png[first.x + first.width, first.y + 5], Palette.separator, "separator")
        XCTAssertEqual(grid.geometry(ofImage: 2).y - first.y, 20 + ImageGrid.separator)
    }

    func testHardSizeWithoutCaptions() throws {
        var grid = try ImageGrid(title: "", images: [corner], height: 2, width: 3)
        grid.scale = 10
        // 30×20 image + 2-pixel separators on both sides + 14-pixel margins, no title band.
        XCTAssertEqual(grid.size.width, 30 + 4 + 28)
        XCTAssertEqual(grid.size.height, 20 + 4 + 28)
    }

    func testCaptionsAndOverlays() throws {
        var grid = try ImageGrid(title: "Completions", images: [corner, corner], height: 2, width: 3)
        grid.scale = 20
        grid.captions = ["label 7", "label 1"]
        grid.overlays = [[.shade(mask: [false, false, false, true, true, true], color: RGB(hex: 0xFF0000),
                                 opacity: 1)], [.mark(row: 0, col: 0)]]
        let png = try roundTrip(grid.render(), "captions", size: grid.size)
        let g0 = grid.geometry(ofImage: 0), g1 = grid.geometry(ofImage: 1)
        let shaded = g0.center(row: 1, col: 1)
        assertColor(png[shaded.x, shaded.y], RGB(hex: 0xFF0000), "opaque shade")
        let m = g1.rect(row: 0, col: 0)
        assertColor(png[m.x - 1, m.y + 10], Palette.marker, "mark")
        // Caption ink below the image.
        XCTAssertTrue(contains(png, Palette.text, x: g0.x, y: g0.y + g0.height, width: g0.width,
                               height: Font.small.height + ImageGrid.captionGap))
    }

    func testRGBImages() throws {
        // One 1×2 RGB image, CHW: red pixel then blue pixel.
        var grid = try ImageGrid(title: "RGB", images: [[1, 0, 0, 0, 0, 1]], height: 1, width: 2, channels: 3)
        grid.scale = 8
        let png = try roundTrip(grid.render(), "rgb", size: grid.size)
        let g = grid.geometry(ofImage: 0)
        assertColor(png[g.center(row: 0, col: 0).x, g.center(row: 0, col: 0).y], RGB(255, 0, 0), "red")
        assertColor(png[g.center(row: 0, col: 1).x, g.center(row: 0, col: 1).y], RGB(0, 0, 255), "blue")
    }

    func testBadShapesThrow() {
        XCTAssertThrowsError(try ImageGrid(title: "x", images: [], height: 2, width: 2))
        XCTAssertThrowsError(try ImageGrid(title: "x", images: [[0, 0, 0]], height: 2, width: 2))
        XCTAssertThrowsError(try ImageGrid(title: "x", images: [[0]], height: 1, width: 1, channels: 2))
    }
}
