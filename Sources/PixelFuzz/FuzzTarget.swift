import Foundation
import PixelREPL

/// The fuzz targets: each takes arbitrary bytes and hands them to the parser the
/// REPL uses for one kind of input, the way the REPL does (a file written to a
/// scratch folder and the real command run on it, or the bytes entry point the
/// command's loader calls).
///
/// A target returns the error messages the input produced. It must never crash,
/// hang or allocate without bound; every message must be one line without control
/// characters (`FuzzCheck`). libFuzzer drives the targets through
/// `LLVMFuzzerTestOneInput` (scripts/fuzz); the tests replay the committed corpus
/// through `run` with no fuzzer.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// An IDX image file as it is on disk (raw or gzip): `data load FILE`.
    case idx
    /// The contents of an IDX image file, gzip-compressed before `data load FILE`.
    case idxGzip = "idx-gz"
    /// A binarized-MNIST `.amat` text file: `data load FILE.amat`.
    case amat
    /// A PNG or JPEG file (header checks, then libgd): `data load FILE.png`, grey,
    /// colour and `--size 4`.
    case image
    /// A whole `.safetensors` file: `model load FILE`, `plot loss`, `train --steps 1`, `verify FILE`.
    case safetensors
    /// The metadata of a real checkpoint, one `key=value` per line, over a resumable
    /// save of a tiny model: `train --resume FILE --steps 1`, `plot loss`, `model load FILE`.
    case resume
    /// A lesson file: parsed, walked (`lesson N`, `next`, `back`, `hint`, `run`) and
    /// checked headless, with only harmless commands available to its cells.
    case lesson
    /// An ```expect block, a NUL byte, then the lines of output it is matched against.
    case matcher
    /// One command line: tokenized and its options parsed against every real command.
    case command
    /// A `progress.json` file: `lesson`, `lesson list`, `next`, `back`, `hint`.
    case progress

    /// Runs the target on one input; returns the error messages it produced.
    public func run(_ input: [UInt8]) -> [String] {
        FuzzWorkspace.enter()
        switch self {
        case .idx: return DataFileTargets.idx(input)
        case .idxGzip: return DataFileTargets.idxGzip(input)
        case .amat: return DataFileTargets.amat(input)
        case .image: return DataFileTargets.image(input)
        case .safetensors: return CheckpointTargets.safetensors(input)
        case .resume: return CheckpointTargets.resume(input)
        case .lesson: return LessonTargets.lesson(input)
        case .matcher: return LessonTargets.matcher(input)
        case .command: return CommandTargets.command(input)
        case .progress: return LessonTargets.progress(input)
        }
    }
}

/// The message of an error as the REPL prints it (`Shell.describe`: one line, control
/// characters escaped, cut short).
func message(of error: Error) -> String {
    Shell.describe(error)            // the line the REPL prints for it, after `error: `
}

/// What every error message must be: one line a terminal shows as is.
public enum FuzzCheck {
    /// A message that breaks the rule, and why.
    public struct Problem: CustomStringConvertible, Sendable {
        /// "more than one line", "a control character (U+1B)", "an empty message".
        public let reason: String
        /// The message.
        public let message: String

        public var description: String { "\(reason) in: \(message.debugDescription.prefix(300))" }

        /// The reason and the message's first words before any quoted text: inputs
        /// with the same kind of problem share it.
        public var kind: String {
            let words = message.unicodeScalars.prefix { !"'\"`:".unicodeScalars.contains($0) }.prefix(40)
            return (reason.prefix { $0 != "(" } + " " + String(String.UnicodeScalarView(words)))
                .split { !($0.isASCII && $0.isLetter) }.joined(separator: "-")
        }
    }

    /// The messages that break the rule; empty when all are fine.
    public static func problems(_ messages: [String]) -> [Problem] {
        messages.compactMap { message in
            if message.isEmpty { return Problem(reason: "an empty message", message: message) }
            if let c = message.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
                let what = c == "\n" || c == "\r" ? "more than one line" : "a control character"
                return Problem(reason: "\(what) (U+\(String(c.value, radix: 16, uppercase: true)))", message: message)
            }
            return nil
        }
    }
}
