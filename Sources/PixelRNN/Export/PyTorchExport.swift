import Foundation

/// `model export pytorch DIR`: a folder with everything needed to go on in PyTorch
/// (Export/README.md):
///
/// - `pixelrnn_model.py`, the module (`PyTorchModuleSource`) for the network's config;
/// - `model.safetensors`, the network's checkpoint, which the module loads with
///   `load_state_dict(strict=True)`;
/// - `train.py`, the training script (`PyTorchTrainingScript`).
///
/// Each file is written atomically; files of other names in the folder are left alone.
public enum PyTorchExport {
    /// The module's file name (the training script imports it by that name).
    public static let moduleFileName = "pixelrnn_model.py"
    /// The checkpoint's file name.
    public static let checkpointFileName = "model.safetensors"

    /// Writes the three files into `folder` (which must exist) and returns their URLs in the
    /// order module, checkpoint, training script. `metadata` goes into the checkpoint
    /// (`seed`, `dataset`, …; not the model keys). Throws `PyTorchModuleSource.Unsupported`
    /// before writing anything for a kind that cannot be exported, and the checkpoint's
    /// errors for a failed write.
    @discardableResult
    public static func write(_ network: any PixelModel, to folder: URL, metadata: [String: String] = [:]) throws -> [URL] {
        let module = try PyTorchModuleSource.text(for: network.config)
        let urls = [moduleFileName, checkpointFileName, PyTorchTrainingScript.fileName].map { folder.appendingPathComponent($0) }
        try AtomicFile.write(Array(module.utf8), to: urls[0])
        try Checkpoint.save(network, to: urls[1], metadata: metadata)
        try AtomicFile.write(Array(PyTorchTrainingScript.text.utf8), to: urls[2])
        return urls
    }
}
