import Foundation

/// Where an ```expect block stopped matching a cell's output.
public struct OutputMismatch: Equatable {
    /// The index in the expect block of the first line that could not be matched.
    public var expectedIndex: Int
    /// That expected line, as written.
    public var expected: String
    /// The output line found where it was expected, or the nearest output line
    /// when it was expected anywhere; nil at the end of the output.
    public var actual: String?
    /// True when `actual` is the nearest line (the expected line was free to match
    /// anywhere), false when it is the line right where the expected one had to be.
    public var actualIsNearest: Bool
}

/// Matches an ```expect block against the lines a cell printed.
///
/// The block describes a run of consecutive output lines: each expected line
/// matches one output line, in order, with no line in between, except where a
/// `...` line allows any number of lines. The run may start and end anywhere in
/// the output ("the output must contain these lines").
public enum OutputMatcher {
    /// nil when `output` contains the expected lines; else the first mismatch of
    /// the alignment that got furthest.
    public static func mismatch(expected: [ExpectedLine], output: [String]) -> OutputMismatch? {
        guard !expected.isEmpty else { return nil }
        var search = Search(expected: [.skip] + expected, output: output)
        guard let failure = search.run(0, 0) else { return nil }
        let e = failure.expectedIndex - 1
        let line = expected[e]
        let freeToMatchAnywhere = expected[..<e].last.map { $0 == .skip } ?? true
        if freeToMatchAnywhere {
            return OutputMismatch(expectedIndex: e, expected: line.description,
                                  actual: nearest(to: line, in: output, from: failure.outputIndex),
                                  actualIsNearest: true)
        }
        let actual = failure.outputIndex < output.count ? output[failure.outputIndex] : nil
        return OutputMismatch(expectedIndex: e, expected: line.description, actual: actual, actualIsNearest: false)
    }

    /// The output line (from `start` on) closest to the expected line by edit distance.
    static func nearest(to line: ExpectedLine, in output: [String], from start: Int) -> String? {
        let candidates = output[min(start, output.count)...].filter { !$0.isEmpty }
        let target = line.description
        return candidates.min { Suggestions.editDistance($0, target) < Suggestions.editDistance($1, target) }
    }
}

/// Depth-first alignment of expected lines against output lines, remembering the
/// furthest failure (the expected line that could not be matched).
private struct Search {
    struct Failure { var expectedIndex: Int; var outputIndex: Int }

    let expected: [ExpectedLine]
    let output: [String]
    private var visited = Set<Int>()
    private var furthest: Failure?

    init(expected: [ExpectedLine], output: [String]) {
        self.expected = expected
        self.output = output
    }

    /// nil on success; else the furthest failure.
    mutating func run(_ e: Int, _ o: Int) -> Failure? {
        if align(e, o) { return nil }
        return furthest
    }

    /// True when expected[e...] matches output[o...] (the run may end anywhere).
    private mutating func align(_ e: Int, _ o: Int) -> Bool {
        if e == expected.count { return true }
        guard visited.insert(e * (output.count + 1) + o).inserted else { return false }
        if expected[e] == .skip {
            for next in o...output.count where align(e + 1, next) { return true }
            return false
        }
        if o < output.count, expected[e].matches(output[o]) { return align(e + 1, o + 1) }
        note(Failure(expectedIndex: e, outputIndex: o))
        return false
    }

    private mutating func note(_ failure: Failure) {
        guard let best = furthest else { furthest = failure; return }
        if failure.expectedIndex > best.expectedIndex { furthest = failure }
    }
}
