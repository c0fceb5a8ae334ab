import CBLAS
import Foundation

/// What runs this program's matrix products: the BLAS library, its version and build,
/// the kernel family in use, the thread count, and how the family was chosen. Read from
/// OpenBLAS itself (`openblas_get_config`, `openblas_get_corename`), so it says what
/// runs, not what was asked for.
public struct BLASRuntime: Equatable, Sendable {
    /// "OpenBLAS".
    public var library: String
    /// "0.3.21", or "unknown".
    public var version: String
    /// The whole build string, e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".
    public var configuration: String
    /// The kernel family running now, e.g. "SkylakeX".
    public var kernel: String
    /// Threads OpenBLAS may use for one product (pixelrnn sets it to 1 while it splits
    /// work between the cores itself).
    public var threads: Int
    /// How `kernel` came to run.
    public var choice: Choice

    /// How the kernel family was chosen.
    public enum Choice: Equatable, Sendable {
        /// pixelrnn set `OPENBLAS_CORETYPE` at start: OpenBLAS alone had picked `instead`.
        case chosenByPixelRNN(instead: String, level: VectorLevel)
        /// `OPENBLAS_CORETYPE` was set by the user; `processorAllows` is the canonical
        /// family of the processor's level when that is wider than the user's choice.
        case userChose(processorAllows: String?)
        /// OpenBLAS's own choice, kept: it matches the processor (or cannot be changed).
        case openBLAS(BLASKernelChoice.Reason)
        /// pixelrnn wanted `wanted` but OpenBLAS runs another family (it refused it).
        case refused(wanted: String)
        /// This process did not go through `BLASKernelStartup` (a test runner, a program
        /// linking the library): the program would have chosen `wanted` at start.
        case wouldChoose(wanted: String)
    }

    /// The BLAS of this process, now.
    public static func current() -> BLASRuntime {
        let configuration = openblas_get_config().map { String(cString: $0) } ?? "unknown"
        let kernel = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        let words = configuration.split(separator: " ")
        let version = words.count >= 2 && words[0] == "OpenBLAS" ? String(words[1]) : "unknown"
        return BLASRuntime(library: "OpenBLAS", version: version, configuration: configuration, kernel: kernel,
                           threads: Int(openblas_get_num_threads()), choice: choice(kernel: kernel, configuration: configuration))
    }

    private static func choice(kernel: String, configuration: String) -> Choice {
        let environment = ProcessInfo.processInfo.environment
        if let instead = environment[BLASKernelStartup.restartedVariable],
           let wanted = environment["OPENBLAS_CORETYPE"], !wanted.isEmpty {
            guard wanted.lowercased() == kernel.lowercased() else { return .refused(wanted: wanted) }
            return .chosenByPixelRNN(instead: instead, level: BLASKernelChoice.familyLevels[kernel.lowercased()] ?? .sse)
        }
        let features = CPUFeatures.current()
        switch BLASKernelChoice.decide(features: features, activeFamily: kernel, userCoreType: environment["OPENBLAS_CORETYPE"],
                                       configuration: configuration) {
        case .keep(.userChose):
            let active = BLASKernelChoice.familyLevels[kernel.lowercased()] ?? .sse
            let best = features.vectorLevel
            return .userChose(processorAllows: active < best ? BLASKernelChoice.canonicalFamily(best) : nil)
        case .keep(let reason):
            return .openBLAS(reason)
        case .use(let core, _, _):
            return .wouldChoose(wanted: core)            // no restart ran in this process
        }
    }
}

/// Applies `BLASKernelChoice` at the start of the program: if OpenBLAS picked a family
/// narrower than the processor allows, the program is started once more — the same
/// executable, the same arguments and standard streams — with `OPENBLAS_CORETYPE` set,
/// so that the library loads with the right kernels from its first product on.
///
/// The restarted process carries `PIXELRNN_BLAS_RESTARTED` (the family OpenBLAS had
/// picked), which stops a second restart and tells `BLASRuntime` what happened. If the
/// restart fails, the program goes on with OpenBLAS's own choice.
public enum BLASKernelStartup {
    /// Set in the restarted process: the family OpenBLAS had picked on its own.
    public static let restartedVariable = "PIXELRNN_BLAS_RESTARTED"
    /// For tests of the restart only: the family to pretend that OpenBLAS picked.
    public static let pretendVariable = "PIXELRNN_TEST_OPENBLAS_PICKED"

    /// Call first thing in `main`, before any matrix product. Returns only if no restart
    /// is needed or the restart failed.
    public static func restartWithBetterKernelIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        guard environment[restartedVariable] == nil else { return }
        let active = environment[pretendVariable] ?? openblas_get_corename().map { String(cString: $0) } ?? ""
        let configuration = openblas_get_config().map { String(cString: $0) } ?? ""
        let decision = BLASKernelChoice.decide(features: .current(), activeFamily: active,
                                               userCoreType: environment["OPENBLAS_CORETYPE"], configuration: configuration)
        guard case .use(let core, let instead, _) = decision else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(restartedVariable, instead, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")                    // execv failed: go on as we are
        unsetenv(restartedVariable)
    }
}
