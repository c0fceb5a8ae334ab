import Foundation

/// An axis range rounded outwards to "nice" tick numbers (1, 2 or 5 × 10^k apart).
public struct NiceScale: Equatable, Sendable {
    public let lower: Double
    public let upper: Double
    public let step: Double

    /// The largest magnitude a scale reaches: values beyond ±1e300 are drawn at
    /// the edge, so that no arithmetic on the scale can overflow to infinity.
    public static let limit = 1e300

    /// `v` inside ±`limit` (NaN stays NaN).
    public static func clamp(_ v: Double) -> Double { Swift.min(Swift.max(v, -limit), limit) }

    /// A scale covering [min, max] with about `targetTicks` ticks, at least
    /// `minimumStep` apart (1 for counts such as epochs). An empty or flat
    /// range is widened so the scale is never degenerate; non-finite ends are
    /// replaced and huge ones clamped to ±`limit`.
    public init(min: Double, max: Double, targetTicks: Int = 5, minimumStep: Double = 0) {
        var lo = min.isFinite ? NiceScale.clamp(min) : 0
        var hi = max.isFinite ? NiceScale.clamp(max) : 1
        if lo > hi { swap(&lo, &hi) }
        if hi - lo < 1e-12 {
            let pad = Swift.max(abs(lo) * 0.1, 0.5)
            lo -= pad
            hi += pad
        }
        let ticks = Double(Swift.min(Swift.max(1, targetTicks), 1_000))
        step = Swift.max(NiceScale.niceStep((hi - lo) / ticks), minimumStep.isFinite ? NiceScale.clamp(minimumStep) : 0)
        lower = (lo / step).rounded(.down) * step
        upper = (hi / step).rounded(.up) * step
    }

    /// 1, 2, 5 or 10 times a power of ten, at least `raw`.
    public static func niceStep(_ raw: Double) -> Double {
        guard raw > 0 && raw.isFinite else { return 1 }
        let power = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / power
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * power
    }

    /// The tick values from lower to upper (just the two ends if there would be
    /// more than 1,000, e.g. for a huge `minimumStep`… or none).
    public var ticks: [Double] {
        let count = ((upper - lower) / step).rounded()
        guard count.isFinite, count >= 0, count <= 1_000 else { return [lower, upper] }
        return (0...Int(count)).map { lower + Double($0) * step }
    }

    /// A tick value written with just enough decimals for this step.
    public func label(_ value: Double) -> String {
        if abs(value) < step * 1e-6 { return "0" }
        let stepExponent = Int(log10(step).rounded(.down))
        guard step >= 1e5 || step < 1e-3 else {
            return String(format: "%.\(Swift.max(0, -stepExponent))f", value)
        }
        // Scientific, every label with the same number of mantissa decimals.
        let largest = Swift.max(abs(lower), abs(upper))
        let decimals = Swift.max(0, Int(log10(largest).rounded(.down)) - stepExponent)
        return String(format: "%.\(decimals)e", value)
    }
}

/// A short form of a number for cells and colour bars: "0", "0.25", "12.5", "3e-05".
public func compactNumber(_ v: Double) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    if v == 0 { return "0" }
    let a = abs(v)
    if a >= 1e5 || a < 0.01 { return String(format: "%.0e", v) }
    if a >= 100 { return String(format: "%.0f", v) }
    if a >= 10 { return trimZeros(String(format: "%.1f", v)) }
    return trimZeros(String(format: "%.2f", v))
}

private func trimZeros(_ s: String) -> String {
    guard s.contains(".") else { return s }
    var t = s
    while t.hasSuffix("0") { t.removeLast() }
    if t.hasSuffix(".") { t.removeLast() }
    return t
}
