import Foundation

/// p(x_i | x_<i) of one pixel colour, read off its logits, and one draw from it.
///
/// - 2 levels: one logit l, p(1) = σ(l); draw 1 if u < σ(l), with u ~ U[0, 1).
/// - 256 levels: 256 logits, p = softmax; draw the first level k with u < Σ_{j≤k} p_j
///   (the inverse of the cumulative distribution, summed in Double).
public enum PixelDistribution {
    /// The probability of every level: [1 − σ(l), σ(l)] or softmax(logits).
    public static func probabilities(logits: ArraySlice<Float>, levels: Int) -> [Float] {
        if levels == 2 {
            let p1 = Activation.sigmoid(logits[logits.startIndex])
            return [1 - p1, p1]
        }
        return softmax(logits).map { Float($0) }
    }

    /// The level drawn with the uniform number `u` in [0, 1).
    public static func draw(logits: ArraySlice<Float>, levels: Int, uniform u: Float) -> Int {
        if levels == 2 { return u < Activation.sigmoid(logits[logits.startIndex]) ? 1 : 0 }
        let p = softmax(logits)
        var cumulative = 0.0
        for (k, pk) in p.enumerated() {
            cumulative += pk
            if Double(u) < cumulative { return k }
        }
        return p.lastIndex(where: { $0 > 0 }) ?? levels - 1   // u beyond a sum rounded below 1
    }

    /// softmax in Double: e^(l_k − max) / Σ_j e^(l_j − max).
    static func softmax(_ logits: ArraySlice<Float>) -> [Double] {
        let m = Double(logits.max() ?? 0)
        let e = logits.map { exp(Double($0) - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }
}
