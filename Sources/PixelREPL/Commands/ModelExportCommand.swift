import Foundation
import PixelRNN

/// `model export pytorch DIR`: the current model as a PyTorch module, its checkpoint and a
/// training script (`PyTorchExport`, Sources/PixelRNN/Export/README.md). The folder is made
/// if missing; the three files in it are replaced, nothing else is touched.
enum ModelExport {
    static func run(_ session: Session, _ args: ParsedArguments) throws {
        guard args.positional.count == 3, args.positional[1] == "pytorch" else {
            throw CommandError("model export expects 'pytorch' and a folder, e.g. 'model export pytorch out/pytorch'")
        }
        let network = try session.requireModel()
        // Every option and every known bug (Export README); a kind without a Python block is refused here.
        do { _ = try PyTorchModuleSource.text(for: network.config) } catch let error as PyTorchModuleSource.Unsupported {
            throw CommandError("model export pytorch cannot write this model: \(error.description)")
        }
        let folder = try userFileURL(args.positional[2], what: "model export", isDirectory: true)
        try WritableDestination.check(folder, what: "cannot export to", isDirectory: true)
        var metadata = ["seed": String(network.seed)]
        if let data = session.data { metadata["dataset"] = data.name; metadata["binarization"] = data.binarization.description }
        var urls: [URL] = []
        do {
            try NewFolders.creating(for: folder.appendingPathComponent(PyTorchExport.moduleFileName)) {
                urls = try PyTorchExport.write(network, to: folder, metadata: metadata)
            }
        } catch {
            throw CommandError("cannot export to \(folder.path): \(Shell.describe(error))")
        }
        session.say("exported \(describe(network.config)) to \(folder.path): "
                    + urls.map(\.lastPathComponent).joined(separator: ", "))
        let data = session.data.map { $0.name == "bundled" ? "data/mnist5k-images-idx3-ubyte.gz" : $0.name } ?? "FILE"
        let binarize = session.data.map { trainingScriptOptions(for: $0.binarization) } ?? ""
        session.say("in PyTorch: python3 \(folder.path)/\(PyTorchTrainingScript.fileName) --data \(data)\(binarize) --out trained.safetensors"
                    + " (or torchrun --nproc_per_node N …); then 'model load trained.safetensors'")
    }

    /// The training script's options that binarize as the session's data does.
    static func trainingScriptOptions(for binarization: Binarization) -> String {
        switch binarization {
        case .stochastic(let seed): return seed == 0 ? "" : " --binarize-seed \(seed)"
        case .freshEachEpoch(let seed): return " --binarize fresh --binarize-seed \(seed)"
        case .threshold: return " --binarize threshold"
        case .givenByFile: return ""
        }
    }
}
