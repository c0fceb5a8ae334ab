extension Sampler {
    /// The starting images of a completion — each image repeated `samplesPerImage`
    /// times — and the keep mask broadcast to them. Throws for shapes that do not fit.
    static func completionStart(_ images: Tensor, keep: Tensor, samplesPerImage s: Int,
                                config: ModelConfig) throws -> (Tensor, Tensor) {
        guard s >= 1 else { throw SamplingError.invalidArgument("samples per image must be at least 1, got \(s)") }
        do {
            try ImageCheck.validate(images, colors: config.colors, levels: config.levels)
        } catch let error as TrainingError {
            throw SamplingError.invalidArgument(error.description)
        }
        let (n, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        guard keep.rank == 4, keep.shape[2] == h, keep.shape[3] == w,
              keep.shape[0] == n || keep.shape[0] == 1, keep.shape[1] == c || keep.shape[1] == 1 else {
            throw SamplingError.invalidArgument("the keep mask must be (\(n) or 1, \(c) or 1, \(h), \(w)), got \(keep.shape)")
        }
        var start = Tensor(zeros: [n * s, c, h, w])
        var mask = start
        for k in 0..<(n * s) {
            for ch in 0..<c {
                for y in 0..<h {
                    for x in 0..<w {
                        start[k, ch, y, x] = images[k / s, ch, y, x]
                        mask[k, ch, y, x] = keep[keep.shape[0] == 1 ? 0 : k / s, keep.shape[1] == 1 ? 0 : ch, y, x] != 0 ? 1 : 0
                    }
                }
            }
        }
        return (start, mask)
    }
}
