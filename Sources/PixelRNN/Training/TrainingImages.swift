/// The images a run trains on, epoch by epoch: the same tensor every epoch, or a
/// fresh one per epoch (stochastic binarization drawn afresh, data/README.md).
public struct TrainingImages {
    /// The number of images (the same every epoch).
    public let count: Int
    /// The images of epoch e (0-based): (count, C, H, W) of levels.
    public let imagesForEpoch: (Int) -> Tensor

    /// The same images every epoch.
    public init(_ images: Tensor) {
        count = images.rank == 4 ? images.shape[0] : 0
        imagesForEpoch = { _ in images }
    }

    /// Images made per epoch, e.g. `{ e in split.binarized(epoch: e) }`.
    public init(count: Int, imagesForEpoch: @escaping (Int) -> Tensor) {
        self.count = count
        self.imagesForEpoch = imagesForEpoch
    }
}

/// Checks that a tensor holds images a network can read.
public enum ImageCheck {
    /// Throws unless `images` is (N ≥ 1, colors, H, W) of whole levels 0 … levels−1.
    public static func validate(_ images: Tensor, colors: Int, levels: Int, what: String = "images") throws {
        guard images.rank == 4, images.shape[0] >= 1 else {
            throw TrainingError.invalidData("no \(what): expected a batch (N, \(colors), H, W), got shape \(images.shape)")
        }
        guard images.shape[1] == colors else {
            throw TrainingError.invalidData("\(what) have \(counted(images.shape[1], "colour channel")), the model \(colors)")
        }
        for v in images.data where !(v >= 0 && v <= Float(levels - 1) && v == v.rounded()) {
            let hint = levels == 2 ? " — binarize them first" : ""
            throw TrainingError.invalidData("\(what) must hold levels 0…\(levels - 1), found \(v)\(hint)")
        }
    }
}
