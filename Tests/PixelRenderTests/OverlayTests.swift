import XCTest
@testable import PixelRender

final class OverlayTests: RenderTestCase {
    private func whiteMap(_ overlays: [Overlay]) throws -> (HeatMap, DecodedPNG) {
        var map = try HeatMap(title: "Overlays", values: [Float](repeating: 1, count: 16), rows: 4, cols: 4,
                              colormap: .grayscale, range: 0...1)
        map.cellSize = 20
        map.overlays = overlays
        return (map, try roundTrip(map.render(), "overlay", size: map.size))
    }

    func testMarkOutlinesTheCellOutside() throws {
        let (map, png) = try whiteMap([.mark(row: 2, col: 1)])
        let r = map.geometry.rect(row: 2, col: 1)
        assertColor(png[r.x - 1, r.y + 10], Palette.marker, "left side")
        assertColor(png[r.x + 10, r.y + r.height], Palette.marker, "bottom side")
        assertColor(png[r.x + 10, r.y + 10], RGB(hex: 0xFFFFFF), "the cell stays visible")
    }

    func testShadeBlendsOverTheCells() throws {
        let mask = (0..<16).map { $0 < 4 }
        let (map, png) = try whiteMap([.shade(mask: mask, color: RGB(hex: 0xFF0000), opacity: 0.5)])
        let shaded = map.geometry.center(row: 0, col: 3), clear = map.geometry.center(row: 1, col: 3)
        assertColor(png[shaded.x, shaded.y], RGB(255, 128, 128), tolerance: 3, "half-red over white")
        assertColor(png[clear.x, clear.y], RGB(hex: 0xFFFFFF), "unshaded")
    }

    func testOutlineFollowsTheRegionBoundary() throws {
        // A 2×2 block in the top-left corner.
        let mask = (0..<16).map { $0 / 4 < 2 && $0 % 4 < 2 }
        let (map, png) = try whiteMap([.outline(mask: mask, color: RGB(hex: 0x00AA00))])
        let g = map.geometry
        let inner = g.rect(row: 1, col: 1)
        assertColor(png[inner.x + inner.width - 1, inner.y + 5], RGB(hex: 0x00AA00), "right boundary")
        assertColor(png[inner.x + 10, inner.y + inner.height - 1], RGB(hex: 0x00AA00), "bottom boundary")
        assertColor(png[inner.x, inner.y + 10], RGB(hex: 0xFFFFFF), "no line between two inside cells")
        let outside = g.center(row: 3, col: 3)
        assertColor(png[outside.x, outside.y], RGB(hex: 0xFFFFFF), "outside")
    }

    func testWrongSizedMaskAndOutsideMarkAreIgnored() throws {
        let (map, png) = try whiteMap([.shade(mask: [true], color: RGB(0, 0, 0), opacity: 1), .mark(row: 9, col: 9)])
        let c = map.geometry.center(row: 0, col: 0)
        assertColor(png[c.x, c.y], RGB(hex: 0xFFFFFF), "untouched")
    }
}
