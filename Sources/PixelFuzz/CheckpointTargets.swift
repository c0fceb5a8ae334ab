import Foundation
import PixelRNN

/// The checkpoint targets: a safetensors file as a whole, and the training state a
/// checkpoint's metadata carries into `train --resume`.
enum CheckpointTargets {
    /// `model load FILE`; when it loads, the run it carries is drawn and trained a step,
    /// and `train --resume FILE` and `verify FILE` are tried on it too.
    static func safetensors(_ input: [UInt8]) -> [String] {
        let url = FuzzWorkspace.file("st/fuzz.safetensors", input)
        let shell = FuzzShell()
        shell.session.data = TinyRun.shared?.data
        if shell.run("model load '\(url.path)'") {
            shell.run("plot loss")
            shell.run("train --steps 1")
        }
        shell.run("train --resume '\(url.path)' --steps 1")
        shell.run("verify '\(url.path)'")
        return shell.errors
    }

    /// The tiny run's checkpoint with its metadata changed by the input (`key=value`
    /// sets a key, a line without `=` removes one), next to its real optimizer file:
    /// `train --resume FILE --steps 1`, `plot loss`, then `model load FILE` and `train --steps 1`.
    static func resume(_ input: [UInt8]) -> [String] {
        guard let run = TinyRun.shared else { return ["the tiny run could not be made"] }
        var metadata = run.metadata
        for line in String(decoding: input, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true) {
            if let eq = line.firstIndex(of: "=") {
                metadata[String(line[..<eq])] = String(line[line.index(after: eq)...])
            } else {
                metadata[String(line)] = nil
            }
        }
        let url = run.folder.appendingPathComponent("fuzz.safetensors")
        guard let bytes = try? SafeTensors.encode(run.tensors, metadata: metadata, file: url.path) else {
            return []   // a key the writer refuses: nothing the REPL could read
        }
        _ = FuzzWorkspace.file("resume/fuzz.safetensors", bytes)
        let shell = FuzzShell()
        shell.session.data = run.data
        if shell.run("train --resume '\(url.path)' --steps 1") { shell.run("plot loss") }
        if shell.run("model load '\(url.path)'") {
            shell.run("plot loss")
            shell.run("train --steps 1")
        }
        return shell.errors
    }
}

/// A tiny data set (30 digits, loaded from an IDX file) and a resumable checkpoint of
/// a PixelCNN with L=1, h=2 trained two steps on it, made once per process.
final class TinyRun {
    let folder = FuzzWorkspace.folder.appendingPathComponent("resume")
    let data: PixelRNN.LoadedDataSet
    let tensors: [String: Tensor]
    let metadata: [String: String]

    static let shared: TinyRun? = TinyRun()

    private init?() {
        var generator = SeededGenerator(seed: 13)
        let pixels = (0..<(30 * 784)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let images = IDXImages(count: 30, rows: 28, columns: 28, pixels: pixels)
        let dataFile = FuzzWorkspace.file("resume/tiny-images-idx3-ubyte", IDXFile.encodeImages(images))
        let checkpoint = folder.appendingPathComponent("base.safetensors")
        let shell = FuzzShell()
        guard shell.run("data load '\(dataFile.path)'"), let data = shell.session.data,
              shell.run("model new pixelcnn --layers 1 --hidden 2"),
              shell.run("train --steps 2 --batch 4 --checkpoint '\(checkpoint.path)'"),
              let file = try? SafeTensors.read(contentsOf: checkpoint),
              let digest = file.metadata[Checkpoint.optimizerDigestKey],
              let from = Checkpoint.optimizerStateURL(for: checkpoint, digest: digest),
              let to = Checkpoint.optimizerStateURL(for: folder.appendingPathComponent("fuzz.safetensors"), digest: digest),
              (try? FileManager.default.copyItem(at: from, to: to)) != nil
        else { return nil }
        self.data = data
        tensors = file.tensors
        metadata = file.metadata
    }
}
