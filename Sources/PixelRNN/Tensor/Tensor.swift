/// A dense Float32 tensor, row-major, usually NCHW: (batch, channels, rows, columns).
///
/// Deliberately tiny: a shape and a flat array. Every operation the models need is a
/// plain function elsewhere in this module, with its backward written next to it.
public struct Tensor: Equatable, Sendable {
    /// The extent of each axis, outermost first, e.g. `[B, C, H, W]`.
    public var shape: [Int]
    /// The values, row-major (last axis fastest). `data.count == shape.reduce(1, *)`.
    public var data: [Float]

    /// A tensor with the given shape and values. The counts must agree.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count,
                     "Tensor: shape \(shape) needs \(shape.reduce(1, *)) values, got \(data.count)")
        self.shape = shape
        self.data = data
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// A tensor filled with one value.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// The number of values.
    public var count: Int { data.count }
    /// The number of axes.
    public var rank: Int { shape.count }

    /// The flat index of a 4-D position `(n, c, y, x)`.
    @inline(__always)
    public func index(_ n: Int, _ c: Int, _ y: Int, _ x: Int) -> Int {
        ((n * shape[1] + c) * shape[2] + y) * shape[3] + x
    }

    /// The value at a 4-D position `(n, c, y, x)`.
    public subscript(n: Int, c: Int, y: Int, x: Int) -> Float {
        get { data[index(n, c, y, x)] }
        set { data[index(n, c, y, x)] = newValue }
    }

    /// The same values seen with another shape of the same count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data)
    }

    /// Elementwise sum (shapes must match).
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "Tensor +: shapes \(a.shape) and \(b.shape) differ")
        return Tensor(shape: a.shape, data: combined(a.data, b.data, +))
    }

    /// Elementwise in-place sum (shapes must match).
    public static func += (a: inout Tensor, b: Tensor) {
        precondition(a.shape == b.shape, "Tensor +=: shapes \(a.shape) and \(b.shape) differ")
        a.data.withUnsafeMutableBufferPointer { a in
            b.data.withUnsafeBufferPointer { b in
                for i in 0..<a.count { a[i] += b[i] }
            }
        }
    }

    /// Elementwise product (shapes must match).
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "Tensor *: shapes \(a.shape) and \(b.shape) differ")
        return Tensor(shape: a.shape, data: combined(a.data, b.data, *))
    }

    /// Every value multiplied by a scalar.
    public static func * (a: Tensor, s: Float) -> Tensor {
        let data = [Float](unsafeUninitializedCapacity: a.count) { out, initialized in
            a.data.withUnsafeBufferPointer { a in
                for i in 0..<a.count { out[i] = a[i] * s }
            }
            initialized = a.count
        }
        return Tensor(shape: a.shape, data: data)
    }

    /// `op(a[i], b[i])` for every i, in one pass over fresh memory (not a copy of `a` updated
    /// in place: that would read and write every value twice).
    @inline(__always)
    private static func combined(_ a: [Float], _ b: [Float], _ op: (Float, Float) -> Float) -> [Float] {
        [Float](unsafeUninitializedCapacity: a.count) { out, initialized in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    for i in 0..<a.count { out[i] = op(a[i], b[i]) }
                }
            }
            initialized = a.count
        }
    }

    /// The largest absolute difference to another tensor of the same shape.
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "maxAbsDifference: shapes \(shape) and \(other.shape) differ")
        var m: Float = 0
        for i in 0..<count { m = max(m, abs(data[i] - other.data[i])) }
        return m
    }

    /// Sum of all values (accumulated in Double).
    public func sum() -> Float {
        var s = 0.0
        for v in data { s += Double(v) }
        return Float(s)
    }

    /// The image `n` of a batch, as a batch of one: (1, C, H, W).
    public func item(_ n: Int) -> Tensor { images(n..<(n + 1)) }

    /// Images `range` of an NCHW batch: (range.count, C, H, W).
    public func images(_ range: Range<Int>) -> Tensor {
        precondition(rank == 4 && range.lowerBound >= 0 && range.upperBound <= shape[0])
        let per = shape[1] * shape[2] * shape[3]
        return Tensor(shape: [range.count, shape[1], shape[2], shape[3]],
                      data: Array(data[(range.lowerBound * per)..<(range.upperBound * per)]))
    }

    /// Channels `range` of an NCHW tensor: (B, range.count, H, W).
    public func channels(_ range: Range<Int>) -> Tensor {
        precondition(rank == 4)
        let (b, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let hw = h * w
        var out = Tensor(zeros: [b, range.count, h, w])
        for n in 0..<b {
            for (k, ch) in range.enumerated() {
                let src = (n * c + ch) * hw
                let dst = (n * range.count + k) * hw
                for i in 0..<hw { out.data[dst + i] = data[src + i] }
            }
        }
        return out
    }

    /// Stacks NCHW batches with equal C, H, W along the batch axis (the inverse of
    /// cutting a batch with `images(_:)`).
    public static func concatImages(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.rank == 4 && Array($0.shape.dropFirst()) == Array(parts[0].shape.dropFirst()) },
                     "concatImages: shapes differ")
        return Tensor(shape: [parts.reduce(0) { $0 + $1.shape[0] }] + parts[0].shape.dropFirst(),
                      data: parts.flatMap(\.data))
    }

    /// Stacks NCHW tensors with equal batch and spatial size along the channel axis.
    public static func concatChannels(_ parts: [Tensor]) -> Tensor {
        let b = parts[0].shape[0], h = parts[0].shape[2], w = parts[0].shape[3]
        let total = parts.reduce(0) { $0 + $1.shape[1] }
        var out = Tensor(zeros: [b, total, h, w])
        var offset = 0
        for p in parts {
            precondition(p.shape[0] == b && p.shape[2] == h && p.shape[3] == w, "concatChannels: shapes differ")
            for n in 0..<b {
                for c in 0..<p.shape[1] {
                    let src = (n * p.shape[1] + c) * h * w
                    let dst = (n * total + offset + c) * h * w
                    for i in 0..<(h * w) { out.data[dst + i] = p.data[src + i] }
                }
            }
            offset += p.shape[1]
        }
        return out
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String { "Tensor(shape: \(shape))" }
}
