import Foundation

/// Saving a checkpoint: the model file and its optimizer file replaced as one.
///
/// The optimizer file is named by the digest of its bytes
/// (`NAME.optim-0123456789abcdef.safetensors`), and the model file's metadata
/// `optimizer_state_digest` records that digest. A save
///
/// 1. writes the new optimizer file under its own name (atomically), beside the old one;
/// 2. replaces the model file (atomically: one `rename`) — this is the commit;
/// 3. removes the optimizer files no model file names any more (the old one), and the
///    temporary files of earlier saves that were killed.
///
/// A kill before step 2 leaves the old model file and the old optimizer file it names
/// (plus an unused new file, which the next save removes); a kill after step 2 leaves the
/// new pair (plus the old optimizer file, likewise removed). So a kill at any moment
/// leaves a resumable pair, the old or the new. A save that fails (a full disk, a folder
/// in the way) removes what it wrote and leaves the previous pair as it was.
extension Checkpoint {
    /// Saves `network` to `url` (atomically), with `extra` metadata (training state:
    /// step, optimizer, data set, seed…) and, if given, the optimizer's exported
    /// state in its own file (`optimizerStateURL(for:digest:)`). `extra` may not
    /// redefine the model keys. The folder must exist.
    public static func save(_ network: any PixelModel, to url: URL, metadata extra: [String: String] = [:],
                            optimizerState: [String: Tensor]? = nil) throws {
        try save(network, to: url, metadata: extra, optimizerState: optimizerState, chunkSize: 1 << 20, afterChunk: nil)
    }

    /// `save` with hooks for tests: the model file is written in chunks of `chunkSize`
    /// bytes and `afterChunk` is called after each (see `AtomicFile.write`); `probe` is
    /// called after every step that changes the folder (a test may copy the folder
    /// there, to see what a kill at that moment would leave, or throw to fail the save).
    static func save(_ network: any PixelModel, to url: URL, metadata extra: [String: String],
                     optimizerState: [String: Tensor]?, chunkSize: Int, afterChunk: ((Int) throws -> Void)?,
                     probe: ((String) throws -> Void)? = nil) throws {
        var metadata = try self.metadata(for: network.config, adding: extra, file: url.path)
        try checkTarget(url)
        var written: URL? = nil                      // the new optimizer file, if this save created it
        var keep: URL? = nil
        do {
            if let optimizerState {
                let bytes = try SafeTensors.encode(optimizerState, file: url.path)
                let digest = digest(bytes)
                metadata[optimizerDigestKey] = digest
                let companion = optimizerStateURL(for: url, digest: digest)!
                let existed = FileManager.default.fileExists(atPath: companion.path)
                try AtomicFile.write(bytes, to: companion, probe: probe)
                if !existed { written = companion }
                keep = companion
                try probe?("optimizer file written")
            }
            let tensors = Dictionary(uniqueKeysWithValues: network.namedParameters.map { ($0.0, $0.1.effective) })
            try AtomicFile.write(SafeTensors.encode(tensors, metadata: metadata, file: url.path), to: url,
                                 chunkSize: chunkSize, afterChunk: afterChunk, probe: probe)
        } catch {
            if let written { unlink(written.path) }
            throw error
        }
        try probe?("model file written")
        for old in optimizerFiles(besides: url) where old.path != keep?.path {
            unlink(old.path)
            try probe?("removed \(old.lastPathComponent)")
        }
        removeStaleTemporaryFiles(besides: url)
    }

    /// Refuses a target that exists but is not a regular file (a folder, a device, a FIFO),
    /// before anything is written.
    static func checkTarget(_ url: URL) throws {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR { throw SafeTensorsError(file: url.path, fault: .cannotWrite("it is a folder")) }
        if kind != S_IFREG { throw SafeTensorsError(file: url.path, fault: .cannotWrite("it is not a regular file")) }
    }

    /// The optimizer state saved with the checkpoint at `url`, or nil if it was saved
    /// without one. Throws if the optimizer file is missing, malformed, or belongs to
    /// another save (its digest differs from the one the model file records).
    public static func loadOptimizerState(for url: URL) throws -> [String: Tensor]? {
        let model = try SafeTensors.read(contentsOf: url)
        guard let expected = model.metadata[optimizerDigestKey] else { return nil }
        guard let named = optimizerStateURL(for: url, digest: expected) else {
            throw CheckpointError(file: url.path, fault: .badDigest(String(expected.prefix(40))))
        }
        let legacy = legacyOptimizerStateURL(for: url)
        let found = [named, legacy].first { FileManager.default.fileExists(atPath: $0.path) }
        guard let companion = found else {
            throw CheckpointError(file: url.path, fault: .optimizerStateMissing(named.path))
        }
        let bytes = try SafeTensors.readBytes(companion)
        guard digest(bytes) == expected else {
            throw CheckpointError(file: url.path, fault: .optimizerStateStale(companion.path))
        }
        let tensors = try SafeTensors.decode(bytes, file: companion.path).tensors
        try checkFinite(tensors, file: companion.path)
        return tensors
    }

    /// `NAME.optim-HEX.safetensors` for `NAME.safetensors` and a digest `fnv1a64:HEX`
    /// (any other name: `.optim-HEX.safetensors` appended); nil for a digest of another form.
    public static func optimizerStateURL(for url: URL, digest: String) -> URL? {
        let prefix = "fnv1a64:"
        let hex = digest.dropFirst(prefix.count)
        guard digest.hasPrefix(prefix), hex.count == 16,
              hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        return url.deletingLastPathComponent().appendingPathComponent(stem(of: url) + ".optim-\(hex).safetensors")
    }

    /// `NAME.optim.safetensors`: where saves before digest-named files put the optimizer
    /// state (still read, never written).
    static func legacyOptimizerStateURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(stem(of: url) + ".optim.safetensors")
    }

    /// `NAME` for `NAME.safetensors`, else the whole file name.
    static func stem(of url: URL) -> String {
        url.pathExtension == "safetensors" ? url.deletingPathExtension().lastPathComponent : url.lastPathComponent
    }

    /// Every optimizer file of the model file `url` in its folder (digest-named and legacy).
    static func optimizerFiles(besides url: URL) -> [URL] {
        let folder = url.deletingLastPathComponent()
        let stem = stem(of: url)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            if name == stem + ".optim.safetensors" { return true }
            guard name.hasPrefix(stem + ".optim-"), name.hasSuffix(".safetensors") else { return false }
            let hex = name.dropFirst(stem.count + 7).dropLast(12)
            return hex.count == 16 && hex.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// Removes the temporary files (`AtomicFile`) that earlier saves of `url` or of its
    /// optimizer files left when they were killed: those of a process that no longer runs.
    static func removeStaleTemporaryFiles(besides url: URL) {
        let folder = url.deletingLastPathComponent()
        let prefixes = ["." + url.lastPathComponent + ".tmp-", "." + stem(of: url) + ".optim"]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where prefixes.contains(where: { name.hasPrefix($0) }) {
            guard let pid = AtomicFile.writer(ofTemporary: name), !AtomicFile.isRunning(pid) || pid == getpid() else { continue }
            unlink(folder.appendingPathComponent(name).path)
        }
    }
}
