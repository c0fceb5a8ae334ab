import Foundation

/// `verify`: recomputes a `VerificationFile`'s maps with pixelrnn's network and compares
/// them with the file's, layer by layer in the order the network computes them.
///
/// A layer agrees when its largest |difference| is at most `tolerance` · max(1, largest
/// |value| of pixelrnn's map): Float32 rounding in another implementation stays far below
/// it, a wrong layer far above. The first layer that disagrees is where to look: every
/// layer after it is fed its error.
public struct Verification {
    /// The relative tolerance (see above).
    public static let tolerance: Float = 1e-4

    /// One compared layer.
    public struct Layer: Equatable, Sendable {
        /// pixelrnn's layer name (`input`, `blocks.1`, `head.0`, `head.1` = the logits).
        public let name: String
        /// The largest |file − pixelrnn| over the whole map.
        public let largestDifference: Float
        /// The largest |value| of pixelrnn's map.
        public let largestValue: Float
        /// Where the largest difference is: image, channel, row, column.
        public let at: [Int]
        /// Whether the layer agrees (within `tolerance`).
        public var agrees: Bool { largestDifference <= Verification.tolerance * max(1, largestValue) }
    }

    /// The layers the file holds maps of (always the logits, `head.1`, last), in network order.
    public let layers: [Layer]
    /// For each pixel (row-major, H × W): the largest |logit difference| over images and channels.
    public let logitDifferenceByPixel: [Float]
    /// For each pixel: the largest |difference| of the first disagreeing layer (nil when all agree).
    public let firstDisagreementByPixel: [Float]?
    /// The image size.
    public let height: Int, width: Int
    /// The mean NLL (nats/image) of the images under pixelrnn's logits and under the file's.
    public let recomputedNLL: Double, fileNLL: Double

    /// The first layer that disagrees, if any.
    public var firstDisagreement: Layer? { layers.first { !$0.agrees } }

    /// Runs the network on the file's images (`shouldStop` asked before each block; throws
    /// `Stopped`) and compares.
    public init(_ file: VerificationFile, shouldStop: () -> Bool = { false }) throws {
        let network = file.network
        let pass = try network.forward(file.images, shouldStop: shouldStop)
        let ours: [String: Tensor] = Dictionary(uniqueKeysWithValues:
            [("input", pass.streams[0])] + pass.streams.dropFirst().enumerated().map { ("blocks.\($0.offset)", $0.element) }
            + [("head.0", pass.headHidden), ("head.1", pass.logits)])
        let (h, w) = (file.images.shape[2], file.images.shape[3])
        let order = VerificationFile.layers(of: network.config, batch: file.images.shape[0], height: h, width: w).map(\.name)
        let theirs = file.maps.merging(["head.1": file.logits]) { a, _ in a }
        layers = order.compactMap { name in theirs[name].map { Self.compare(name, ours[name]!, $0) } }
        height = h
        width = w
        logitDifferenceByPixel = Self.byPixel(ours["head.1"]!, file.logits)
        let first = layers.first { !$0.agrees }
        firstDisagreementByPixel = first.map { Self.byPixel(ours[$0.name]!, theirs[$0.name]!) }
        let levels = network.config.levels
        func mean(_ logits: Tensor) -> Double {
            let nll = Likelihood.negativeLogLikelihood(logits: logits, pixels: file.images, levels: levels)
            return nll.reduce(0, +) / Double(nll.count)
        }
        recomputedNLL = mean(pass.logits)
        fileNLL = mean(file.logits)
    }

    /// The largest difference of two maps of one shape, and where it is.
    static func compare(_ name: String, _ ours: Tensor, _ theirs: Tensor) -> Layer {
        var (largest, index, value) = (Float(0), 0, Float(0))
        for i in 0..<ours.count {
            let d = abs(ours.data[i] - theirs.data[i])
            if d > largest || d.isNaN { largest = d; index = i }
            value = max(value, abs(ours.data[i]))
        }
        var at: [Int] = []
        var rest = index
        for size in ours.shape.reversed() { at.insert(rest % size, at: 0); rest /= size }
        return Layer(name: name, largestDifference: largest, largestValue: value, at: at)
    }

    /// For each pixel (H × W), the largest |difference| over images and channels.
    static func byPixel(_ ours: Tensor, _ theirs: Tensor) -> [Float] {
        let (b, c, h, w) = (ours.shape[0], ours.shape[1], ours.shape[2], ours.shape[3])
        var out = [Float](repeating: 0, count: h * w)
        for plane in 0..<(b * c) {
            for p in 0..<(h * w) {
                out[p] = max(out[p], abs(ours.data[plane * h * w + p] - theirs.data[plane * h * w + p]))
            }
        }
        return out
    }
}
