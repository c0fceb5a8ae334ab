import Foundation

/// The trained checkpoints shipped in `data/pretrained/` (data/README.md says how each was
/// trained, with the command that reproduces it): `pretrained:NAME` names `NAME.safetensors`
/// there. They are ordinary checkpoints, checked like any other file when loaded.
public enum PretrainedModels {
    /// What a name starts with: `pretrained:diagbilstm`.
    public static let prefix = "pretrained:"

    /// The folder, found like `data/` itself (`ResourceFolder`); nil when it is not shipped.
    public static func folder() -> URL? {
        ResourceFolder.find(named: "data", containing: { url in
            FileManager.default.fileExists(atPath: url.appendingPathComponent("pretrained").path)
        }).map { $0.appendingPathComponent("pretrained") }
    }

    /// The names of the shipped checkpoints, sorted (empty when the folder is missing).
    public static func names() -> [String] {
        guard let folder = folder(),
              let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return files.filter { $0.hasSuffix(".safetensors") }.map { String($0.dropLast(".safetensors".count)) }.sorted()
    }

    /// The file of `pretrained:NAME` (`name` with or without the prefix); throws naming the
    /// shipped ones when there is no such checkpoint.
    public static func url(for name: String) throws -> URL {
        let bare = name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
        let known = names()
        guard let folder = folder(), known.contains(bare) else {
            let list = known.isEmpty ? "none are shipped here (data/pretrained/ is missing)"
                : "the shipped ones are " + known.map { prefix + $0 }.joined(separator: ", ")
            throw ModelError.notAvailable("no pretrained model '\(bare.prefix(80))': \(list)")
        }
        return folder.appendingPathComponent(bare + ".safetensors")
    }
}
