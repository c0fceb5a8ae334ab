import Foundation
import XCTest
@testable import PixelRNN

/// Loaders of the data files: IDX (raw and gzip), `.amat`, every malformed-file
/// case, the split of the bundled set, and binarization.
final class DataLoaderTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("pixelrnn-data-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: fixtures

    /// `count` 28×28 images with a pattern that depends on the index.
    func images(_ count: Int, rows: Int = 28, columns: Int = 28) -> IDXImages {
        let per = rows * columns
        let pixels = (0..<(count * per)).map { UInt8(truncatingIfNeeded: ($0 / per) &* 37 &+ ($0 % per) &* 11) }
        return IDXImages(count: count, rows: rows, columns: columns, pixels: pixels)
    }

    /// Writes `bytes` to a file in the temp folder.
    @discardableResult
    func write(_ bytes: [UInt8], _ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// Asserts that `body` throws a `DataFileError` naming `file` and saying `fault`.
    func assertFault(_ file: URL, contains fault: String, line: UInt = #line, _ body: () throws -> Any) {
        do {
            _ = try body()
            XCTFail("expected an error containing '\(fault)'", line: line)
        } catch let error as DataFileError {
            XCTAssertTrue(error.description.contains(fault), "'\(error)' does not say '\(fault)'", line: line)
            XCTAssertTrue(error.description.contains(file.lastPathComponent), "'\(error)' does not name the file", line: line)
            XCTAssertFalse(error.description.contains("\n"), "message is not one line", line: line)
        } catch {
            XCTFail("unexpected error type \(type(of: error)): \(error)", line: line)
        }
    }

    /// 784 tokens per line from bits.
    func amatText(_ lines: [[UInt8]]) -> [UInt8] {
        Array(lines.map { $0.map(String.init).joined(separator: " ") + "\n" }.joined().utf8)
    }

    func bits(_ n: Int) -> [UInt8] { (0..<784).map { UInt8(($0 * 7 + n * 3) % 5 == 0 ? 1 : 0) } }

    // MARK: round trips

    func testIDXImagesRoundTripRawAndGzip() throws {
        let original = images(12)
        let raw = try write(IDXFile.encodeImages(original), "raw-images-idx3-ubyte")
        let gz = try write(Gzip.compress(IDXFile.encodeImages(original)), "any-name.bin")
        XCTAssertEqual(try IDXFile.readImages(raw), original)
        XCTAssertEqual(try IDXFile.readImages(gz), original, "gzip detected by content, not by name")
    }

    func testIDXLabelsRoundTripRawAndGzip() throws {
        let labels: [UInt8] = [3, 1, 4, 1, 5, 9, 2, 6]
        let raw = try write(IDXFile.encodeLabels(labels), "l-idx1-ubyte")
        let gz = try write(Gzip.compress(IDXFile.encodeLabels(labels)), "l-idx1-ubyte.gz")
        XCTAssertEqual(try IDXFile.readLabels(raw), labels)
        XCTAssertEqual(try IDXFile.readLabels(gz), labels)
    }

    func testIDXHeaderIsBigEndianWithStandardMagic() {
        let bytes = IDXFile.encodeImages(images(2))
        XCTAssertEqual(Array(bytes[0..<16]), [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28])
        XCTAssertEqual(Array(IDXFile.encodeLabels([7])[0..<8]), [0, 0, 8, 1, 0, 0, 0, 1])
    }

    func testGzipRoundTripAndConcatenatedMembers() throws {
        let a: [UInt8] = Array("hello ".utf8), b: [UInt8] = Array("world".utf8)
        XCTAssertEqual(try Gzip.decompress(Gzip.compress(a)).get(), a)
        XCTAssertEqual(try Gzip.decompress(Gzip.compress(a) + Gzip.compress(b)).get(), a + b)
        XCTAssertEqual(Array(Gzip.compress(a).prefix(2)), [0x1F, 0x8B])
    }

    func testLoadIDXWithSiblingLabels() throws {
        let labels = (0..<40).map { UInt8($0 % 4) }
        let url = try write(Gzip.compress(IDXFile.encodeImages(images(40))), "toy-images-idx3-ubyte.gz")
        try write(IDXFile.encodeLabels(labels), "toy-labels-idx1-ubyte")
        let set = try LoadedDataSet.load(url)
        XCTAssertTrue(set.isLabelled)
        XCTAssertEqual([set.train.count, set.valid.count, set.test.count], [32, 4, 4])
        XCTAssertEqual(set.train.classCounts, [0: 8, 1: 8, 2: 8, 3: 8])
        XCTAssertEqual(Array(set.train.labels!.prefix(8)), [0, 1, 2, 3, 0, 1, 2, 3])
        XCTAssertEqual(set.train.images.shape, [32, 1, 28, 28])
        let n = set.train.sourceIndices[5]
        XCTAssertEqual(set.train.images.data[5 * 784 + 100], Float(images(40).pixels[n * 784 + 100]) / 255)
    }

    func testLoadIDXWithoutLabelsSplitsByIndex() throws {
        let url = try write(IDXFile.encodeImages(images(30)), "plain.idx3")
        let set = try LoadedDataSet.load(url)
        XCTAssertFalse(set.isLabelled)
        XCTAssertEqual(set.train.sourceIndices, [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23, 24, 25, 26, 27])
        XCTAssertEqual(set.valid.sourceIndices, [8, 18, 28])
        XCTAssertEqual(set.test.sourceIndices, [9, 19, 29])
    }

    // MARK: malformed IDX files

    func testBadMagic() throws {
        var bytes = IDXFile.encodeImages(images(2))
        bytes[3] = 0x05   // 5 dimensions (0x00000804, 4 dimensions, is the colour format)
        let url = try write(bytes, "bad-images-idx3-ubyte")
        assertFault(url, contains: "bad magic number 0x00000805, expected 0x00000803") { try IDXFile.readImages(url) }
        assertFault(url, contains: "bad magic number") { try LoadedDataSet.load(url) }
        let labels = try write([0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0], "bad-labels-idx1-ubyte")
        assertFault(labels, contains: "bad magic number 0x12345678, expected 0x00000801") { try IDXFile.readLabels(labels) }
    }

    func testLabelFileGivenAsImages() throws {
        let url = try write(IDXFile.encodeLabels([1, 2, 3]), "t-labels-idx1-ubyte")
        assertFault(url, contains: "is an IDX label file") { try LoadedDataSet.load(url) }
    }

    func testUnsupportedElementType() throws {
        var bytes = IDXFile.encodeImages(images(1))
        bytes[2] = 0x0D
        let url = try write(bytes, "float-idx3")
        assertFault(url, contains: "unsupported IDX element type 0x0D") { try IDXFile.readImages(url) }
    }

    func testTruncatedPixelsAndHeader() throws {
        let bytes = IDXFile.encodeImages(images(3))
        let url = try write(Array(bytes.dropLast(100)), "cut-idx3-ubyte")
        assertFault(url, contains: "truncated: the header promises \(16 + 3 * 784) bytes, the file has \(16 + 3 * 784 - 100)") {
            try IDXFile.readImages(url)
        }
        let header = try write(Array(bytes.prefix(10)), "header-idx3-ubyte")
        assertFault(header, contains: "truncated") { try IDXFile.readImages(header) }
        let tiny = try write([0, 0, 8], "tiny-idx3-ubyte")
        assertFault(tiny, contains: "truncated") { try IDXFile.readImages(tiny) }
        let labels = try write(Array(IDXFile.encodeLabels([1, 2, 3]).dropLast()), "cut-idx1-ubyte")
        assertFault(labels, contains: "truncated") { try IDXFile.readLabels(labels) }
    }

    func testExtraBytesAreWrongSize() throws {
        let url = try write(IDXFile.encodeImages(images(2)) + [1, 2, 3], "long-idx3-ubyte")
        assertFault(url, contains: "wrong size") { try IDXFile.readImages(url) }
    }

    func testImpossibleHeaderDoesNotCrash() throws {
        let url = try write([0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255], "huge-idx3")
        XCTAssertThrowsError(try IDXFile.readImages(url)) { error in
            XCTAssertTrue("\(error)".contains("huge-idx3"))
        }
    }

    func testWrongImageSize() throws {
        let url = try write(IDXFile.encodeImages(images(20, rows: 65, columns: 65)), "big-images-idx3-ubyte")
        assertFault(url, contains: "wrong image size: 65×65 pixels, pixelrnn reads 2×2 to 64×64") { try LoadedDataSet.load(url) }
        let thin = try write(IDXFile.encodeImages(images(20, rows: 1, columns: 28)), "thin-images-idx3-ubyte")
        assertFault(thin, contains: "wrong image size: 1×28") { try LoadedDataSet.load(thin) }
        let other = try write(IDXFile.encodeImages(images(20, rows: 32, columns: 17)), "other-images-idx3-ubyte")
        XCTAssertEqual(try LoadedDataSet.load(other).train.images.shape, [16, 1, 32, 17], "any size 2…64 per side loads")
    }

    func testCountMismatchOfImagesAndLabels() throws {
        let url = try write(IDXFile.encodeImages(images(20)), "m-images-idx3-ubyte")
        let labels = try write(IDXFile.encodeLabels([UInt8](repeating: 1, count: 19)), "other-labels.idx1")
        assertFault(url, contains: "count mismatch: 20 images but 19 labels") { try LoadedDataSet.load(url, labels: labels) }
    }

    func testEmptyFiles() throws {
        let empty = try write([], "empty-idx3-ubyte")
        assertFault(empty, contains: "empty file") { try IDXFile.readImages(empty) }
        assertFault(empty, contains: "empty file") { try LoadedDataSet.load(empty) }
        let emptyGzip = try write(Gzip.compress([]), "empty.gz")
        assertFault(emptyGzip, contains: "empty file") { try LoadedDataSet.load(emptyGzip) }
        let noImages = try write(IDXFile.encodeImages(images(0)), "none-idx3-ubyte")
        assertFault(noImages, contains: "holds no images") { try LoadedDataSet.load(noImages) }
    }

    func testTooFewImagesToSplit() throws {
        let url = try write(IDXFile.encodeImages(images(5)), "five-idx3-ubyte")
        assertFault(url, contains: "too few images (5)") { try LoadedDataSet.load(url) }
    }

    func testMissingFileAndFolder() throws {
        let missing = folder.appendingPathComponent("nowhere-idx3-ubyte.gz")
        assertFault(missing, contains: "no such file") { try LoadedDataSet.load(missing) }
        assertFault(folder, contains: "is a directory") { try LoadedDataSet.load(self.folder) }
    }

    func testTruncatedAndCorruptGzip() throws {
        let gz = Gzip.compress(IDXFile.encodeImages(images(10)))
        let cut = try write(Array(gz.prefix(gz.count / 2)), "cut.gz")
        assertFault(cut, contains: "truncated gzip") { try IDXFile.readImages(cut) }
        var damaged = gz
        for i in (damaged.count - 8)..<(damaged.count - 4) { damaged[i] ^= 0xFF }
        let bad = try write(damaged, "crc.gz")
        assertFault(bad, contains: "corrupt gzip") { try IDXFile.readImages(bad) }
        XCTAssertEqual(try Gzip.decompress(gz + [0, 0, 0, 0]).get().count, 16 + 10 * 784, "zero padding is allowed")
        let junk = try write(gz + [1, 2, 3], "junk.gz")
        assertFault(junk, contains: "corrupt gzip") { try IDXFile.readImages(junk) }
    }

    func testUnknownFormat() throws {
        let url = try write(Array("PK\u{3}\u{4} not data".utf8), "mystery.bin")
        assertFault(url, contains: "unknown format") { try LoadedDataSet.load(url) }
    }

    // MARK: .amat

    func testAmatParses() throws {
        let lines = (0..<20).map(bits)
        let url = try write(amatText(lines), "digits.amat")
        let set = try LoadedDataSet.load(url)
        XCTAssertEqual(set.binarization, .givenByFile)
        XCTAssertEqual([set.train.count, set.valid.count, set.test.count], [16, 2, 2])
        XCTAssertEqual(set.valid.images.data, bits(8).map(Float.init) + bits(18).map(Float.init))
        XCTAssertEqual(set.binarized(.valid), set.valid.images, "already binary: used as is")
    }

    func testAmatToleratesCRLFTrailingBlankLinesAndGzip() throws {
        var text = String(decoding: amatText((0..<10).map(bits)), as: UTF8.self)
        text = text.replacingOccurrences(of: "\n", with: " \r\n") + "\n\n"
        let plain = try AmatFile.parse(Array(text.utf8), file: "x.amat")
        XCTAssertEqual(plain.count, 10)
        let gz = try write(Gzip.compress(Array(text.utf8)), "x.amat.gz")
        XCTAssertEqual(try AmatFile.read(gz), plain)
    }

    func testAmatBadValue() throws {
        var lines = (0..<3).map { bits($0).map(String.init) }
        lines[1][5] = "2"
        let url = try write(Array(lines.map { $0.joined(separator: " ") + "\n" }.joined().utf8), "bad.amat")
        assertFault(url, contains: "line 2, value 6 is '2'; .amat values must be 0 or 1") { try AmatFile.read(url) }
        lines[1][5] = "0.5"
        let frac = try write(Array(lines.map { $0.joined(separator: " ") + "\n" }.joined().utf8), "frac.amat")
        assertFault(frac, contains: "value 6 is '0.5'") { try AmatFile.read(frac) }
    }

    func testAmatWrongLineLength() throws {
        var lines = (0..<3).map(bits)
        lines[2].removeLast()
        let short = try write(amatText(lines), "short.amat")
        assertFault(short, contains: "line 3 has 783 values, expected 784") { try AmatFile.read(short) }
        lines[2] += [1, 0]
        let long = try write(amatText(lines), "long.amat")
        assertFault(long, contains: "line 3 has 785 values") { try AmatFile.read(long) }
        let gap = try write(amatText([bits(0)]) + [0x0A] + amatText([bits(1)]), "gap.amat")
        assertFault(gap, contains: "line 2 has 0 values") { try AmatFile.read(gap) }
    }

    func testAmatEmpty() throws {
        let url = try write([], "empty.amat")
        assertFault(url, contains: "empty file") { try LoadedDataSet.load(url) }
        let blank = try write(Array("\n \n".utf8), "blank.amat")
        assertFault(blank, contains: "empty file") { try AmatFile.read(blank) }
    }

    func testAmatTrioBecomesTheThreeSplits() throws {
        for (name, n) in [("train", 5), ("valid", 2), ("test", 3)] {
            try write(amatText((0..<n).map(bits)), "binarized_mnist_\(name).amat")
        }
        let set = try LoadedDataSet.load(folder.appendingPathComponent("binarized_mnist_valid.amat"))
        XCTAssertEqual([set.train.count, set.valid.count, set.test.count], [5, 2, 3])
        XCTAssertEqual(set.binarization, .givenByFile)
        XCTAssertEqual(set.test.images.data.prefix(784).map { UInt8($0) }, bits(0))
    }

    // MARK: the bundled set

    func testBundledSplitSizesAndClassBalance() throws {
        let set = try LoadedDataSet.bundled()
        XCTAssertEqual([set.train.count, set.valid.count, set.test.count], [4000, 500, 500])
        for (name, per) in [(SplitName.train, 400), (.valid, 50), (.test, 50)] {
            XCTAssertEqual(set[name].classCounts, Dictionary(uniqueKeysWithValues: (0..<10).map { ($0, per) }), "\(name)")
            XCTAssertEqual(set[name].images.shape, [set[name].count, 1, 28, 28])
        }
        let all = set.train.sourceIndices + set.valid.sourceIndices + set.test.sourceIndices
        XCTAssertEqual(all.sorted(), Array(0..<5000), "the splits are disjoint and cover the file")
        XCTAssertEqual(Array(set.train.labels!.prefix(20)), Array(0..<10) + Array(0..<10))
        XCTAssertEqual(set.test.sourceIndices.prefix(2), [9, 509], "10th of each class of ten goes to test")
        XCTAssertTrue(set.train.images.data.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertEqual(set.train.meanIntensity, 0.13, accuracy: 0.03, "MNIST is about 13% ink")
    }

    func testBundledFolderFromEnvironment() throws {
        let real = try BundledData.folder()
        XCTAssertEqual(try BundledData.folder(environment: ["PIXELRNN_DATA": real.path]), real)
        XCTAssertEqual(try BundledData.folder(environment: ["PIXELRNN_DATA": real.deletingLastPathComponent().path]).standardizedFileURL,
                       real.standardizedFileURL)
        XCTAssertThrowsError(try BundledData.folder(environment: ["PIXELRNN_DATA": folder.path])) { error in
            XCTAssertTrue("\(error)".contains("PIXELRNN_DATA"))
        }
    }

    // MARK: binarization

    func toySplit() -> (Tensor, [Int]) {
        let values = (0..<(6 * 784)).map { Float(($0 * 31) % 256) / 255 }
        return (Tensor(shape: [6, 1, 28, 28], data: values), [10, 11, 12, 13, 14, 15])
    }

    func testStochasticSameSeedSameBitsOtherSeedOtherBits() {
        let (images, sources) = toySplit()
        let a = Binarization.stochastic(seed: 7).apply(to: images, sourceIndices: sources)
        let b = Binarization.stochastic(seed: 7).apply(to: images, sourceIndices: sources)
        let c = Binarization.stochastic(seed: 8).apply(to: images, sourceIndices: sources)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertTrue(a.data.allSatisfy { $0 == 0 || $0 == 1 })
        XCTAssertEqual(a, Binarization.stochastic(seed: 7).apply(to: images, sourceIndices: sources, epoch: 5),
                       "drawn once: the epoch does not matter")
        let zeros = Tensor(zeros: [1, 1, 28, 28]), ones = Tensor(repeating: 1, shape: [1, 1, 28, 28])
        XCTAssertEqual(Binarization.stochastic(seed: 1).apply(to: zeros, sourceIndices: [0]), zeros)
        XCTAssertEqual(Binarization.stochastic(seed: 1).apply(to: ones, sourceIndices: [0]), ones)
    }

    func testStochasticBitsFollowIntensity() {
        let grey = Tensor(repeating: 0.25, shape: [50, 1, 28, 28])
        let bits = Binarization.stochastic(seed: 3).apply(to: grey, sourceIndices: Array(0..<50))
        XCTAssertEqual(bits.sum() / Float(bits.count), 0.25, accuracy: 0.01)
    }

    func testFreshEachEpochDiffersBetweenEpochs() {
        let (images, sources) = toySplit()
        let fresh = Binarization.freshEachEpoch(seed: 7)
        let e0 = fresh.apply(to: images, sourceIndices: sources, epoch: 0)
        let e1 = fresh.apply(to: images, sourceIndices: sources, epoch: 1)
        XCTAssertNotEqual(e0, e1)
        XCTAssertEqual(e1, fresh.apply(to: images, sourceIndices: sources, epoch: 1), "an epoch's draw is reproducible")
        XCTAssertNotEqual(fresh.seed(forEpoch: 0), fresh.seed(forEpoch: 1))
        XCTAssertEqual(Binarization.stochastic(seed: 7).seed(forEpoch: 9), 7)
    }

    func testThresholdIsExact() {
        let values: [Float] = [0, 127.0 / 255, 0.5, 128.0 / 255, 1]
        let t = Tensor(shape: [1, 1, 1, 5], data: values)
        XCTAssertEqual(Binarization.threshold(0.5).apply(to: t, sourceIndices: [0]).data, [0, 0, 0, 1, 1])
    }

    func testBatchBinarizesLikeTheWholeSplit() throws {
        let set = try LoadedDataSet.bundled(binarization: .freshEachEpoch(seed: 2))
        let whole = set.binarized(.valid, epoch: 3)
        let batch = set.binarized(.valid, indices: [4, 0, 499], epoch: 3)
        XCTAssertEqual(batch.shape, [3, 1, 28, 28])
        for (k, n) in [4, 0, 499].enumerated() { XCTAssertEqual(batch.item(k), whole.item(n)) }
    }

    func testDescriptionsNameTheBinarization() {
        XCTAssertEqual(Binarization.stochastic(seed: 0).description, "stochastic, drawn once (seed 0)")
        XCTAssertEqual(Binarization.freshEachEpoch(seed: 4).description, "stochastic, fresh each epoch (seed 4)")
        XCTAssertEqual(Binarization.threshold(0.5).description, "threshold 0.5")
        XCTAssertEqual(Binarization.givenByFile.description, "given by file (already binary)")
    }
}
