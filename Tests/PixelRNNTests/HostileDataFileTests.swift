import Foundation
import XCTest
@testable import PixelRNN

/// Data files made to hurt: a gzip bomb behind an IDX header, headers that promise
/// more than the file holds, devices, FIFOs and folders, control bytes in `.amat`
/// text, and loads interrupted part way.
///
/// How much is decompressed is measured by `shouldStop`, which the loaders ask after
/// every 64 KiB of decompressed output (and every 1 MiB read): counting its calls
/// bounds the work done without timing anything.
final class HostileDataFileTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pixelrnn-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func write(_ bytes: [UInt8], _ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// An IDX3 header for `count` images of rows×columns.
    private func header(_ count: UInt32, rows: UInt32 = 28, columns: UInt32 = 28) -> [UInt8] {
        IDXFile.bigEndian(IDXMagic.images) + IDXFile.bigEndian(count) + IDXFile.bigEndian(rows) + IDXFile.bigEndian(columns)
    }

    /// The fault of `body`'s `DataFileError`, after checking it is one line naming the file.
    private func fault(_ file: URL, line: UInt = #line, _ body: () throws -> Any) -> DataFileFault? {
        do {
            _ = try body()
            XCTFail("did not fail", line: line)
        } catch let error as DataFileError {
            XCTAssertTrue(error.description.contains(file.lastPathComponent), "\(error)", line: line)
            XCTAssertFalse(error.description.contains("\n"), line: line)
            return error.fault
        } catch {
            XCTFail("\(error)", line: line)
        }
        return nil
    }

    /// A `shouldStop` that counts its calls (and says stop after `stopAfter` of them).
    private final class Counter: @unchecked Sendable {
        var calls = 0
        let stopAfter: Int
        init(stopAfter: Int = .max) { self.stopAfter = stopAfter }
        func shouldStop() -> Bool { calls += 1; return calls > stopAfter }
    }

    func testAGzipBombBehindAHugeHeaderIsRefusedBeforeDecompressing() throws {
        for count: UInt32 in [1 << 31, 2_000_000, UInt32.max] {
            let bomb = try write(Gzip.compress(header(count) + [UInt8](repeating: 0, count: 16 << 20)), "bomb-\(count)-idx3-ubyte.gz")
            let counter = Counter()
            let found = fault(bomb) { try LoadedDataSet.load(bomb, shouldStop: counter.shouldStop) }
            XCTAssertEqual(found, .tooManyImages(count: Int(count), limit: DataLimits.maxImages))
            XCTAssertLessThanOrEqual(counter.calls, 1, "only the file was read; nothing was decompressed past the header")
        }
    }

    func testAHeaderPromisingMoreThanTheGzipCanHoldIsRefusedAtOnce() throws {
        let small = Gzip.compress(header(900_000) + [UInt8](repeating: 0, count: 1000))
        let url = try write(small, "promise-idx3-ubyte.gz")
        let counter = Counter()
        XCTAssertEqual(fault(url) { try LoadedDataSet.load(url, shouldStop: counter.shouldStop) },
                       .cannotHold(expectedBytes: 16 + 900_000 * 784, compressedBytes: small.count))
        XCTAssertLessThanOrEqual(counter.calls, 1)
        XCTAssertEqual(fault(url) { try IDXFile.readImages(url) },
                       .cannotHold(expectedBytes: 16 + 900_000 * 784, compressedBytes: small.count), "the plain reader checks too")
    }

    func testDecompressionStopsAtWhatTheHeaderPromises() throws {
        let pixels = [UInt8](repeating: 9, count: 100 * 784)
        let url = try write(Gzip.compress(header(100) + pixels + [UInt8](repeating: 0, count: 32 << 20)), "long-idx3-ubyte.gz")
        let counter = Counter()
        XCTAssertEqual(fault(url) { try LoadedDataSet.load(url, shouldStop: counter.shouldStop) },
                       .longerThanHeader(expectedBytes: 16 + 100 * 784))
        XCTAssertLessThanOrEqual(counter.calls, 4, "about 78 kB decompressed, not 32 MB (512 chunks)")
        let labels = try write(Gzip.compress(IDXFile.encodeLabels([1, 2]) + [UInt8](repeating: 0, count: 32 << 20)), "l.gz")
        let labelCounter = Counter()
        XCTAssertEqual(fault(labels) { try IDXFile.readLabels(labels, shouldStop: labelCounter.shouldStop) },
                       .longerThanHeader(expectedBytes: 10))
        XCTAssertLessThanOrEqual(labelCounter.calls, 3)
    }

    func testALabelFileOfAnotherCountIsRefusedFromItsHeader() throws {
        let images = try write(Gzip.compress(header(20) + [UInt8](repeating: 0, count: 20 * 784)), "m-images-idx3-ubyte.gz")
        let labels = try write(Gzip.compress(IDXFile.encodeLabels([]) .prefix(4) + IDXFile.bigEndian(UInt32.max)
                                             + [UInt8](repeating: 0, count: 8 << 20)), "x-labels")
        let counter = Counter()
        XCTAssertEqual(fault(images) { try LoadedDataSet.load(images, labels: labels, shouldStop: counter.shouldStop) },
                       .countMismatch(images: 20, labels: Int(UInt32.max), labelsFile: labels.path))
        XCTAssertLessThanOrEqual(counter.calls, 3)
    }

    func testALoadStopsWhenAskedAndSaysSo() throws {
        let big = try write(Gzip.compress(header(2000) + [UInt8](repeating: 1, count: 2000 * 784)), "big-idx3-ubyte.gz")
        let counter = Counter(stopAfter: 3)
        XCTAssertEqual(fault(big) { try LoadedDataSet.load(big, shouldStop: counter.shouldStop) }, .stopped)
        XCTAssertEqual(counter.calls, 4, "stopped at the first check after the request")
        let amat = try write(Gzip.compress(Array(String(repeating: String(repeating: "0 ", count: 784) + "\n", count: 3000).utf8)),
                             "many.amat.gz")
        let amatCounter = Counter(stopAfter: 5)
        XCTAssertEqual(fault(amat) { try LoadedDataSet.load(amat, shouldStop: amatCounter.shouldStop) }, .stopped)
        XCTAssertEqual(amatCounter.calls, 6)
    }

    func testMakingTheSplitsStopsEveryThousandImages() throws {
        let n = 5000
        let url = try write(header(UInt32(n)) + [UInt8](repeating: 200, count: n * 784), "raw-idx3-ubyte")
        let never = Counter()
        let whole = try LoadedDataSet.load(url, shouldStop: never.shouldStop)
        XCTAssertEqual(whole.train.count + whole.valid.count + whole.test.count, n)
        // One check per MiB read, then 4 + 1 + 1 for the splits (train 4,000, valid 500, test 500).
        let readChecks = never.calls - 6
        XCTAssertGreaterThanOrEqual(readChecks, 1)
        for extra in 1...6 {
            let counter = Counter(stopAfter: readChecks + extra - 1)
            XCTAssertEqual(fault(url) { try LoadedDataSet.load(url, shouldStop: counter.shouldStop) }, .stopped)
            XCTAssertEqual(counter.calls, readChecks + extra)
        }
    }

    func testDevicesFIFOsFoldersAndEmptyFilesAreNamedForWhatTheyAre() throws {
        let fifo = folder.appendingPathComponent("pipe-idx3-ubyte")
        XCTAssertEqual(mkfifo(fifo.path, 0o644), 0)
        XCTAssertEqual(fault(fifo) { try LoadedDataSet.load(fifo) }, .notRegular("a FIFO, a named pipe"), "and it did not block")
        let null = URL(fileURLWithPath: "/dev/null")
        XCTAssertEqual(fault(null) { try LoadedDataSet.load(null) }, .notRegular("a character device"))
        XCTAssertTrue(DataFileFault.notRegular("a character device").description.contains("is not a regular file"))
        XCTAssertEqual(fault(folder) { try LoadedDataSet.load(self.folder) }, .isFolder)
        XCTAssertTrue(DataFileFault.isFolder.description.contains("is a directory"))
        let empty = try write([], "empty.amat")
        XCTAssertEqual(fault(empty) { try LoadedDataSet.load(empty) }, .empty)
        XCTAssertTrue(DataFileFault.empty.description.contains("is empty"))
        for file in [fifo, null, folder!] {
            XCTAssertThrowsError(try SafeTensors.read(contentsOf: file)) { error in
                XCTAssertFalse("\(error)".contains("permission"), "\(error)")
                XCTAssertTrue("\(error)".contains(file == self.folder ? "is a directory" : "is not a regular file"), "\(error)")
            }
        }
    }

    func testControlBytesFromAnAmatFileAreEscaped() throws {
        let line = Array("0 1 \u{1B}[31m\u{07}\0x".utf8) + [0xFF, 0xFE] + Array(" 1\n".utf8)
        let url = try write(line, "evil.amat")
        guard case .amatValue(_, _, let token)? = fault(url, { try LoadedDataSet.load(url) }) else { return XCTFail() }
        XCTAssertEqual(token, "\\e[31m\\a\\0x\\xFF\\xFE")
        let message = DataFileError(file: url.path, fault: .amatValue(line: 1, position: 3, token: token)).description
        XCTAssertFalse(message.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, message)
    }

    func testQuotedTextEscapesAndCuts() {
        XCTAssertEqual(QuotedText.escaped("a\u{1B}b\u{07}\u{0}\n\u{9B}é"), "a\\eb\\a\\0\\n\\u{9B}é")
        XCTAssertEqual(QuotedText.escaped(String(repeating: "x", count: 100), limit: 5), "xxxxx…")
        XCTAssertEqual(QuotedText.escaped(bytes: [0x41, 0xC3, 0xA9, 0xC3, 0x1B, 0x80]), "Aé\\xC3\\e\\x80")
        XCTAssertEqual(QuotedText.escaped(bytes: [UInt8](repeating: 0x41, count: 1000), limit: 3), "AAA…")
        XCTAssertEqual(QuotedText.quoted("say \"hi\"\u{7}"), "\"say \\\"hi\\\"\\a\"")
    }

    func testTooManyImagesForTheMemoryIsRefused() {
        XCTAssertThrowsError(try DataLimits.check(images: 1000, file: "f", available: 1000 * DataLimits.bytesPerImage - 1)) { error in
            XCTAssertEqual((error as? DataFileError)?.fault,
                           .needsMemory(bytes: 1000 * DataLimits.bytesPerImage, available: 1000 * DataLimits.bytesPerImage - 1))
        }
        XCTAssertNoThrow(try DataLimits.check(images: 1000, file: "f", available: 1000 * DataLimits.bytesPerImage))
    }

    func testTheBundledFolderIsDescribedByWhatItHolds() throws {
        let labels = (0..<100).map { UInt8($0 % 10) }
        let imagesURL = try write(Gzip.compress(header(100) + [UInt8](repeating: 3, count: 100 * 784)), BundledData.imagesFileName)
        _ = try write(Gzip.compress(IDXFile.encodeLabels(labels)), BundledData.labelsFileName)
        let set = try DataFileLoader.loadIDX(imagesURL, labels: folder.appendingPathComponent(BundledData.labelsFileName),
                                             binarization: .threshold(0.5))
        let text = BundledData.describe(set, in: folder)
        XCTAssertTrue(text.hasPrefix("100 images (10 per class)"), text)
        XCTAssertFalse(text.contains("5,000"), text)
        let shipped = try LoadedDataSet.bundled()
        XCTAssertTrue(shipped.source.hasPrefix("5,000 MNIST digits (500 per class)"), shipped.source)
    }
}
