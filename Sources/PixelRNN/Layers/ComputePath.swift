/// Which of its two paths every layer and block takes — the one switch for all of them.
///
/// Several computations exist twice (the table in Sources/PixelRNN/README.md): a plain path
/// written like the paper's equations, and a fast path (im2col + GEMM, packed memory, fused
/// loops, threads, vectorised σ and tanh) that gives the same numbers up to the order of Float
/// additions and a few ulp of σ and tanh. `Conv2d`, `RowStateToState`, the Row LSTM block, the
/// Diagonal LSTM (its walks included) and the incremental sampling states all read
/// `ComputePath.current` — a layer when it runs, a walk or a sampling state when it is made —
/// so tests run both paths through `ComputePath.with`.
public enum ComputePath: Sendable {
    /// The paths written like the equations.
    case plain
    /// The fast paths (the default).
    case fast

    /// The path every layer takes now.
    nonisolated(unsafe) public static var current: ComputePath = .fast

    /// True when the fast paths are on.
    static var isFast: Bool { current == .fast }

    /// `body()` with every layer on `path`; the previous choice is restored afterwards.
    public static func with<T>(_ path: ComputePath, _ body: () throws -> T) rethrows -> T {
        let before = current
        current = path
        defer { current = before }
        return try body()
    }
}
