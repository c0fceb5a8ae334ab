/// A data set as the REPL holds it: three splits of 28×28 grey digits, where they
/// came from, how they were split, and how they are binarized.
///
/// Build one with `LoadedDataSet.bundled(binarization:)` (the 5,000 MNIST digits in
/// `data/`) or `LoadedDataSet.load(_:labels:binarization:)` (a user's IDX or `.amat`
/// file). Models see `binarized(_:epoch:)`; pictures may show the grey intensities.
public struct LoadedDataSet: Sendable {
    /// A short name: `bundled`, or the file name a user loaded.
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
    /// How grey images become binary ones (`.givenByFile` for `.amat`).
    public var binarization: Binarization

    /// A data set from its parts (the loaders build these; tests may too).
    public init(name: String, source: String, splitRule: String,
                train: DataSplit, valid: DataSplit, test: DataSplit, binarization: Binarization) {
        self.name = name
        self.source = source
        self.splitRule = splitRule
        self.train = train
        self.valid = valid
        self.test = test
        self.binarization = binarization
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

    /// The whole split binarized: (N, 1, 28, 28) of 0 and 1. `epoch` matters only
    /// for `.freshEachEpoch`.
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
}
