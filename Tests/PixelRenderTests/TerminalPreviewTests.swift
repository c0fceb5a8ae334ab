import XCTest
@testable import PixelRender

final class TerminalPreviewTests: XCTestCase {
    /// Black, white / white, black.
    private let checker: [Float] = [0, 1, 1, 0]

    func testColourPreviewUsesHalfBlocks() {
        let lines = TerminalPreview.lines(gray: checker, width: 2, height: 2, color: true)
        XCTAssertEqual(lines, [
            "\u{1B}[38;2;0;0;0m\u{1B}[48;2;255;255;255m▀\u{1B}[38;2;255;255;255m\u{1B}[48;2;0;0;0m▀\u{1B}[0m",
        ])
    }

    func testPlainPreviewUsesTheRampAndNoEscapes() {
        let lines = TerminalPreview.lines(gray: checker, width: 2, height: 2, color: false)
        XCTAssertEqual(lines, ["  @@", "@@  "])
        XCTAssertEqual(TerminalPreview.lines(gray: [0, 0.5, 1], width: 3, height: 1, color: false), ["  ++@@"])
    }

    func testOddHeightLeavesTheLowerHalfDefault() {
        let lines = TerminalPreview.lines(gray: [1], width: 1, height: 1, color: true)
        XCTAssertEqual(lines, ["\u{1B}[38;2;255;255;255m\u{1B}[49m▀\u{1B}[0m"])
    }

    func testRepeatedColoursAreNotRepeated() {
        let lines = TerminalPreview.lines(gray: [1, 1, 0, 0], width: 2, height: 2, color: true)
        XCTAssertEqual(lines, ["\u{1B}[38;2;255;255;255m\u{1B}[48;2;0;0;0m▀▀\u{1B}[0m"])
    }

    func testWideImagesAreShrunk() {
        let wide = [Float](repeating: 1, count: 200 * 4)
        let plain = TerminalPreview.lines(gray: wide, width: 200, height: 4, color: false, maxWidth: 80)
        // Two characters a pixel: shrunk by 5 to 40 × 1 pixels.
        XCTAssertEqual(plain, [String(repeating: "@", count: 80)])
        let colour = TerminalPreview.lines(gray: wide, width: 200, height: 4, color: true, maxWidth: 80)
        // One character a pixel: shrunk by 3 to 67 × 2 pixels, one line.
        XCTAssertEqual(colour.count, 1)
        XCTAssertEqual(colour[0].filter { $0 == "▀" }.count, 67)
    }

    func testNoEscapesWithoutColourForEveryInputKind() {
        let heat = TerminalPreview.lines(heatMap: [0, 1, 2, 3], width: 2, height: 2, color: false)
        XCTAssertEqual(heat, ["  --", "**@@"])
        let rgb = TerminalPreview.lines(rgb: [RGB(255, 0, 0), RGB(0, 0, 0)], width: 2, height: 1, color: false)
        XCTAssertEqual(rgb, ["--  "]) // red is dim: luminance 0.3
        let canvas = TerminalPreview.lines(canvas: Canvas(width: 300, height: 10), color: false)
        for line in heat + rgb + canvas { XCTAssertFalse(line.contains("\u{1B}")) }
    }

    func testColourHeatMapUsesTheColormap() {
        let lines = TerminalPreview.lines(heatMap: [0, 1], width: 1, height: 2, color: true)
        let (b, t) = (Colormap.viridis.bottom, Colormap.viridis.top)
        XCTAssertEqual(lines, ["\u{1B}[38;2;\(b.r);\(b.g);\(b.b)m\u{1B}[48;2;\(t.r);\(t.g);\(t.b)m▀\u{1B}[0m"])
    }

    func testColorWanted() {
        XCTAssertFalse(TerminalPreview.colorWanted(isTerminal: false, environment: ["TERM": "xterm"]))
        XCTAssertFalse(TerminalPreview.colorWanted(isTerminal: true, environment: ["TERM": "xterm", "NO_COLOR": "1"]))
        XCTAssertFalse(TerminalPreview.colorWanted(isTerminal: true, environment: ["TERM": "dumb"]))
        XCTAssertTrue(TerminalPreview.colorWanted(isTerminal: true, environment: ["TERM": "xterm-256color"]))
    }
}
