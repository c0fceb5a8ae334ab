import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// What a hostile user gives the shell: labels that are not digits, weights that are
/// NaN, saves that cannot succeed, files that are not files. Each gives one true line
/// and leaves nothing behind.
final class HostileFileInputTests: ShellTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// An IDX image file of `count` digits and its label file with `labels`.
    private func digits(_ count: Int, labels: [UInt8], name: String) throws -> URL {
        let images = IDXImages(count: count, rows: 28, columns: 28, pixels: (0..<(count * 784)).map { UInt8($0 % 251) })
        let url = folder.appendingPathComponent("\(name)-images-idx3-ubyte")
        try Data(IDXFile.encodeImages(images)).write(to: url)
        try Data(IDXFile.encodeLabels(labels)).write(to: folder.appendingPathComponent("\(name)-labels-idx1-ubyte"))
        return url
    }

    func testLabelsAreDescribedAsTheyAre() throws {
        let all255 = try digits(100, labels: [UInt8](repeating: 255, count: 100), name: "odd")
        XCTAssertTrue(run("data load \(all255.path)").first?.hasSuffix("28×28, labelled 255 only") == true, "\(lines)")
        let digits = try digits(100, labels: (0..<100).map { UInt8($0 % 10) }, name: "digits")
        XCTAssertTrue(run("data load \(digits.path)").first?.hasSuffix("28×28, labelled 0–9") == true, "\(lines)")
        let some = try self.digits(99, labels: (0..<99).map { [3, 7, 200][$0 % 3] }, name: "some")
        XCTAssertTrue(run("data load \(some.path)").first?.hasSuffix("28×28, labels 3, 7, 200") == true, "\(lines)")
    }

    func testNonFiniteWeightsAreRefusedAndTheModelKept() throws {
        run("model new pixelcnn --layers 1 --hidden 4")
        let url = folder.appendingPathComponent("nan.safetensors")
        run("model save \(url.path)")
        var file = try SafeTensors.read(contentsOf: url)
        let name = file.tensors.keys.sorted()[0]
        file.tensors[name]!.data[3] = .nan
        try SafeTensors.write(file.tensors, metadata: file.metadata, to: url)
        fails("model load \(url.path)", saying: "tensor \"\(name)\" holds 1 non-finite value")
        XCTAssertEqual(harness.session.model?.config.kind, .pixelcnn, "the current model is kept")
    }

    func testAFailedSaveLeavesNothingBehind() throws {
        run("model new pixelcnn --layers 1 --hidden 2")
        let deep = (0..<29).map { String(format: "d%02d", $0) }.joined(separator: "/")
        let long = folder.appendingPathComponent(deep + "/" + String(repeating: "x", count: 300) + ".safetensors")
        fails("model save \(long.path)", saying: "cannot save")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("d00").path),
                       "no empty folders are left")
        let dir = folder.appendingPathComponent("ck.safetensors")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false)
        fails("model save \(dir.path)", saying: "it is a folder")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["ck.safetensors"])
    }

    func testNotAFileIsSaidSo() throws {
        let fifo = folder.appendingPathComponent("pipe.safetensors")
        XCTAssertEqual(mkfifo(fifo.path, 0o644), 0)
        fails("model load \(fifo.path)", saying: "is not a regular file (it is a FIFO, a named pipe)")
        fails("model load /dev/null", saying: "is not a regular file (it is a character device)")
        fails("data load /dev/null", saying: "is not a regular file")
        fails("data load \(folder.path)", saying: "is a directory")
        let empty = folder.appendingPathComponent("e.safetensors")
        _ = FileManager.default.createFile(atPath: empty.path, contents: Data())
        fails("model load \(empty.path)", saying: "is empty")
        let lessonFIFO = folder.appendingPathComponent("07-pipe.md")
        XCTAssertEqual(mkfifo(lessonFIFO.path, 0o644), 0)
        XCTAssertThrowsError(try LessonParser.parse(file: lessonFIFO)) { error in
            XCTAssertTrue("\(error)".contains("is not a regular file"), "\(error)")
        }
        let lessonFolder = folder.appendingPathComponent("08-folder.md")
        try FileManager.default.createDirectory(at: lessonFolder, withIntermediateDirectories: false)
        XCTAssertThrowsError(try LessonParser.parse(file: lessonFolder)) { error in
            XCTAssertTrue("\(error)".contains("is a directory"), "\(error)")
        }
    }
}

/// Models too large for the machine are refused before anything is built.
final class ModelSizeTests: ShellTestCase {
    func testAModelBeyondTheMachinesMemoryIsRefusedWithTheEstimateAndTheLimit() throws {
        run("model new pixelcnn --layers 1 --hidden 2")
        let before = harness.session.model
        let message = failure("model new rowlstm --layers 64 --hidden 512")
        XCTAssertTrue(message.hasPrefix("this model needs about "), message)
        XCTAssertTrue(message.contains("GB this machine has free"), message)
        XCTAssertTrue(harness.session.model === before, "the current model is kept")
        let small = ModelConfig(kind: .diagbilstm, layers: 7, hidden: 16)
        XCTAssertThrowsError(try checkMemory(for: small, available: 1_000_000)) { error in
            let text = (error as? CommandError)?.message ?? ""
            XCTAssertTrue(text.contains("more than the 1.0 MB this machine has free"), text)
        }
        XCTAssertNoThrow(try checkMemory(for: small, available: 1 << 40))
    }

    func testTheParameterCountIsKnownWithoutBuildingTheNetwork() throws {
        for kind in ModelKind.allCases {
            let config = ModelConfig(kind: kind, layers: 3, hidden: 6, colors: 3, levels: 256)
            XCTAssertEqual(try MemoryEstimate.parameterCount(config: config), try PixelNetwork(config: config).parameterCount)
        }
    }
}
