import Foundation
import XCTest
@testable import PixelRNN

/// A checkpoint's model file and optimizer file are replaced as one: whatever moment a
/// save is killed at, the folder holds a resumable pair (the old or the new), and a save
/// that fails leaves the folder as it was.
final class CheckpointCrashTests: XCTestCase {
    private struct Failure: Error {}

    private func folder() throws -> URL { try makeTemporaryFolder("crash") }

    private func moments(_ net: PixelNetwork, step: Float) -> [String: Tensor] {
        var out = ["optimizer.step": Tensor(shape: [1], data: [step])]
        for (name, p) in net.namedParameters { out["optimizer.exp_avg.\(name)"] = Tensor(repeating: step, shape: p.value.shape) }
        return out
    }

    private func names(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    /// A copy of every file in `dir` (temporary files included): what a kill now would leave.
    private func snapshot(_ dir: URL, into root: URL, _ n: Int) throws -> URL {
        let copy = root.appendingPathComponent("snapshot-\(n)")
        try FileManager.default.copyItem(at: dir, to: copy)
        return copy
    }

    /// The step of the pair in `dir`, after checking that it resumes with its own moments.
    private func resumableStep(_ dir: URL, _ net: PixelNetwork, file: StaticString = #filePath, line: UInt = #line) throws -> String? {
        let url = dir.appendingPathComponent("run.safetensors")
        let step = try Checkpoint.load(from: url).metadata["step"]
        let state = try XCTUnwrap(try Checkpoint.loadOptimizerState(for: url), file: file, line: line)
        XCTAssertEqual(state, moments(net, step: Float(step ?? "") ?? -1), "the moments belong to the model file", file: file, line: line)
        return step
    }

    func testAKillAtEveryStepOfASaveLeavesAResumablePair() throws {
        let root = try folder()
        let dir = root.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false)
        let url = dir.appendingPathComponent("run.safetensors")
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4), seed: 1)
        try Checkpoint.save(net, to: url, metadata: ["step": "5"], optimizerState: moments(net, step: 5))
        var snapshots: [(String, URL)] = []
        try Checkpoint.save(net, to: url, metadata: ["step": "6"], optimizerState: moments(net, step: 6),
                            chunkSize: 256, afterChunk: { n in snapshots.append(("model chunk \(n)", try self.snapshot(dir, into: root, snapshots.count))) },
                            probe: { what in snapshots.append((what, try self.snapshot(dir, into: root, snapshots.count))) })
        let steps = try snapshots.map { what, copy -> String? in
            let step = try resumableStep(copy, net)
            XCTAssertTrue(step == "5" || step == "6", what)
            return step
        }
        XCTAssertGreaterThan(snapshots.count, 8, "the probe saw every step")
        XCTAssertEqual(steps.first, "5")
        XCTAssertEqual(steps.last, "6")
        XCTAssertEqual(Set(steps), ["5", "6"])
        XCTAssertTrue(steps.drop(while: { $0 == "5" }).allSatisfy { $0 == "6" }, "the pair switches once, at the model file's rename")
        // The next save from any of those folders leaves exactly one clean pair.
        for (what, copy) in snapshots {
            let again = copy.appendingPathComponent("run.safetensors")
            try Checkpoint.save(net, to: again, metadata: ["step": "7"], optimizerState: moments(net, step: 7))
            let left = try names(copy)
            XCTAssertEqual(left.count, 2, "after a kill at '\(what)': \(left)")
            XCTAssertEqual(try resumableStep(copy, net), "7")
        }
    }

    func testAFailedSaveLeavesTheFolderAsItWas() throws {
        let dir = try folder()
        let url = dir.appendingPathComponent("run.safetensors")
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4), seed: 1)
        try Checkpoint.save(net, to: url, metadata: ["step": "5"], optimizerState: moments(net, step: 5))
        let before = try names(dir)
        var failAt = 0
        var failedSomewhere = true
        while failedSomewhere {
            var seen = 0, committed = false
            failedSomewhere = false
            do {
                try Checkpoint.save(net, to: url, metadata: ["step": "6"], optimizerState: moments(net, step: 6),
                                    chunkSize: 256, afterChunk: nil, probe: { what in
                    if what == "model file written" { committed = true }        // the commit: past it, nothing fails
                    if !committed && seen == failAt { throw Failure() }
                    seen += 1
                })
            } catch is Failure {
                failedSomewhere = true
                XCTAssertEqual(try names(dir), before, "a failure at step \(failAt) leaves nothing behind")
                XCTAssertEqual(try resumableStep(dir, net), "5")
            }
            failAt += 1
        }
        XCTAssertGreaterThan(failAt, 4)
        XCTAssertEqual(try resumableStep(dir, net), "6")
    }

    func testSavingOverAFolderOrADeviceWritesNothing() throws {
        let dir = try folder()
        let target = dir.appendingPathComponent("run.safetensors")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2))
        XCTAssertThrowsError(try Checkpoint.save(net, to: target, optimizerState: moments(net, step: 1)))
        XCTAssertEqual(try names(dir), ["run.safetensors"], "no optimizer file beside the folder")
        XCTAssertThrowsError(try Checkpoint.save(net, to: URL(fileURLWithPath: "/dev/null"), optimizerState: moments(net, step: 1))) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.fault, .cannotWrite("it is not a regular file"))
        }
    }

    func testTemporaryFilesOfKilledSavesAreRemoved() throws {
        let dir = try folder()
        let url = dir.appendingPathComponent("run.safetensors")
        let net = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2))
        let dead = Int32.max - 1                                  // above any pid_max: no such process
        let stale = [".run.safetensors.tmp-\(dead)-17", ".run.optim-0123456789abcdef.safetensors.tmp-\(dead)-99"]
        let alive = [".run.safetensors.tmp-1-5", "other.safetensors", ".other.safetensors.tmp-\(dead)-3"]
        for name in stale + alive { _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data([1])) }
        try Checkpoint.save(net, to: url, metadata: ["step": "1"], optimizerState: moments(net, step: 1))
        let left = Set(try names(dir))
        XCTAssertTrue(left.isDisjoint(with: stale), "\(left)")
        XCTAssertTrue(left.isSuperset(of: alive), "a running process's file and other models' files stay: \(left)")
        XCTAssertEqual(left.count, alive.count + 2)
    }
}
