import Foundation

/// The LSTM cell both PixelRNN LSTMs share (paper eq. 3, the part after the convolutions),
/// written once for the plain paths and once for the vectorised (fast) ones:
///
///     given the pre-activations z = [o, f, i, g] of one state and its previous cell c′:
///     c = σ(f) ⊙ c′ + σ(i) ⊙ tanh(g)
///     h = σ(o) ⊙ tanh(c)
///
/// The Row LSTM takes c′ from the pixel above, the Diagonal LSTM from the previous cell of
/// its walk; what forms z (the input-to-state and state-to-state convolutions) is each
/// model's own. Backward (`backward`) is one formula, generic over one Float or four at once.
public enum LSTMCell {
    /// The plain forward step of one state: σ by `Activation.sigmoid`, tanh by the C library.
    /// Returns the gate values after their nonlinearities, c, tanh(c) and h.
    /// `sigmoidOnContent` is for the Row LSTM's test-only buggy variant (σ instead of tanh on g).
    @inline(__always)
    static func forward(o zo: Float, f zf: Float, i zi: Float, g zg: Float, previousCell cPrev: Float,
                        sigmoidOnContent: Bool = false)
        -> (o: Float, f: Float, i: Float, g: Float, cell: Float, cellTanh: Float, hidden: Float) {
        let o = Activation.sigmoid(zo)
        let f = Activation.sigmoid(zf)
        let i = Activation.sigmoid(zi)
        let g = sigmoidOnContent ? Activation.sigmoid(zg) : tanhf(zg)
        let c = f * cPrev + i * g                               // c = σ(f) ⊙ c′ + σ(i) ⊙ tanh(g)
        let cTanh = tanhf(c)
        return (o, f, i, g, c, cTanh, o * cTanh)                // h = σ(o) ⊙ tanh(c)
    }

    /// The vectorised forward step of `count` states (one gate row each, laid out the same):
    /// `pre` are the pre-activations, `values` receive σ(o), σ(f), σ(i), tanh(g) (they may be
    /// the same memory as `pre`), then c, tanh(c) (when `cellTanh` is given) and h.
    /// `previousCell` nil means c′ = 0 (the first row or column).
    static func forward(pre: LSTMGateRows<UnsafePointer<Float>>, values: LSTMGateRows<UnsafeMutablePointer<Float>>,
                        previousCell cPrev: UnsafePointer<Float>?, cell c: UnsafeMutablePointer<Float>,
                        cellTanh: UnsafeMutablePointer<Float>?, hidden h: UnsafeMutablePointer<Float>, count n: Int) {
        Activation.sigmoid(pre.o, into: values.o, count: n)
        Activation.sigmoid(pre.f, into: values.f, count: n)
        Activation.sigmoid(pre.i, into: values.i, count: n)
        Activation.tanh(pre.g, into: values.g, count: n)
        update(values: values.readOnly, previousCell: cPrev, cell: c, cellTanh: cellTanh, hidden: h, count: n)
    }

    /// The vectorised cell update from gate values already through σ, σ, σ, tanh (a caller
    /// that activates each gate row as soon as it is formed): c, tanh(c) when `cellTanh` is
    /// given, and h.
    static func update(values: LSTMGateRows<UnsafePointer<Float>>, previousCell cPrev: UnsafePointer<Float>?,
                       cell c: UnsafeMutablePointer<Float>, cellTanh: UnsafeMutablePointer<Float>?,
                       hidden h: UnsafeMutablePointer<Float>, count n: Int) {
        let (o, f, i, g) = (values.o, values.f, values.i, values.g)
        if let cp = cPrev {
            for e in 0..<n { c[e] = f[e] * cp[e] + i[e] * g[e] }       // c = σ(f) ⊙ c′ + σ(i) ⊙ tanh(g)
        } else {
            for e in 0..<n { c[e] = i[e] * g[e] }                      // c′ = 0
        }
        if let tc = cellTanh {
            Activation.tanh(c, into: tc, count: n)
            for e in 0..<n { h[e] = o[e] * tc[e] }                     // h = σ(o) ⊙ tanh(c)
        } else {
            Activation.tanh(c, into: h, count: n)
            for e in 0..<n { h[e] = o[e] * h[e] }
        }
    }

    /// Back through one cell, given its gate values (after σ / tanh), tanh(c), c′, ∂L/∂h and
    /// the ∂L/∂c that the next step sends back (through its σ(f) ⊙ c):
    ///
    ///     h = o ⊙ tanh(c):            ∂o = ∂h ⊙ tanh(c),   ∂c = ∂h ⊙ o ⊙ (1 − tanh²c) + ∂c_next
    ///     c = f ⊙ c′ + i ⊙ g:         ∂f = ∂c ⊙ c′,   ∂i = ∂c ⊙ g,   ∂g = ∂c ⊙ i,   ∂c′ = ∂c ⊙ f
    ///     then through σ' = σ(1 − σ) and tanh' = 1 − tanh²  →  ∂z for o, f, i, g.
    ///
    /// Also returns ∂c itself (the Row LSTM's buggy test variant needs it for its σ on g).
    @inline(__always)
    static func backward<V: LSTMLane>(o: V, f: V, i: V, g: V, tanhC tc: V, previousCell cPrev: V, dh: V, dcNext: V)
        -> (dO: V, dF: V, dI: V, dG: V, dcPrev: V, dc: V) {
        let dc = dh * o * (V.one - tc * tc) + dcNext
        return (dO: dh * tc * o * (V.one - o),
                dF: dc * cPrev * f * (V.one - f),
                dI: dc * g * i * (V.one - i),
                dG: dc * i * (V.one - g * g),
                dcPrev: dc * f,
                dc: dc)
    }

    /// `backward` over `count` states, four at a time and then one by one (the same formula):
    /// writes ∂z of the four gates into `dPre` and ∂c′ into `dcPrev` (which may be `dcNext`).
    /// `previousCell` nil means c′ = 0.
    static func backward(values a: LSTMGateRows<UnsafePointer<Float>>, cellTanh tc: UnsafePointer<Float>,
                         previousCell cPrev: UnsafePointer<Float>?, dHidden dh: UnsafePointer<Float>,
                         dcNext: UnsafePointer<Float>, dPre d: LSTMGateRows<UnsafeMutablePointer<Float>>,
                         dcPrev: UnsafeMutablePointer<Float>, count n: Int) {
        typealias V = SIMD4<Float>
        var e = 0
        while e + 4 <= n {
            let c0: V = cPrev.map { .load($0, e) } ?? V()
            let r = backward(o: V.load(a.o, e), f: .load(a.f, e), i: .load(a.i, e), g: .load(a.g, e),
                             tanhC: .load(tc, e), previousCell: c0, dh: .load(dh, e), dcNext: .load(dcNext, e))
            r.dO.store(d.o, e); r.dF.store(d.f, e); r.dI.store(d.i, e); r.dG.store(d.g, e)
            r.dcPrev.store(dcPrev, e)
            e += 4
        }
        while e < n {
            let r = backward(o: a.o[e], f: a.f[e], i: a.i[e], g: a.g[e], tanhC: tc[e], previousCell: cPrev?[e] ?? 0,
                             dh: dh[e], dcNext: dcNext[e])
            (d.o[e], d.f[e], d.i[e], d.g[e], dcPrev[e]) = (r.dO, r.dF, r.dI, r.dG, r.dcPrev)
            e += 1
        }
    }
}

/// The four gates of the LSTM cell in the paper's order [o, f, i, g]: also the order of the
/// four h-channel groups of every gate map (both LSTMs, their traces and pictures).
public enum LSTMGate: Int, CaseIterable, Sendable {
    case o, f, i, g

    /// Its name in words.
    public var name: String {
        switch self {
        case .o: return "output gate"
        case .f: return "forget gate"
        case .i: return "input gate"
        case .g: return "content gate"
        }
    }

    /// The nonlinearity applied to it: σ for o, f, i; tanh for g.
    public var activationName: String { self == .g ? "tanh" : "σ" }

    /// Its channels within a 4h-channel gate map.
    public func channels(hidden h: Int) -> Range<Int> { (rawValue * h)..<((rawValue + 1) * h) }
}

/// Where the four gate rows [o, f, i, g] of a run of states are.
struct LSTMGateRows<P> {
    var o: P, f: P, i: P, g: P
}

extension LSTMGateRows where P == UnsafeMutablePointer<Float> {
    /// The same rows, read-only.
    var readOnly: LSTMGateRows<UnsafePointer<Float>> { .init(o: UnsafePointer(o), f: UnsafePointer(f), i: UnsafePointer(i), g: UnsafePointer(g)) }
}

/// Float or four Floats at once (SIMD4): the arithmetic the cell's backward formula needs.
protocol LSTMLane {
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static var one: Self { get }
}

extension Float: LSTMLane {
    static var one: Float { 1 }
}

extension SIMD4: LSTMLane where Scalar == Float {
    static var one: SIMD4<Float> { SIMD4(repeating: 1) }

    /// The four values at p[j], p[j+1], p[j+2], p[j+3].
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ j: Int) -> SIMD4<Float> {
        UnsafeRawPointer(p + j).loadUnaligned(as: SIMD4<Float>.self)
    }

    /// Writes the four values to p[j], …, p[j+3].
    @inline(__always)
    func store(_ p: UnsafeMutablePointer<Float>, _ j: Int) {
        UnsafeMutableRawPointer(p + j).storeBytes(of: self, as: SIMD4<Float>.self)
    }
}
