/// How 8-bit values (0…255) become the K levels 0…K−1 a model with a K-way softmax
/// reads (data/README.md, "Levels"), and back.
///
/// The levels are the K evenly spaced values 255·k/(K−1), k = 0…K−1, and a byte goes
/// to the nearest one: level(v) = ⌊(v·(K−1) + 127.5) / 255⌋, computed in integers as
/// ⌊(2·v·(K−1) + 255) / 510⌋. Back: byte(k) = ⌊255·k/(K−1) + ½⌋. So K = 256 keeps every
/// byte, K = 2 is the threshold at 128 (the same bits as `Binarization.threshold(0.5)`),
/// and level(byte(k)) = k for every k: quantizing K-level data again changes nothing.
public struct Quantization: Equatable, Sendable, CustomStringConvertible {
    /// K, the number of levels (2…256).
    public let levels: Int

    /// The allowed numbers of levels.
    public static let allowedLevels = 2...256

    /// K levels; nil outside 2…256.
    public init?(levels: Int) {
        guard Self.allowedLevels.contains(levels) else { return nil }
        self.levels = levels
    }

    /// The level of byte `v`.
    public func level(ofByte v: Int) -> Int {
        (2 * v * (levels - 1) + 255) / 510
    }

    /// The byte that level `k` stands for.
    public func byte(ofLevel k: Int) -> Int {
        (2 * 255 * k + (levels - 1)) / (2 * (levels - 1))
    }

    /// Intensities in [0, 1] (byte / 255) as levels 0…K−1, each a whole number.
    public func apply(to intensities: Tensor) -> Tensor {
        let table = (0...255).map { Float(level(ofByte: $0)) }
        return Tensor(shape: intensities.shape, data: intensities.data.map { table[Int(($0 * 255).rounded())] })
    }

    /// Levels 0…K−1 back to intensities in [0, 1] (byte(k) / 255).
    public func intensities(ofLevels values: Tensor) -> Tensor {
        let table = (0..<levels).map { Float(byte(ofLevel: $0)) / 255 }
        return Tensor(shape: values.shape, data: values.data.map { table[min(levels - 1, max(0, Int($0)))] })
    }

    /// `256 levels (8-bit)` or `K levels (quantized from 8 bits)`.
    public var description: String {
        levels == 256 ? "256 levels (8-bit)" : "\(levels) levels (quantized from 8 bits)"
    }
}
