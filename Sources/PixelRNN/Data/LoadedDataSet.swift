/// A data set as the REPL holds it: three splits of grey or colour images, where they
/// came from, how they were split, and the levels models read.
///
/// Build one with `LoadedDataSet.bundled(binarization:)` (the 5,000 MNIST digits in
/// `data/`), `LoadedDataSet.bundledColour(levels:)` (the 16×16 emoji), or
/// `LoadedDataSet.load(_:labels:binarization:)` / `ImageFiles.load` (a user's files).
/// Models see `levels(_:epoch:)`: with 2 levels the binarized images
/// (`binarized(_:epoch:)`), with K > 2 the 8-bit values quantized to K levels
/// (`Quantization`). Pictures may show the intensities.
public struct LoadedDataSet: Sendable {
    /// A short name: `bundled`, `emoji`, or the file name a user loaded.
    public var name: String
    /// Where the images came from, in one line.
    public var source: String
    /// How the three splits were made, in one line.
    public var splitRule: String
    /// The training split.
    public var train: DataSplit
    /// The validation split.
    public var valid: DataSplit
    /// The test split.
    public var test: DataSplit
    /// How grey images become binary ones (`.givenByFile` for `.amat`); used when `levels` is 2.
    public var binarization: Binarization
    /// The number of levels models see: 2 (binarized by `binarization`) or K = 3…256
    /// (quantized from 8 bits by `Quantization`).
    public var levels: Int

    /// A data set from its parts (the loaders build these; tests may too).
    public init(name: String, source: String, splitRule: String,
                train: DataSplit, valid: DataSplit, test: DataSplit, binarization: Binarization, levels: Int = 2) {
        precondition(Quantization.allowedLevels.contains(levels), "LoadedDataSet: levels must be 2…256")
        self.name = name
        self.source = source
        self.splitRule = splitRule
        self.train = train
        self.valid = valid
        self.test = test
        self.binarization = binarization
        self.levels = levels
    }

    /// One split by name.
    public subscript(split: SplitName) -> DataSplit {
        switch split {
        case .train: return train
        case .valid: return valid
        case .test: return test
        }
    }

    /// True when the images have digit labels.
    public var isLabelled: Bool { train.labels != nil }

    /// C: 1 (grey) or 3 (R, G, B).
    public var colors: Int { train.images.shape[1] }
    /// H, pixel rows per image.
    public var rows: Int { train.images.shape[2] }
    /// W, pixel columns per image.
    public var columns: Int { train.images.shape[3] }

    /// The quantization models see, nil for binary data (then `binarization` applies).
    public var quantization: Quantization? { levels == 2 ? nil : Quantization(levels: levels) }

    /// The levels in words: `binary (stochastic, drawn once (seed 0))` or `256 levels (8-bit)`.
    public var levelsDescription: String {
        quantization.map(\.description) ?? "2 levels, binarized: \(binarization)"
    }

    /// The whole split binarized: (N, C, H, W) of 0 and 1 (whatever `levels` is).
    /// `epoch` matters only for `.freshEachEpoch`.
    public func binarized(_ split: SplitName, epoch: Int = 0) -> Tensor {
        let part = self[split]
        return binarization.apply(to: part.images, sourceIndices: part.sourceIndices, epoch: epoch)
    }

    /// Images `indices` of a split binarized (a batch): the same bits as in `binarized(_:epoch:)`.
    public func binarized(_ split: SplitName, indices: [Int], epoch: Int = 0) -> Tensor {
        let part = self[split]
        return binarization.apply(to: part.intensities(indices),
                                  sourceIndices: indices.map { part.sourceIndices[$0] }, epoch: epoch)
    }

    /// The whole split as models read it: (N, C, H, W) of whole levels 0…`levels`−1
    /// (for binary data exactly `binarized(_:epoch:)`).
    public func levels(_ split: SplitName, epoch: Int = 0) -> Tensor {
        guard let quantization else { return binarized(split, epoch: epoch) }
        return quantization.apply(to: self[split].images)
    }

    /// Images `indices` of a split as models read them: the same levels as in `levels(_:epoch:)`.
    public func levels(_ split: SplitName, indices: [Int], epoch: Int = 0) -> Tensor {
        guard let quantization else { return binarized(split, indices: indices, epoch: epoch) }
        return quantization.apply(to: self[split].intensities(indices))
    }
}
