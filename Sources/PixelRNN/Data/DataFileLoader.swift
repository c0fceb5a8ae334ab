import Foundation

/// Loads a data set from files a user brings: MNIST IDX images (with their labels
/// when found) or binarized `.amat` text, raw or gzip.
///
/// The format is taken from the name when it says (`idx`, `.amat`), else from the
/// first bytes. Nothing is returned unless every file is whole and consistent.
public enum DataFileLoader {
    /// Loads `url`. For IDX images, `labels` (or a sibling whose name has
    /// `labels-idx1` for `images-idx3`) supplies labels. For `…_train.amat`,
    /// `…_valid.amat` and `…_test.amat` side by side, the three files are the splits.
    public static func load(_ url: URL, labels: URL? = nil,
                            binarization: Binarization = .stochastic(seed: 0)) throws -> LoadedDataSet {
        if labels == nil, let trio = amatTrio(for: url) { return try loadAmatTrio(trio) }
        let bytes = try DataFileBytes.read(url)
        if looksLikeAmat(url, bytes) { return try loadAmat(url, bytes: bytes) }
        let images = try parseImages(bytes, file: url.path)
        let labelFile = labels ?? siblingLabels(for: url)
        return try makeSet(images, file: url, labels: labelFile, binarization: binarization)
    }

    /// IDX images and (optionally) labels, split by `SplitRule`.
    public static func loadIDX(_ url: URL, labels: URL?, binarization: Binarization) throws -> LoadedDataSet {
        let images = try parseImages(DataFileBytes.read(url), file: url.path)
        return try makeSet(images, file: url, labels: labels, binarization: binarization)
    }

    /// The label file next to an image file: `images-idx3` replaced by `labels-idx1`,
    /// with or without `.gz`; nil if there is none.
    public static func siblingLabels(for images: URL) -> URL? {
        let name = images.lastPathComponent
        guard name.contains("images-idx3") else { return nil }
        let base = name.replacingOccurrences(of: "images-idx3", with: "labels-idx1")
        let stem = base.hasSuffix(".gz") ? String(base.dropLast(3)) : base
        let folder = images.deletingLastPathComponent()
        return [base, stem, stem + ".gz"].map { folder.appendingPathComponent($0) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// For `X_train.amat` (or `_valid`, `_test`, optionally `.gz`): the three split files,
    /// if all three exist side by side.
    public static func amatTrio(for url: URL) -> [SplitName: URL]? {
        let name = url.lastPathComponent
        let gz = name.hasSuffix(".amat.gz")
        guard gz || name.hasSuffix(".amat") else { return nil }
        let stem = name.dropLast(gz ? 8 : 5)
        guard let split = SplitName.allCases.first(where: { stem.hasSuffix("_" + $0.rawValue) }) else { return nil }
        let prefix = stem.dropLast(split.rawValue.count)
        var trio: [SplitName: URL] = [:]
        for part in SplitName.allCases {
            let candidates = [".amat", ".amat.gz"].map {
                url.deletingLastPathComponent().appendingPathComponent(prefix + part.rawValue + $0)
            }
            guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
                return nil
            }
            trio[part] = found
        }
        return trio
    }

    /// IDX images, with a clearer fault when a label file was given instead.
    static func parseImages(_ bytes: [UInt8], file: String) throws -> IDXImages {
        do {
            let images = try IDXFile.parseImages(bytes, file: file)
            try checkShape(images, file: file)
            return images
        } catch let error as DataFileError {
            if case .badMagic(let found, _) = error.fault {
                if found == IDXMagic.labels { throw DataFileError(file: file, fault: .labelsInsteadOfImages) }
                if bytes.count >= 2, bytes[0] != 0 || bytes[1] != 0, !file.lowercased().contains("idx") {
                    throw DataFileError(file: file, fault: .unknownFormat(firstBytes: Array(bytes.prefix(4))))
                }
            }
            throw error
        }
    }

    /// 28×28 and at least one image.
    static func checkShape(_ images: IDXImages, file: String) throws {
        guard images.rows == 28, images.columns == 28 else {
            throw DataFileError(file: file, fault: .wrongImageSize(rows: images.rows, columns: images.columns))
        }
        guard images.count > 0 else { throw DataFileError(file: file, fault: .noImages) }
    }

    /// True for a `.amat` name, or text that starts like one (a 0, 1 or white space).
    static func looksLikeAmat(_ url: URL, _ bytes: [UInt8]) -> Bool {
        let name = url.lastPathComponent.lowercased()
        if name.hasSuffix(".amat") || name.hasSuffix(".amat.gz") { return true }
        if name.contains("idx") { return false }
        return [0x30, 0x31, 0x20, 0x09, 0x0A, 0x0D].contains(bytes[0])
    }

    /// Images (and labels) cut into three splits by `SplitRule`.
    static func makeSet(_ images: IDXImages, file: URL, labels labelURL: URL?,
                        binarization: Binarization, binary: Bool = false) throws -> LoadedDataSet {
        var labels: [UInt8]? = nil
        if let labelURL {
            let read = try IDXFile.readLabels(labelURL)
            guard read.count == images.count else {
                throw DataFileError(file: file.path, fault: .countMismatch(
                    images: images.count, labels: read.count, labelsFile: labelURL.path))
            }
            labels = read
        }
        let parts = SplitRule.indices(count: images.count, labels: labels)
        for name in SplitName.allCases where parts[name, default: []].isEmpty {
            throw DataFileError(file: file.path, fault: .tooFewImages(count: images.count, emptySplit: name.rawValue))
        }
        func split(_ name: SplitName) -> DataSplit {
            DataSplit.from(images, picking: parts[name, default: []], labels: labels, binary: binary)
        }
        let what = labelURL.map { "\(file.path) with labels \($0.path)" } ?? "\(file.path) (no labels)"
        return LoadedDataSet(name: file.lastPathComponent, source: "\(images.count) images from \(what)",
                             splitRule: SplitRule.describe(labelled: labels != nil),
                             train: split(.train), valid: split(.valid), test: split(.test),
                             binarization: binarization)
    }

    /// One `.amat` file, split by index.
    static func loadAmat(_ url: URL, bytes: [UInt8]) throws -> LoadedDataSet {
        let images = try AmatFile.parse(bytes, file: url.path)
        return try makeSet(images, file: url, labels: nil, binarization: .givenByFile, binary: true)
    }

    /// Three `.amat` files as the three splits.
    static func loadAmatTrio(_ trio: [SplitName: URL]) throws -> LoadedDataSet {
        var splits: [SplitName: DataSplit] = [:]
        var files: [String] = []
        for name in SplitName.allCases {
            guard let url = trio[name] else { continue }
            let images = try AmatFile.read(url)
            splits[name] = DataSplit.from(images, picking: Array(0..<images.count), labels: nil, binary: true)
            files.append(url.lastPathComponent)
        }
        let empty = DataSplit(images: Tensor(zeros: [0, 1, 28, 28]), labels: nil, sourceIndices: [])
        let folder = trio[.train]?.deletingLastPathComponent().path ?? ""
        return LoadedDataSet(name: files.first.map { String($0.prefix { $0 != "." }) } ?? "amat",
                             source: "\(files.joined(separator: ", ")) in \(folder)",
                             splitRule: "given by the files (one file per split)",
                             train: splits[.train] ?? empty, valid: splits[.valid] ?? empty,
                             test: splits[.test] ?? empty, binarization: .givenByFile)
    }
}

extension LoadedDataSet {
    /// A data set from a user's file (see `DataFileLoader.load`).
    public static func load(_ url: URL, labels: URL? = nil,
                            binarization: Binarization = .stochastic(seed: 0)) throws -> LoadedDataSet {
        try DataFileLoader.load(url, labels: labels, binarization: binarization)
    }
}
