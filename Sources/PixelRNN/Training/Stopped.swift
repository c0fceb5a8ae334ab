/// What a library loop throws when its `shouldStop` closure returned true: the work is
/// abandoned part way and nothing it would have produced is kept.
///
/// Long loops (evaluation minibatches, a network's blocks, receptive-field trials)
/// take `shouldStop: () -> Bool` and ask it between steps; the REPL passes Ctrl-C's
/// flag (`Interruption.shouldStop`). The library itself knows nothing of signals.
public struct Stopped: Error, Equatable, Sendable, CustomStringConvertible {
    /// How many steps were finished before stopping.
    public var done: Int
    /// How many there were to do.
    public var total: Int
    /// What a step is, plural ("images", "trials", "blocks").
    public var unit: String

    /// A stop after `done` of `total` steps of `unit`.
    public init(done: Int, of total: Int, _ unit: String) {
        self.done = done
        self.total = total
        self.unit = unit
    }

    /// `stopped after 48 of 4000 images`.
    public var description: String { "stopped after \(done) of \(total) \(unit)" }

    /// Throws `Stopped(done, of: total, unit)` when `shouldStop()` is true.
    public static func check(_ shouldStop: () -> Bool, done: Int, of total: Int, _ unit: String) throws {
        if shouldStop() { throw Stopped(done: done, of: total, unit) }
    }
}
