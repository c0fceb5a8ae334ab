import Foundation
import XCTest
import PixelFuzz

/// Replays the committed fuzz corpus (Tests/FuzzCorpus/TARGET/) through the same
/// entry points libFuzzer drives (scripts/fuzz), with no fuzzer: no input may crash,
/// and every error message must be one line without control characters.
final class FuzzCorpusReplayTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("FuzzCorpus")

    private var savedEnvironment: [String: String?] = [:]

    override func setUp() {
        for name in FuzzWorkspace.environmentVariables {
            savedEnvironment[name] = ProcessInfo.processInfo.environment[name]
        }
    }

    override func tearDown() {
        for (name, value) in savedEnvironment {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
        try? FileManager.default.removeItem(at: FuzzWorkspace.folder)
    }

    /// The inputs of one target's corpus, sorted by name.
    private func inputs(_ target: FuzzTarget) throws -> [URL] {
        let folder = Self.corpus.appendingPathComponent(target.rawValue)
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    func testEveryTargetHasACorpus() throws {
        for target in FuzzTarget.allCases {
            XCTAssertFalse(try inputs(target).isEmpty, "no corpus for \(target.rawValue)")
        }
    }

    /// The messages of a good input pass the check; a message with a second line,
    /// an escape byte or nothing at all does not (so the replay below can fail).
    func testTheCheckRefusesMessagesThatAreNotOneCleanLine() {
        XCTAssertTrue(FuzzCheck.problems(["cannot load: x.amat line 2: '0.5' is not 0 or 1"]).isEmpty)
        let bad = FuzzCheck.problems(["two\nlines", "an \u{1B}[31m escape", "a bell \u{07}", ""])
        XCTAssertEqual(bad.map(\.reason), ["more than one line (U+A)", "a control character (U+1B)",
                                           "a control character (U+7)", "an empty message"])
    }

    /// A target reports the errors it met: a header that lies about its size is one.
    func testATargetReturnsTheErrorsOfItsInput() {
        let messages = FuzzTarget.idx.run([0, 0, 8, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 28, 0, 0, 0, 28])
        XCTAssertFalse(messages.isEmpty)
        XCTAssertTrue(FuzzCheck.problems(messages).isEmpty, "\(messages)")
    }

    func testIDX() throws { try replay(.idx) }
    func testIDXGzip() throws { try replay(.idxGzip) }
    func testAmat() throws { try replay(.amat) }
    func testImage() throws { try replay(.image) }
    func testSafeTensors() throws { try replay(.safetensors) }
    func testResume() throws { try replay(.resume) }
    func testLesson() throws { try replay(.lesson) }
    func testMatcher() throws { try replay(.matcher) }
    func testCommand() throws { try replay(.command) }
    func testProgress() throws { try replay(.progress) }

    private func replay(_ target: FuzzTarget) throws {
        for file in try inputs(target) {
            let problems = FuzzCheck.problems(target.run(try [UInt8](Data(contentsOf: file))))
            XCTAssertTrue(problems.isEmpty, "\(target.rawValue)/\(file.lastPathComponent): \(problems)")
        }
    }
}
