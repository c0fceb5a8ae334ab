/// "Did you mean …?": the known words nearest to a mistyped one.
///
/// Used for unknown commands, sub-commands and options; commands may use it for
/// their own fixed values (`model new pixlcnn` → `pixelcnn`).
public enum Suggestions {
    /// Levenshtein distance between two strings — the fewest single-character
    /// insertions, deletions and substitutions turning one into the other — where
    /// swapping two neighbouring characters also counts as one edit (`hlep` → `help`;
    /// the "optimal string alignment" variant).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        // d[i][j]: distance between the first i characters of x and the first j of y.
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }

    /// How many edits a word of this length may be away from a suggestion.
    static func allowedDistance(_ length: Int) -> Int {
        length <= 3 ? 1 : (length <= 7 ? 2 : 3)
    }

    /// The candidates nearest to `word` (at most `limit`, ties sorted by name),
    /// ignoring case: an exact match; else the candidates that start with `word`
    /// (or that `word` starts with); else those at the smallest edit distance, if
    /// it is small for the word's length (1 up to 3 letters, 2 up to 7, else 3).
    /// Empty when nothing is close.
    public static func nearest(to word: String, among candidates: [String], limit: Int = 3) -> [String] {
        let w = word.lowercased()
        guard !w.isEmpty else { return [] }
        var scored: [(score: Int, name: String)] = []
        for candidate in candidates {
            let c = candidate.lowercased()
            if c == w {
                scored.append((-1, candidate))
            } else if c.hasPrefix(w) || (w.hasPrefix(c) && c.count >= 2) {
                scored.append((0, candidate))
            } else if abs(w.count - c.count) <= allowedDistance(w.count) {   // else the distance is larger
                let d = editDistance(w, c)
                if d <= allowedDistance(w.count) { scored.append((d, candidate)) }
            }
        }
        guard let best = scored.map(\.score).min() else { return [] }
        var seen = Set<String>()
        return scored
            .filter { $0.score == best }
            .map(\.name)
            .sorted()
            .filter { seen.insert($0).inserted }
            .prefix(limit)
            .map { $0 }
    }

    /// `" — did you mean 'x'?"`, `" — did you mean 'x' or 'y'?"`, or `fallback`
    /// (which should start with `" — "` when not empty) when nothing is close.
    /// `quote` builds the shown form of a candidate (e.g. `data show`).
    public static func didYouMean(_ word: String, among candidates: [String], fallback: String = "",
                                  quote: (String) -> String = { $0 }) -> String {
        let near = nearest(to: word, among: candidates)
        guard !near.isEmpty else { return fallback }
        let shown = near.map { "'\(quote($0))'" }
        if shown.count == 1 { return " — did you mean \(shown[0])?" }
        return " — did you mean " + shown.dropLast().joined(separator: ", ") + " or " + shown.last! + "?"
    }
}
