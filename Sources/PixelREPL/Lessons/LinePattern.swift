import Foundation

/// The regular expression of a `~ pattern` line of an expect block, matched without
/// backtracking: the pattern becomes a Thompson automaton, and a line is read once,
/// keeping the set of automaton states it can be in. Matching takes at most
/// (line length × pattern size) steps — `(.*)*(.*)*Z` on a long line included, which
/// made a backtracking engine spin for a minute — and stops when Ctrl-C is pressed.
///
/// The syntax is the usual one, on Unicode scalars: literals; `.`; classes `[a-z0-9.]`,
/// `[^…]`; `\d \w \s` (and `\D \W \S`), `\t`, `\n` and escaped punctuation; groups `(…)`
/// and `(?:…)`; `|`; `*`, `+`, `?` (a lazy `?` after them is accepted, and means the
/// same for a whole-line match); `{n}`, `{n,}`, `{n,m}` up to 100. `^` and `$` are
/// accepted at the ends. A pattern matches a line as a whole.
struct LinePattern {
    /// One automaton state: read a scalar the test accepts, fork, or accept.
    private enum State {
        case scalar((Unicode.Scalar) -> Bool, next: Int)
        case split(Int, Int)
        case accept
    }

    /// The longest pattern accepted (so that one line's match stays cheap).
    static let maxLength = 2_000

    private var states: [State] = []
    private var start = 0
    private var compileSteps = 0

    /// nil when `pattern` is not a regular expression of this syntax.
    init?(_ pattern: String) {
        guard pattern.unicodeScalars.count <= LinePattern.maxLength else { return nil }
        var parser = PatternParser(Array(pattern.unicodeScalars))
        guard let tree = parser.parse() else { return nil }
        let accept = add(.accept)
        start = compile(tree, then: accept)
        guard states.count <= LinePattern.maxStates, compileSteps <= LinePattern.maxCompileSteps else { return nil }
    }

    /// The most automaton states a pattern may have (`(a{100}){100}` and the like are refused).
    static let maxStates = 20_000
    /// The most steps compiling a pattern may take.
    static let maxCompileSteps = 100_000

    /// True when the whole `line` matches; false also when Ctrl-C stopped the match.
    func matches(_ line: String) -> Bool {
        var current = closure(of: [start])
        var work = 0                                  // states visited since the last Ctrl-C check
        for scalar in line.unicodeScalars {
            if current.isEmpty { return false }
            work += current.count
            if work >= 1 << 16 {                      // every 65,536 states: a few ms at most
                if Interruption.requested { return false }
                work = 0
            }
            var next: [Int] = []
            for s in current {
                if case .scalar(let accepts, let to) = states[s], accepts(scalar) { next.append(to) }
            }
            current = closure(of: next)
        }
        return current.contains { if case .accept = states[$0] { return true } else { return false } }
    }

    /// The states reachable from `seeds` through forks, without repeats.
    private func closure(of seeds: [Int]) -> [Int] {
        var seen = Set<Int>(), stack = seeds, out: [Int] = []
        while let s = stack.popLast() {
            guard seen.insert(s).inserted else { continue }
            if case .split(let a, let b) = states[s] { stack.append(b); stack.append(a) } else { out.append(s) }
        }
        return out
    }

    private mutating func add(_ state: State) -> Int {
        guard states.count <= LinePattern.maxStates else { return 0 }   // too big: `init` fails
        states.append(state)
        return states.count - 1
    }

    /// The states of `node`, leading to `next`; returns its entry state. Stops at once
    /// when the automaton is already too big: a quantified quantifier (`x++++…`, each `+`
    /// a copy of what it repeats) would otherwise be walked 2ⁿ times for nothing.
    /// Empty groups add no state, so the compile steps are counted too (`(?:()){100}`
    /// nested five deep is 10¹⁰ steps and no state).
    private mutating func compile(_ node: PatternNode, then next: Int) -> Int {
        compileSteps += 1
        guard states.count <= LinePattern.maxStates, compileSteps <= LinePattern.maxCompileSteps else { return 0 }   // `init` fails
        switch node {
        case .test(let accepts):
            return add(.scalar(accepts, next: next))
        case .sequence(let parts):
            var entry = next
            for part in parts.reversed() { entry = compile(part, then: entry) }
            return entry
        case .choice(let a, let b):
            return add(.split(compile(a, then: next), compile(b, then: next)))
        case .optional(let inner):
            return add(.split(compile(inner, then: next), next))
        case .star(let inner):
            let fork = add(.split(0, next))          // patched below: first branch is the body
            let body = compile(inner, then: fork)
            states[fork] = .split(body, next)
            return fork
        }
    }
}

/// A parsed pattern.
private indirect enum PatternNode {
    case test((Unicode.Scalar) -> Bool)
    case sequence([PatternNode])
    case choice(PatternNode, PatternNode)
    case optional(PatternNode)
    case star(PatternNode)
}

/// Recursive descent over the pattern's scalars; nil on any syntax it does not know.
private struct PatternParser {
    let p: [Unicode.Scalar]
    var i = 0
    var depth = 0

    init(_ p: [Unicode.Scalar]) { self.p = p }

    mutating func parse() -> PatternNode? {
        if p.first == "^" { i = 1 }
        guard let node = alternation(), i == p.count else { return nil }
        return node
    }

    private var peek: Unicode.Scalar? { i < p.count ? p[i] : nil }

    private mutating func alternation() -> PatternNode? {
        guard var node = sequence() else { return nil }
        while peek == "|" {
            i += 1
            guard let other = sequence() else { return nil }
            node = .choice(node, other)
        }
        return node
    }

    private mutating func sequence() -> PatternNode? {
        var parts: [PatternNode] = []
        while let c = peek, c != "|", c != ")" {
            if c == "$" && i == p.count - 1 { i += 1; break }
            guard let atom = atom(), let quantified = quantifier(atom) else { return nil }
            parts.append(quantified)
        }
        return .sequence(parts)
    }

    private mutating func quantifier(_ atom: PatternNode) -> PatternNode? {
        var node = atom
        while let c = peek, "*+?{".unicodeScalars.contains(c) {
            i += 1
            switch c {
            case "*": node = .star(node)
            case "+": node = .sequence([node, .star(node)])
            case "?": node = .optional(node)
            default:
                guard let (low, high) = bounds() else { return nil }
                let required = Array(repeating: node, count: low)
                let extra: [PatternNode] = high.map { Array(repeating: .optional(node), count: $0 - low) } ?? [.star(node)]
                node = .sequence(required + extra)
            }
            if peek == "?" { i += 1 }             // lazy: the same for a whole-line match
        }
        return node
    }

    /// `{n}`, `{n,}`, `{n,m}` after the `{`; n ≤ m ≤ 100.
    private mutating func bounds() -> (Int, Int?)? {
        guard let low = number() else { return nil }
        var high: Int? = low
        if peek == "," { i += 1; high = peek == "}" ? nil : number(); if high == nil && peek != "}" { return nil } }
        guard peek == "}" else { return nil }
        i += 1
        if let high, high < low { return nil }
        return (low, high)
    }

    private mutating func number() -> Int? {
        var digits = ""
        while let c = peek, ("0"..."9").contains(c), digits.count < 4 { digits.unicodeScalars.append(c); i += 1 }
        guard let n = Int(digits), n <= 100 else { return nil }
        return n
    }

    private mutating func atom() -> PatternNode? {
        guard let c = peek else { return nil }
        i += 1
        switch c {
        case ".": return .test { $0 != "\n" }
        case "(":
            depth += 1
            guard depth <= 100 else { return nil }
            if peek == "?" {
                guard i + 1 < p.count, p[i + 1] == ":" else { return nil }
                i += 2
            }
            guard let inner = alternation(), peek == ")" else { return nil }
            i += 1
            depth -= 1
            return inner
        case "[": return characterClass()
        case "\\": return escape(inClass: false).map { test in .test(test) }
        case "*", "+", "?", "{", ")", "|": return nil
        default: return .test { $0 == c }
        }
    }

    /// After `\`: a class (`\d`) or one literal scalar.
    private mutating func escape(inClass: Bool) -> ((Unicode.Scalar) -> Bool)? {
        guard let c = peek else { return nil }
        i += 1
        switch c {
        case "d": return { ("0"..."9").contains($0) }
        case "D": return { !("0"..."9").contains($0) }
        case "w": return { CharacterSet.alphanumerics.contains($0) || $0 == "_" }
        case "W": return { !(CharacterSet.alphanumerics.contains($0) || $0 == "_") }
        case "s": return { CharacterSet.whitespacesAndNewlines.contains($0) }
        case "S": return { !CharacterSet.whitespacesAndNewlines.contains($0) }
        case "t": return { $0 == "\t" }
        case "n": return { $0 == "\n" }
        default:
            // Only punctuation and symbols may be escaped (a backreference \1 or \b is not supported).
            guard !CharacterSet.alphanumerics.contains(c) else { return nil }
            return { $0 == c }
        }
    }

    /// After `[`: members up to `]`, ranges `a-z`, a leading `^` negates.
    private mutating func characterClass() -> PatternNode? {
        var negated = false
        if peek == "^" { negated = true; i += 1 }
        var tests: [(Unicode.Scalar) -> Bool] = []
        var first = true
        while let c = peek, c != "]" || first {
            first = false
            i += 1
            if c == "\\" {
                guard let test = escape(inClass: true) else { return nil }
                tests.append(test)
                continue
            }
            if peek == "-", i + 1 < p.count, p[i + 1] != "]" {
                let high = p[i + 1]
                guard c <= high, high != "\\" else { return nil }
                i += 2
                tests.append { (c...high).contains($0) }
            } else {
                tests.append { $0 == c }
            }
        }
        guard peek == "]" else { return nil }
        i += 1
        return .test { s in tests.contains { $0(s) } != negated }
    }
}
