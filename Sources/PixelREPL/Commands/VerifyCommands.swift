import Foundation
import PixelRNN
import PixelRender

/// `verify FILE.safetensors`: checks someone else's PixelRNN against pixelrnn's
/// (Sources/PixelRNN/Verification/README.md). The file's weights are loaded into a network of
/// its own; the session's model, data and run are never touched.
let verifyCommands: [Command] = [
    Command(
        name: "verify",
        summary: "check another implementation: recompute the logits (and maps) a file holds",
        usage: "verify FILE.safetensors",
        examples: ["verify out/mine.safetensors"],
        details: """
        The file holds weights under pixelrnn's checkpoint names and metadata (model, layers, \
        hidden, colors, levels), 'images' (B, C, H, W) of levels, the 'logits' their network gave, \
        and optionally maps after each layer ('maps.input', 'maps.blocks.<l>', 'maps.head.0'). \
        verify runs pixelrnn's network with those weights on those images and prints, per layer, \
        the largest difference and where it is; names the first layer that disagrees; compares \
        the NLLs; and draws where the logits differ, pixel by pixel. The README of \
        Sources/PixelRNN/Verification has a PyTorch snippet that writes such a file.
        """,
        completesFiles: true,
        run: runVerify),
]

private func runVerify(_ session: Session, _ args: ParsedArguments) throws {
    guard args.positional.count == 1 else {
        throw CommandError("verify expects one file, e.g. 'verify out/mine.safetensors'")
    }
    let url = try userFileURL(args.positional[0], what: "verify")
    let file: VerificationFile
    do { file = try VerificationFile.read(contentsOf: url) } catch {
        throw CommandError("cannot verify \(Shell.describe(error))")
    }
    let (b, h, w) = (file.images.shape[0], file.images.shape[2], file.images.shape[3])
    let config = file.network.config
    let needed = MemoryEstimate.trainingBytes(model: file.network, batch: b, height: h, width: w)
    let available = MachineMemory.available()
    guard needed <= Double(available) else {
        throw CommandError("cannot verify \(url.path): the forward pass of \(counted(b, "image")) \(h)×\(w) through this \(config.kind.paperName) "
            + "needs about \(MachineMemory.describe(Int(needed))), more than the \(MachineMemory.describe(available)) free — write fewer images")
    }
    let result = try wrap {
        try Interruption.stoppable { try Verification(file, shouldStop: Interruption.shouldStop) }
    }
    session.say("verify \(url.lastPathComponent): \(describe(file.network.config)); \(counted(b, "image")) \(h)×\(w), "
                + "\(counted(file.maps.count, "intermediate map")) besides the logits")
    let width = max(8, result.layers.map(\.name.count).max() ?? 0) + 2
    session.say("layer".padding(toLength: width, withPad: " ", startingAt: 0) + "largest |difference|  largest |value|  where (image, channel, row, column)")
    for layer in result.layers {
        let name = layer.name == "head.1" ? "logits" : layer.name
        session.say(name.padding(toLength: width, withPad: " ", startingAt: 0)
                    + scientific(layer.largestDifference).padding(toLength: 22, withPad: " ", startingAt: 0)
                    + scientific(layer.largestValue).padding(toLength: 17, withPad: " ", startingAt: 0)
                    + "(\(layer.at.map(String.init).joined(separator: ", ")))" + (layer.agrees ? "" : "  disagrees"))
    }
    if let first = result.firstDisagreement {
        let name = first.name == "head.1" ? "the logits (head.1)" : first.name
        let hint = first.name == "head.1" && file.maps.isEmpty ? " — the file has no intermediate maps to say which layer first" : ""
        session.say("first layer that disagrees: \(name), by \(scientific(first.largestDifference)) at image \(first.at[0]), channel \(first.at[1]), row \(first.at[2]), column \(first.at[3])\(hint)")
    } else {
        session.say("every layer agrees (largest difference ≤ \(scientific(Verification.tolerance)) × max(1, |value|))")
    }
    let worst = result.logitDifferenceByPixel.indices.max { result.logitDifferenceByPixel[$0] < result.logitDifferenceByPixel[$1] } ?? 0
    session.say("largest logit difference at one pixel: \(scientific(result.logitDifferenceByPixel[worst])) at row \(worst / w), column \(worst % w)")
    session.say(String(format: "NLL: %.6f nats/image recomputed, %.6f from the file's logits (relative difference %@)",
                       result.recomputedNLL, result.fileNLL,
                       scientific(Float(abs(result.recomputedNLL - result.fileNLL) / max(abs(result.recomputedNLL), 1e-30)))))
    try drawHeatMaps(session, result, first: result.firstDisagreement, file: url)
}

/// Where the logits differ (and, when an earlier layer is the first to disagree, where it does).
private func drawHeatMaps(_ session: Session, _ result: Verification, first: Verification.Layer?, file: URL) throws {
    do {
        var panels: [Panel] = []
        if let first, first.name != "head.1", let values = result.firstDisagreementByPixel {
            let map = try HeatMap(title: "", values: values, rows: result.height, cols: result.width,
                                  range: fromZero(values), barLabel: "largest |difference|")
            panels.append(Panel(subtitle: "\(first.name): the first layer that disagrees", canvas: map.render()))
        }
        let logits = try HeatMap(title: "", values: result.logitDifferenceByPixel, rows: result.height, cols: result.width,
                                 range: fromZero(result.logitDifferenceByPixel), barLabel: "largest |logit difference|")
        panels.append(Panel(subtitle: "logits: max over images and channels", canvas: logits.render()))
        let title = "verify \(file.lastPathComponent): |file − pixelrnn| per pixel"
        let composed = try Panels(title: title, panels: panels, columns: panels.count)
        try session.show(composed.render(), name: "verify", title: title)
    } catch let e as CommandError { throw e } catch {
        throw CommandError("cannot draw the differences: \(error)")
    }
}

/// 0 … the largest difference (a colour bar of differences starts at none).
private func fromZero(_ values: [Float]) -> ClosedRange<Float> { 0...max(values.max() ?? 0, Float.leastNormalMagnitude) }

/// 3.1e-07, 0 as 0.
private func scientific(_ x: Float) -> String { x == 0 ? "0" : String(format: "%.2e", Double(x)) }
