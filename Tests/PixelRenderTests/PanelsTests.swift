import XCTest
@testable import PixelRender

final class PanelsTests: RenderTestCase {
    func testPanelsAreCopiedUnderTheirSubtitles() throws {
        let a = Canvas(width: 40, height: 30, background: RGB(hex: 0x112233))
        let b = Canvas(width: 60, height: 20, background: RGB(hex: 0x445566))
        let panels = try Panels(title: "Two panels", panels: [Panel(subtitle: "A", canvas: a),
                                                              Panel(subtitle: "B", canvas: b)])
        let png = try roundTrip(panels.render(), "panels", size: panels.size)
        let origins = panels.panelOrigins
        assertColor(png[origins[0].x + 5, origins[0].y + 5], RGB(hex: 0x112233), "panel A")
        assertColor(png[origins[1].x + 59, origins[1].y + 19], RGB(hex: 0x445566), "panel B")
        XCTAssertEqual(origins[0].y, origins[1].y, "one row")
        XCTAssertGreaterThan(origins[1].x, origins[0].x + 40)
    }

    func testColumnsWrapIntoRows() throws {
        let canvases = (0..<3).map { _ in Panel(subtitle: "p", canvas: Canvas(width: 10, height: 10)) }
        var panels = try Panels(title: "Wrapped", panels: canvases, columns: 2)
        panels.legend = [LegendItem("legend", color: Palette.marker)]
        XCTAssertEqual(panels.panelOrigins[2].y, panels.panelOrigins[0].y + 10 + 17 + Panels.gap)
        _ = try roundTrip(panels.render(), "wrapped", size: panels.size)
        XCTAssertThrowsError(try Panels(title: "none", panels: []))
    }
}
