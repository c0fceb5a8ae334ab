/// Which OpenBLAS kernel family this program should run, decided from the processor's
/// features — never from a list of processor model numbers.
///
/// OpenBLAS built with `DYNAMIC_ARCH` (as Debian builds it) picks a kernel family when it
/// is loaded, from a table of processors it knew when it was released. On a newer
/// processor it may fall back to a family far narrower than the processor allows
/// (OpenBLAS 0.3.21 runs its SSE "Prescott" kernels on an AVX-512 Xeon of family 6 model
/// 207, at less than half the speed). The environment variable `OPENBLAS_CORETYPE`, read
/// when the library is loaded, forces a family; so the decision is made at start, before
/// any matrix product, and applied by starting the program once more with the variable
/// set (`BLASKernelStartup`).
///
/// The rule: the family's vector level (SSE < AVX < AVX2 < AVX-512) is compared with
/// the widest level the processor's flags allow; only a narrower family is replaced, by
/// the canonical family of the processor's level (SkylakeX, Haswell, Sandybridge). A
/// value of `OPENBLAS_CORETYPE` that the user set is never overridden; a family this
/// table does not know is left alone; an OpenBLAS without `DYNAMIC_ARCH` cannot switch.
public enum BLASKernelChoice {
    /// What to do at start.
    public enum Decision: Equatable, Sendable {
        /// Restart with `OPENBLAS_CORETYPE = core`: OpenBLAS alone picked `instead`, a
        /// family of a narrower level than the processor's `level`.
        case use(core: String, instead: String, level: VectorLevel)
        /// Keep what OpenBLAS runs, and why.
        case keep(Reason)
    }

    /// Why the kernel OpenBLAS runs is kept.
    public enum Reason: Equatable, Sendable {
        /// `OPENBLAS_CORETYPE` was set by the user to this value.
        case userChose(String)
        /// The family is as wide as the processor allows (or wider).
        case matchesProcessor
        /// A family name this table does not know: nothing is assumed about it.
        case unknownFamily
        /// This OpenBLAS was built for one processor (no `DYNAMIC_ARCH`): it cannot switch.
        case notDynamic
    }

    /// The vector level of each OpenBLAS x86-64 kernel family (names as
    /// `openblas_get_corename()` spells them; compared without regard to case).
    public static let familyLevels: [String: VectorLevel] = {
        var levels: [String: VectorLevel] = [:]
        for name in ["Katmai", "Coppermine", "Northwood", "Prescott", "Banias", "Atom", "Core2", "Penryn", "Dunnington",
                     "Nehalem", "Athlon", "Opteron", "Opteron_SSE3", "Barcelona", "Nano", "Bobcat"] { levels[name.lowercased()] = .sse }
        for name in ["Sandybridge", "Bulldozer", "Piledriver", "Steamroller"] { levels[name.lowercased()] = .avx }
        for name in ["Haswell", "Zen", "Excavator"] { levels[name.lowercased()] = .avx2 }
        for name in ["SkylakeX", "Cooperlake", "SapphireRapids"] { levels[name.lowercased()] = .avx512 }
        return levels
    }()

    /// The family that makes the best use of each level.
    public static func canonicalFamily(_ level: VectorLevel) -> String? {
        switch level {
        case .sse: return nil
        case .avx: return "Sandybridge"
        case .avx2: return "Haswell"
        case .avx512: return "SkylakeX"
        }
    }

    /// The decision for a processor with `features`, on which OpenBLAS (built with
    /// `configuration`, e.g. "OpenBLAS 0.3.21 … DYNAMIC_ARCH …") picked `activeFamily`,
    /// with `OPENBLAS_CORETYPE` as the environment has it (nil or empty: not set).
    public static func decide(features: CPUFeatures, activeFamily: String, userCoreType: String?,
                              configuration: String) -> Decision {
        if let user = userCoreType, !user.isEmpty { return .keep(.userChose(user)) }
        guard configuration.contains("DYNAMIC_ARCH") else { return .keep(.notDynamic) }
        guard let active = familyLevels[activeFamily.lowercased()] else { return .keep(.unknownFamily) }
        let best = features.vectorLevel
        guard active < best, let family = canonicalFamily(best) else { return .keep(.matchesProcessor) }
        return .use(core: family, instead: activeFamily, level: best)
    }
}
