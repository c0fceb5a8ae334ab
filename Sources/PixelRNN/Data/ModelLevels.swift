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

    /// Images `indices` of a split as a model with `levels` levels reads them: the data set's
    /// own levels (`levels(_:indices:epoch:)`) when they are the model's, else
    /// `levels(_:indices:levels:)`.
    public func modelLevels(_ split: SplitName, indices: [Int], levels: Int) -> Tensor {
        levels == self.levels ? self.levels(split, indices: indices) : self.levels(split, indices: indices, levels: levels)
    }

    /// Images `indices` of a split as a colour model with `levels` levels reads them:
    /// (N, 3, H, W). A colour data set gives its own images (`modelLevels`); a grey one the
    /// grey image in each of R, G and B (R = G = B), each plane `levels(_:indices:levels:)`.
    public func colourLevels(_ split: SplitName, indices: [Int], levels: Int) -> Tensor {
        if colors == 3 { return modelLevels(split, indices: indices, levels: levels) }
        let grey = self.levels(split, indices: indices, levels: levels)
        let plane = grey.shape[2] * grey.shape[3]
        var rgb = Tensor(zeros: [indices.count, 3, grey.shape[2], grey.shape[3]])
        for n in 0..<indices.count {
            for c in 0..<3 {
                for p in 0..<plane { rgb.data[(n * 3 + c) * plane + p] = grey.data[n * plane + p] }
            }
        }
        return rgb
    }
}
