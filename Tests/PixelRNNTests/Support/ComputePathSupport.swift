@testable import PixelRNN

/// Runs `body` with every layer and block on its fast path (`fast`) or its plain one, through
/// the one switch the library has (`ComputePath`); the previous choice is restored afterwards.
func withComputePath<T>(fast: Bool, _ body: () throws -> T) rethrows -> T {
    try ComputePath.with(fast ? .fast : .plain, body)
}
