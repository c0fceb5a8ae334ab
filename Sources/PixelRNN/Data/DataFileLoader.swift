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
    /// `levels` is what models will see (2…256; nil: 2 for grey images, binarized,
    /// 256 for colour ones); a `.amat` file is binary whatever is asked.
    /// `shouldStop` is asked while reading and decompressing; when it returns true the
    /// load ends with the fault `.stopped`.
    public static func load(_ url: URL, labels: URL? = nil, binarization: Binarization = .stochastic(seed: 0),
                            levels: Int? = nil, shouldStop: () -> Bool = { false }) throws -> LoadedDataSet {
        if labels == nil, let trio = amatTrio(for: url) { return try loadAmatTrio(trio, shouldStop: shouldStop) }
        let raw = try DataFileBytes.raw(url, shouldStop: shouldStop)
        let head = try DataFileBytes.head(raw, count: 20, file: url.path)
        if looksLikeAmat(url, head) {
            return try loadAmat(url, bytes: DataFileBytes.unpack(raw, file: url.path, expected: AmatFile.maxBytes,
                                                                 shouldStop: shouldStop), shouldStop: shouldStop)
        }
        let images = try readImages(raw, head: head, file: url.path, shouldStop: shouldStop)
        let labelFile = labels ?? siblingLabels(for: url)
        return try makeSet(images, file: url, labels: labelFile, binarization: binarization,
                           levels: levels ?? defaultLevels(colors: images.colors), shouldStop: shouldStop)
    }

    /// IDX images and (optionally) labels, split by `SplitRule`.
    public static func loadIDX(_ url: URL, labels: URL?, binarization: Binarization, levels: Int? = nil,
                               shouldStop: () -> Bool = { false }) throws -> LoadedDataSet {
        let raw = try DataFileBytes.raw(url, shouldStop: shouldStop)
        let images = try readImages(raw, head: DataFileBytes.head(raw, count: 20, file: url.path), file: url.path,
                                    shouldStop: shouldStop)
        return try makeSet(images, file: url, labels: labels, binarization: binarization,
                           levels: levels ?? defaultLevels(colors: images.colors), shouldStop: shouldStop)
    }

    /// The levels models see unless asked otherwise: 2 (binarized) for grey images, as
    /// the paper's MNIST; 256 for colour ones, as its CIFAR-10 and ImageNet.
    public static func defaultLevels(colors: Int) -> Int { colors == 1 ? 2 : 256 }

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

    /// IDX images: the header (from `head`, the first decompressed bytes) is checked against
    /// the limits — sides 2…64, 1 or 3 colours, at least one image, `DataLimits`, what the
    /// file can hold — before the rest is decompressed, and never more than the header
    /// promises is. A label file given instead, or a file of no known format, gets a clearer fault.
    static func readImages(_ raw: [UInt8], head: [UInt8], file: String, shouldStop: () -> Bool) throws -> IDXImages {
        let header: IDXImageHeader
        do {
            header = try IDXFile.imageHeader(head, file: file)
        } catch let error as DataFileError {
            if case .badMagic(let found, _) = error.fault {
                if found == IDXMagic.labels { throw DataFileError(file: file, fault: .labelsInsteadOfImages) }
                if head.count >= 2, head[0] != 0 || head[1] != 0, !file.lowercased().contains("idx") {
                    throw DataFileError(file: file, fault: .unknownFormat(firstBytes: Array(head.prefix(4))))
                }
            }
            throw error
        }
        let (count, values) = (header.count, header.rows * header.columns * header.colors)
        try DataLimits.check(rows: header.rows, columns: header.columns, colors: header.colors, file: file)
        guard count > 0 else { throw DataFileError(file: file, fault: .noImages) }
        try DataLimits.check(images: count, values: values, file: file)
        let expected = header.length + count * values
        try DataFileBytes.checkCanHold(raw, expected: expected, file: file)
        let bytes = try DataFileBytes.unpack(raw, file: file, expected: expected, shouldStop: shouldStop)
        return try IDXFile.parseImages(bytes, file: file)
    }

    /// True for a `.amat` name, or text that starts like one (a 0, 1 or white space).
    static func looksLikeAmat(_ url: URL, _ bytes: [UInt8]) -> Bool {
        let name = url.lastPathComponent.lowercased()
        if name.hasSuffix(".amat") || name.hasSuffix(".amat.gz") { return true }
        if name.contains("idx") { return false }
        return [0x30, 0x31, 0x20, 0x09, 0x0A, 0x0D].contains(bytes[0])
    }

    /// Images (and labels) cut into three splits by `SplitRule`.
    static func makeSet(_ images: IDXImages, file: URL, labels labelURL: URL?, binarization: Binarization,
                        levels: Int = 2, binary: Bool = false, shouldStop: () -> Bool = { false }) throws -> LoadedDataSet {
        var labels: [UInt8]? = nil
        if let labelURL {
            labels = try IDXFile.readLabels(labelURL, count: images.count, images: file.path, shouldStop: shouldStop)
        }
        let parts = SplitRule.indices(count: images.count, labels: labels)
        for name in SplitName.allCases where parts[name, default: []].isEmpty {
            throw DataFileError(file: file.path, fault: .tooFewImages(count: images.count, emptySplit: name.rawValue))
        }
        func split(_ name: SplitName) throws -> DataSplit {
            try DataSplit.from(images, picking: parts[name, default: []], labels: labels, binary: binary,
                               file: file.path, shouldStop: shouldStop)
        }
        let what = labelURL.map { "\(file.path) with labels \($0.path)" } ?? "\(file.path) (no labels)"
        return LoadedDataSet(name: file.lastPathComponent, source: "\(images.count) images from \(what)",
                             splitRule: SplitRule.describe(labelled: labels != nil),
                             train: try split(.train), valid: try split(.valid), test: try split(.test),
                             binarization: binarization, levels: binary ? 2 : levels)
    }

    /// One `.amat` file, split by index.
    static func loadAmat(_ url: URL, bytes: [UInt8], shouldStop: () -> Bool) throws -> LoadedDataSet {
        let images = try AmatFile.parse(bytes, file: url.path, shouldStop: shouldStop)
        return try makeSet(images, file: url, labels: nil, binarization: .givenByFile, binary: true)
    }

    /// Three `.amat` files as the three splits.
    static func loadAmatTrio(_ trio: [SplitName: URL], shouldStop: () -> Bool) throws -> LoadedDataSet {
        var splits: [SplitName: DataSplit] = [:]
        var files: [String] = []
        for name in SplitName.allCases {
            guard let url = trio[name] else { continue }
            let images = try AmatFile.read(url, shouldStop: shouldStop)
            splits[name] = try DataSplit.from(images, picking: Array(0..<images.count), labels: nil, binary: true,
                                              file: url.path, shouldStop: shouldStop)
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
    public static func load(_ url: URL, labels: URL? = nil, binarization: Binarization = .stochastic(seed: 0),
                            levels: Int? = nil, shouldStop: () -> Bool = { false }) throws -> LoadedDataSet {
        try DataFileLoader.load(url, labels: labels, binarization: binarization, levels: levels, shouldStop: shouldStop)
    }
}
