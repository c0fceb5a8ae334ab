import Foundation
import XCTest
@testable import PixelRNN

/// Colour and other-size data: IDX files with 4 dimensions (count × rows × columns ×
/// colours), their planes, the K-level quantization, `levels(_:)` for binary and K-level
/// sets, and the bundled 16×16 emoji.
final class ColourDataTests: TemporaryFolderTestCase {
    /// `count` colour images of rows×columns; pixel (n, y, x) is (R, G, B) = (n, 10·y + x, 200 + c…).
    private func colourImages(_ count: Int, rows: Int, columns: Int) -> IDXImages {
        var pixels: [UInt8] = []
        for n in 0..<count { for y in 0..<rows { for x in 0..<columns {
            pixels += [UInt8(n % 256), UInt8((10 * y + x) % 256), UInt8((3 * n + x + 100) % 256)]
        } } }
        return IDXImages(count: count, rows: rows, columns: columns, colors: 3, pixels: pixels)
    }

    func testFourDimensionalHeaderIsTheStandardMagicAndRoundTrips() throws {
        let images = colourImages(3, rows: 5, columns: 4)
        let bytes = IDXFile.encodeImages(images)
        XCTAssertEqual(Array(bytes[0..<20]), [0, 0, 8, 4, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 3])
        XCTAssertEqual(try IDXFile.parseImages(bytes, file: "x"), images)
        let url = try write(Gzip.compress(bytes), "c-idx4.gz")
        XCTAssertEqual(try IDXFile.readImages(url), images)
    }

    func testColourPixelsBecomePlanesRGB() throws {
        let url = try write(IDXFile.encodeImages(colourImages(20, rows: 5, columns: 4)), "planes-idx4-ubyte")
        let set = try LoadedDataSet.load(url)
        XCTAssertEqual(set.train.images.shape, [16, 3, 5, 4])
        XCTAssertEqual([set.colors, set.rows, set.columns, set.levels], [3, 5, 4, 256], "colour loads with 256 levels")
        // Train image 3 is file image 3; its pixel (y 2, x 1): R = 3, G = 21, B = 3·3 + 1 + 100 = 110.
        let levels = set.levels(.train, indices: [3])
        XCTAssertEqual([levels[0, 0, 2, 1], levels[0, 1, 2, 1], levels[0, 2, 2, 1]], [3, 21, 110])
        XCTAssertEqual(set.levels(.train).shape, [16, 3, 5, 4])
        XCTAssertEqual(Array(set.levels(.train).data[(3 * 60)..<(4 * 60)]), levels.data, "a batch reads as the whole split")
    }

    func testOtherColourCountsAreRefused() throws {
        for colors: UInt32 in [0, 2, 4] {
            let header = [0, 0, 8, 4] + IDXFile.bigEndian(10) + IDXFile.bigEndian(4) + IDXFile.bigEndian(4) + IDXFile.bigEndian(colors)
            let url = try write(header + [UInt8](repeating: 0, count: 160 * Int(colors)), "c\(colors)-idx4")
            XCTAssertThrowsError(try LoadedDataSet.load(url)) { error in
                XCTAssertEqual("\(error)", "\(url.path): \(colors) colours per pixel; pixelrnn reads 1 (grey) or 3 (R, G, B)")
            }
        }
        let floats = try write([0, 0, 0x0D, 4] + [UInt8](repeating: 0, count: 16), "float-idx4")
        XCTAssertThrowsError(try LoadedDataSet.load(floats)) { error in
            XCTAssertEqual((error as? DataFileError)?.fault, .unsupportedElementType(0x0D))
        }
    }

    func testQuantizeThenDequantizeIsExactOnKLevelDataForEveryK() throws {
        for k in 2...256 {
            let q = try XCTUnwrap(Quantization(levels: k))
            for level in 0..<k {
                let byte = q.byte(ofLevel: level)
                XCTAssertTrue((0...255).contains(byte))
                XCTAssertEqual(q.level(ofByte: byte), level, "K = \(k), level \(level) → byte \(byte)")
            }
            XCTAssertEqual(q.byte(ofLevel: 0), 0)
            XCTAssertEqual(q.byte(ofLevel: k - 1), 255)
            // Every byte goes to the nearest level.
            for v in 0...255 {
                func distance(_ level: Int) -> Double { abs(255 * Double(level) / Double(k - 1) - Double(v)) }
                let best = (0..<k).map(distance).min()!
                XCTAssertLessThanOrEqual(distance(q.level(ofByte: v)), best + 1e-9, "K = \(k), byte \(v)")
            }
        }
        XCTAssertNil(Quantization(levels: 1))
        XCTAssertNil(Quantization(levels: 257))
    }

    func testQuantizationOfTensorsRoundTripsAndNamesTheLevels() throws {
        let q = try XCTUnwrap(Quantization(levels: 4))   // bytes 0, 85, 170, 255
        let levels = Tensor(shape: [1, 1, 1, 4], data: [0, 1, 2, 3])
        let back = q.intensities(ofLevels: levels)
        XCTAssertEqual(back.data, [0, 85.0 / 255, 170.0 / 255, 1])
        XCTAssertEqual(q.apply(to: back), levels)
        XCTAssertEqual(q.apply(to: Tensor(shape: [4], data: [42.0 / 255, 43.0 / 255, 127.0 / 255, 128.0 / 255])).data, [0, 1, 1, 2])
        XCTAssertEqual(Quantization(levels: 256)!.apply(to: Tensor(shape: [3], data: [0, 77.0 / 255, 1])).data, [0, 77, 255])
        XCTAssertEqual("\(q)", "4 levels (quantized from 8 bits)")
        XCTAssertEqual("\(Quantization(levels: 256)!)", "256 levels (8-bit)")
    }

    func testTwoLevelQuantizationIsTheThresholdBinarization() throws {
        let values = Tensor(shape: [1, 1, 16, 16], data: (0..<256).map { Float($0) / 255 })
        XCTAssertEqual(Quantization(levels: 2)!.apply(to: values), Binarization.threshold(0.5).apply(to: values, sourceIndices: [0]))
    }

    func testLevelsOfABinarySetAreItsBinarizedImages() throws {
        let grey = IDXImages(count: 20, rows: 6, columns: 7, pixels: (0..<840).map { UInt8(($0 * 13) % 256) })
        let url = try write(IDXFile.encodeImages(grey), "g-images-idx3-ubyte")
        for mode in [Binarization.stochastic(seed: 3), .freshEachEpoch(seed: 1), .threshold(0.5)] {
            let set = try LoadedDataSet.load(url, binarization: mode)
            XCTAssertEqual(set.levels, 2)
            XCTAssertEqual(set.levels(.train, epoch: 2), set.binarized(.train, epoch: 2))
            XCTAssertEqual(set.levels(.valid, indices: [0, 1], epoch: 5), set.binarized(.valid, indices: [0, 1], epoch: 5))
            XCTAssertTrue(set.levelsDescription.contains("\(mode)"))
        }
        let eight = try LoadedDataSet.load(url, levels: 8)
        XCTAssertEqual(eight.levels, 8)
        XCTAssertEqual(eight.levelsDescription, "8 levels (quantized from 8 bits)")
        XCTAssertEqual(Set(eight.levels(.train).data).isSubset(of: Set((0..<8).map(Float.init))), true)
        XCTAssertEqual(eight.levels(.train).data.max(), 7)
    }

    func testBundledEmojiAre16By16ColourWithAFixedSplit() throws {
        let set = try LoadedDataSet.bundledColour()
        XCTAssertEqual([set.train.count, set.valid.count, set.test.count], [1105, 138, 138])
        XCTAssertEqual([set.colors, set.rows, set.columns, set.levels], [3, 16, 16, 256])
        XCTAssertEqual(set.valid.sourceIndices.prefix(2), [8, 18])
        XCTAssertEqual(set.test.sourceIndices.prefix(2), [9, 19])
        XCTAssertEqual(set.name, "emoji")
        XCTAssertTrue(set.source.hasPrefix("1,381 Noto Color Emoji"), set.source)
        // The corners are the white background in every colour.
        let first = set.levels(.train, indices: [0])
        XCTAssertEqual((0..<3).map { first[0, $0, 0, 0] }, [255, 255, 255])
        // The file is the shipped one: its uncompressed bytes have the documented checksum.
        let url = try BundledData.folder(holding: BundledColourData.imagesFileName)
            .appendingPathComponent(BundledColourData.imagesFileName)
        let bytes = try DataFileBytes.read(url)
        XCTAssertEqual(bytes.count, 20 + 1381 * 768)
        XCTAssertEqual(fnv1a(bytes), 0x2515_63e1_dbab_8765, "FNV-1a of the file whose SHA-256 data/README.md gives")
        let four = try LoadedDataSet.bundledColour(levels: 4)
        XCTAssertEqual(four.levels(.test).data.max(), 3)
    }

    private func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
