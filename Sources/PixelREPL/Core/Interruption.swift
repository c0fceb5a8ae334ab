import Foundation
import PixelRNN
import Synchronization

/// Set by the SIGINT handler, read by the shell and by long-running commands.
/// An atomic so that the signal handler may store into it safely.
private let interruptFlag = Atomic<Bool>(false)
/// True while an interactive command runs: the handler then ends the terminal's
/// echoed `^C` with a newline, so what the command prints next starts a line.
private let newlineOnInterrupt = Atomic<Bool>(false)
/// One newline byte, allocated before the handler is installed (no allocation in it).
private let newlineByte: UnsafeMutablePointer<UInt8> = {
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    p.pointee = 10
    return p
}()

/// Ctrl-C: interrupts the running command, never the program.
///
/// The executable installs a SIGINT handler (`installHandler()`) that only sets a
/// flag. The shell clears the flag before each command. A long-running command
/// polls it:
///
/// ```swift
/// for step in 0..<steps {
///     try Interruption.check()          // throws CommandError("interrupted (Ctrl-C)")
///     …
/// }
/// ```
///
/// or, to stop gracefully and keep what it has (training keeps the model):
///
/// ```swift
/// try trainer.run(shouldStop: Interruption.shouldStop)   // a library loop polls it
/// if Interruption.requested { session.say("stopped at step \(n) (Ctrl-C)") }
/// ```
///
/// The PixelRNN library itself knows nothing of signals: it takes a
/// `() -> Bool` closure, and `shouldStop` is that closure.
public enum Interruption {
    /// True once Ctrl-C has been pressed since the current command started.
    /// Setting it is allowed (tests simulate Ctrl-C with `requested = true`).
    public static var requested: Bool {
        get { interruptFlag.load(ordering: .relaxed) }
        set { interruptFlag.store(newValue, ordering: .relaxed) }
    }

    /// Forgets a pending Ctrl-C (the shell calls this before every command).
    public static func clear() { requested = false }

    /// Throws `CommandError("interrupted (Ctrl-C)")` when Ctrl-C was pressed.
    public static func check() throws {
        if requested { throw CommandError("interrupted (Ctrl-C)") }
    }

    /// A closure for library loops: returns true once Ctrl-C was pressed.
    public static let shouldStop: () -> Bool = { Interruption.requested }

    /// Runs `body` (which passes `shouldStop` to a library loop), turning the library's
    /// `Stopped` into `CommandError("interrupted (Ctrl-C): stopped after 48 of 4000 images")`.
    /// The command has changed nothing yet when it calls this, so nothing needs undoing.
    public static func stoppable<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let stopped as Stopped {
            throw CommandError("interrupted (Ctrl-C): \(stopped)")
        }
    }

    /// Installs the SIGINT handler (once; the executable calls it at start).
    /// The handler only stores into an atomic flag, which is async-signal-safe.
    /// No `SA_RESTART`: a blocking read or poll returns `EINTR`, so the shell
    /// notices Ctrl-C at the prompt and in batch mode.
    public static func installHandler() {
        // Initialise the globals before any signal can arrive.
        _ = interruptFlag.load(ordering: .relaxed)
        _ = newlineOnInterrupt.load(ordering: .relaxed)
        _ = newlineByte
        installSignalHandler(SIGINT) { _ in
            interruptFlag.store(true, ordering: .relaxed)
            if newlineOnInterrupt.load(ordering: .relaxed) { _ = write(STDOUT_FILENO, newlineByte, 1) }
        }
    }

    /// Whether Ctrl-C also prints a newline (the interactive shell sets it while a
    /// command runs, and clears it at the prompt).
    static var printsNewline: Bool {
        get { newlineOnInterrupt.load(ordering: .relaxed) }
        set { newlineOnInterrupt.store(newValue, ordering: .relaxed) }
    }
}

/// Installs `handler` for `signal` with `sigaction`, without `SA_RESTART`.
func installSignalHandler(_ signal: Int32, _ handler: @escaping @convention(c) (Int32) -> Void) {
    var action = sigaction()
    #if os(Linux)
    action.__sigaction_handler.sa_handler = handler
    #else
    action.__sigaction_u.__sa_handler = handler
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(signal, &action, nil)
}
