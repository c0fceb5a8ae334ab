/// The grids of `study` (issue 15): small models that differ in one thing, trained alike
/// (`Trainer`) and evaluated alike (`Evaluation`), to compare their NLLs the way the
/// paper's tables do.
public enum StudyGrid {
    /// The most runs one study may have.
    public static let maxRuns = 16

    /// `study depth`: one model of `kind` per depth, the default connections.
    public static func depth(_ kind: ModelKind, layers: [Int], hidden: Int) -> [ModelConfig] {
        layers.map { ModelConfig(kind: kind, layers: $0, hidden: hidden) }
    }

    /// `study residual`: the paper's 2×2 table (Table 3) at one depth: residual × skip
    /// connections, in the order (off, off), (off, on), (on, off), (on, on).
    public static func residual(_ kind: ModelKind, layers: Int, hidden: Int) -> [ModelConfig] {
        [(false, false), (false, true), (true, false), (true, true)].map {
            ModelConfig(kind: kind, layers: layers, hidden: hidden, residual: $0.0, skip: $0.1)
        }
    }
}
