/// The three parts of a data set: fit on `train`, choose on `valid`, report on `test`.
public enum SplitName: String, CaseIterable, Sendable {
    case train, valid, test
}

/// One split: grey or colour images, their labels if known, and where each came from.
public struct DataSplit: Equatable, Sendable {
    /// Intensities in [0, 1] (byte / 255), shape (N, C, H, W): C = 1 (grey) or 3 (R, G, B).
    public var images: Tensor
    /// The digit of each image, if the source had labels.
    public var labels: [Int]?
    /// Each image's index in its source file (fixes its stochastic binarization).
    public var sourceIndices: [Int]

    /// A split from its images (N, C, H, W), labels (N or nil) and source indices (N).
    public init(images: Tensor, labels: [Int]?, sourceIndices: [Int]) {
        self.images = images
        self.labels = labels
        self.sourceIndices = sourceIndices
    }

    /// The number of images.
    public var count: Int { images.shape[0] }

    /// How many images carry each label (label → count), empty when unlabelled.
    public var classCounts: [Int: Int] {
        var counts: [Int: Int] = [:]
        for label in labels ?? [] { counts[label, default: 0] += 1 }
        return counts
    }

    /// The mean intensity over all pixels: the expected fraction of 1s after
    /// stochastic binarization (0 for an empty split).
    public var meanIntensity: Float {
        images.count == 0 ? 0 : images.sum() / Float(images.count)
    }

    /// The images `indices` as intensities: (indices.count, C, H, W).
    public func intensities(_ indices: [Int]) -> Tensor {
        let per = images.count / max(count, 1)
        var data: [Float] = []
        data.reserveCapacity(indices.count * per)
        for n in indices { data += images.data[(n * per)..<((n + 1) * per)] }
        return Tensor(shape: [indices.count] + images.shape.dropFirst(), data: data)
    }

    /// Builds a split from byte images (0…255, or 0/1 when `binary`; a pixel's colours
    /// side by side as IDX stores them, made into planes here), asking `shouldStop`
    /// every 1,000 images (the data-file fault `.stopped` when it says so).
    static func from(_ source: IDXImages, picking indices: [Int], labels: [UInt8]?, binary: Bool,
                     file: String = "", shouldStop: () -> Bool = { false }) throws -> DataSplit {
        let plane = source.rows * source.columns, colors = source.colors
        let per = plane * colors
        let scale: Float = binary ? 1 : 1 / 255
        var stopped = false
        // Filled 1,000 images at a time (no zeroing pass first), so a stop is never far off.
        let data = [Float](unsafeUninitializedCapacity: indices.count * per) { out, initialized in
            source.pixels.withUnsafeBufferPointer { pixels in
                for first in stride(from: 0, to: indices.count, by: 1000) {
                    if shouldStop() { stopped = true; return }
                    for k in first..<min(first + 1000, indices.count) {
                        let n = indices[k]
                        for c in 0..<colors {
                            for i in 0..<plane {
                                (out.baseAddress! + k * per + c * plane + i)
                                    .initialize(to: Float(pixels[n * per + i * colors + c]) * scale)
                            }
                        }
                    }
                    initialized = min(first + 1000, indices.count) * per
                }
            }
        }
        if stopped { throw DataFileError(file: file, fault: .stopped) }
        return DataSplit(images: Tensor(shape: [indices.count, colors, source.rows, source.columns], data: data),
                         labels: labels.map { all in indices.map { Int(all[$0]) } },
                         sourceIndices: indices)
    }
}

/// The fixed, documented rule that cuts one file into train / valid / test (data/README.md).
///
/// Every ten consecutive images go 8 to train, 1 to valid, 1 to test. With labels
/// the count runs within each class (class-balanced: 500 per class → 400 / 50 / 50),
/// and each split is then ordered by rank within class, then by class, so it cycles
/// through the digits 0, 1, …, 9, 0, 1, … Without labels the count runs over the file
/// and file order is kept.
public enum SplitRule {
    /// One line for `data info`.
    public static func describe(labelled: Bool) -> String {
        labelled
            ? "class-balanced: within each class, in file order, of every 10 images 8 go to train, the 9th to valid, the 10th to test"
            : "by index: of every 10 consecutive images 8 go to train, the 9th to valid, the 10th to test"
    }

    /// Which split the `rank`-th image (of its class, or of the file) belongs to.
    public static func split(ofRank rank: Int) -> SplitName {
        switch rank % 10 {
        case 8: return .valid
        case 9: return .test
        default: return .train
        }
    }

    /// The source indices of each split, in split order.
    public static func indices(count: Int, labels: [UInt8]?) -> [SplitName: [Int]] {
        var result: [SplitName: [Int]] = [:]
        guard let labels else {
            for n in 0..<count { result[split(ofRank: n), default: []].append(n) }
            return result
        }
        var rankInClass: [UInt8: Int] = [:]
        var rankInSplit: [SplitName: [UInt8: Int]] = [:]
        var placed: [SplitName: [(rank: Int, label: UInt8, index: Int)]] = [:]
        for n in 0..<count {
            let label = labels[n]
            let name = split(ofRank: rankInClass[label, default: 0])
            rankInClass[label, default: 0] += 1
            let rank = rankInSplit[name, default: [:]][label, default: 0]
            rankInSplit[name, default: [:]][label] = rank + 1
            placed[name, default: []].append((rank, label, n))
        }
        for name in SplitName.allCases {
            let items = placed[name, default: []]
            result[name] = items.sorted { ($0.rank, $0.label) < ($1.rank, $1.label) }.map(\.index)
        }
        return result
    }
}
