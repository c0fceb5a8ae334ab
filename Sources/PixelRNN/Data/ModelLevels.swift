/// A data set's images as a model reads them: levels 0 … K − 1 (Checkpoint README,
/// "levels"; data/README.md for the binarizations).
extension LoadedDataSet {
    /// Images `indices` of a split (every image when nil) as a model with `levels` levels
    /// reads them: binarized by the data set's binarization (2 levels, epoch 0), or grey
    /// levels 0 … K − 1: round((K − 1) · intensity) (for 256 levels the byte of the file).
    public func levels(_ split: SplitName, indices: [Int]? = nil, levels: Int) -> Tensor {
        if levels == 2 { return indices.map { binarized(split, indices: $0) } ?? binarized(split) }
        let part = self[split]
        let grey = indices.map { part.intensities($0) } ?? part.images
        return Tensor(shape: grey.shape, data: grey.data.map { ($0 * Float(levels - 1)).rounded() })
    }
}
