import CGD
import Foundation
import XCTest
@testable import PixelRender

/// A PNG file decoded independently of `Canvas`, straight through libgd.
struct DecodedPNG {
    let width: Int
    let height: Int
    let pixels: [RGB]

    init(file: URL) throws {
        let data = try Data(contentsOf: file)
        let decoded: gdImagePtr? = data.withUnsafeBytes { raw in
            gdImageCreateFromPngPtr(Int32(raw.count), UnsafeMutableRawPointer(mutating: raw.baseAddress!))
        }
        guard let image = decoded else { throw RenderError.notPNG(file.path) }
        defer { gdImageDestroy(image) }
        width = Int(cgd_sx(image))
        height = Int(cgd_sy(image))
        var pixels: [RGB] = []
        for y in 0..<height {
            for x in 0..<width {
                let v = UInt32(bitPattern: cgd_truecolor_pixel(image, Int32(x), Int32(y)))
                pixels.append(RGB(hex: v & 0xFFFFFF))
            }
        }
        self.pixels = pixels
    }

    subscript(x: Int, y: Int) -> RGB { pixels[y * width + x] }
}

/// A fresh folder for one test's files, removed afterwards.
class RenderTestCase: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("pixelrender-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Writes `canvas` as a PNG, decodes the file back and checks its size.
    func roundTrip(_ canvas: Canvas, _ name: String, size: (width: Int, height: Int),
                   file: StaticString = #filePath, line: UInt = #line) throws -> DecodedPNG {
        let url = try PixelRender.save(canvas, name: name, in: folder)
        let png = try DecodedPNG(file: url)
        XCTAssertEqual(png.width, size.width, "width", file: file, line: line)
        XCTAssertEqual(png.height, size.height, "height", file: file, line: line)
        return png
    }

    /// Asserts two colours agree within `tolerance` per channel.
    func assertColor(_ actual: RGB, _ expected: RGB, tolerance: Int = 0, _ message: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
        let close = abs(Int(actual.r) - Int(expected.r)) <= tolerance
            && abs(Int(actual.g) - Int(expected.g)) <= tolerance
            && abs(Int(actual.b) - Int(expected.b)) <= tolerance
        XCTAssertTrue(close, "\(message): \(actual) is not \(expected)", file: file, line: line)
    }

    /// Whether any pixel in the rectangle has the colour.
    func contains(_ png: DecodedPNG, _ color: RGB, x: Int, y: Int, width: Int, height: Int) -> Bool {
        for yy in y..<(y + height) {
            for xx in x..<(x + width) where png[xx, yy] == color { return true }
        }
        return false
    }
}
