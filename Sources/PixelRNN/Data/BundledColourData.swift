import Foundation

/// The 1,381 colour emoji shipped in `data/`: Noto Color Emoji (Debian's
/// fonts-noto-color-emoji, SIL Open Font License 1.1) composited on white and reduced
/// to 16×16 RGB by `scripts/make_colour_data.py` (data/README.md, "The bundled colour set").
///
/// Found like the MNIST digits (`BundledData`); split by index (of every 10 consecutive
/// emoji, in code-point order, 8 train, the 9th valid, the 10th test: 1,105 / 138 / 138).
public enum BundledColourData {
    /// The set's name, as `data load` takes it.
    public static let name = "emoji"
    /// The image file's name (IDX, 4 dimensions: count × 16 × 16 × 3, gzip).
    public static let imagesFileName = "emoji16-images-idx4-ubyte.gz"
    /// The SHA-256 of the uncompressed shipped file (data/README.md).
    public static let sha256 = "5c9e35b5d5d3b68b32825e4ac6129e2a3713710e6d5d8e3f5c35b812ac0caef6"

    /// Loads the emoji; models see `levels` (default 256, the 8-bit values; 2 binarizes
    /// each colour by `binarization`).
    public static func load(levels: Int = 256, binarization: Binarization = .stochastic(seed: 0),
                            shouldStop: () -> Bool = { false }) throws -> LoadedDataSet {
        let dir = try BundledData.folder(holding: imagesFileName)
        let url = dir.appendingPathComponent(imagesFileName)
        var set = try DataFileLoader.loadIDX(url, labels: nil, binarization: binarization, levels: levels,
                                             shouldStop: shouldStop)
        set.name = name
        let total = SplitName.allCases.reduce(0) { $0 + set[$1].count }
        let shipped = total == 1381 && set.rows == 16 && set.colors == 3
        set.source = shipped
            ? "1,381 Noto Color Emoji (fonts-noto-color-emoji 2.042, OFL 1.1), 16×16 RGB on white, in \(dir.path)"
            : "\(total) \(set.rows)×\(set.columns) images from \(imagesFileName) in \(dir.path) — not the emoji shipped with pixelrnn"
        return set
    }
}

extension LoadedDataSet {
    /// The bundled 16×16 colour emoji (see `BundledColourData`).
    public static func bundledColour(levels: Int = 256, binarization: Binarization = .stochastic(seed: 0),
                                     shouldStop: () -> Bool = { false }) throws -> LoadedDataSet {
        try BundledColourData.load(levels: levels, binarization: binarization, shouldStop: shouldStop)
    }
}
