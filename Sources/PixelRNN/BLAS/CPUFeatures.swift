import Foundation

/// The instruction-set features of the processor this program runs on, as the Linux
/// kernel reports them in `/proc/cpuinfo` (the `flags` line of the first processor:
/// `avx2`, `fma`, `avx512f`, …), with the processor's model name.
///
/// The kernel lists a feature only when it also saves its registers on a context switch,
/// so a listed AVX-512 flag is one the program may use. Where `/proc/cpuinfo` cannot be
/// read (not Linux, or a sandbox without /proc) the set is empty and nothing is assumed.
public struct CPUFeatures: Equatable, Sendable {
    /// The flags, lower case, as the kernel spells them.
    public var flags: Set<String>
    /// "AMD EPYC 9B45", "Intel(R) Xeon(R) Platinum 8488C", … or "unknown".
    public var modelName: String

    public init(flags: Set<String>, modelName: String = "unknown") {
        self.flags = flags
        self.modelName = modelName
    }

    /// The features of this machine (read once per call; at most the first 64 KiB).
    public static func current() -> CPUFeatures {
        guard let handle = FileHandle(forReadingAtPath: "/proc/cpuinfo") else { return CPUFeatures(flags: []) }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 1 << 16)) ?? Data()
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// The features named in a `/proc/cpuinfo` text (its first processor's block).
    public static func parse(_ cpuinfo: String) -> CPUFeatures {
        var flags: Set<String> = []
        var model = "unknown"
        for line in cpuinfo.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty && !flags.isEmpty { break }               // end of the first processor
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if key == "flags" && flags.isEmpty { flags = Set(value.split(separator: " ").map { $0.lowercased() }) }
            if key == "model name" && model == "unknown" { model = value }
        }
        return CPUFeatures(flags: flags, modelName: model)
    }

    /// The widest vector instruction set that the features allow for single-precision
    /// matrix products.
    public var vectorLevel: VectorLevel {
        if VectorLevel.avx512.requiredFlags.isSubset(of: flags) { return .avx512 }
        if VectorLevel.avx2.requiredFlags.isSubset(of: flags) { return .avx2 }
        if VectorLevel.avx.requiredFlags.isSubset(of: flags) { return .avx }
        return .sse
    }
}

/// How wide the vector units are that a matrix-multiply kernel uses, from narrowest to
/// widest. A kernel family belongs to one level; a processor supports the levels whose
/// flags it has.
public enum VectorLevel: Int, Comparable, Sendable, CaseIterable {
    /// 128-bit SSE (every x86-64 processor): OpenBLAS's Prescott, Core2, Nehalem, …
    case sse
    /// 256-bit AVX without FMA: Sandybridge, Bulldozer.
    case avx
    /// 256-bit AVX2 with fused multiply-add: Haswell, Zen.
    case avx2
    /// 512-bit AVX-512 (F, CD, BW, DQ, VL, as Skylake-X has them): SkylakeX, Cooperlake, SapphireRapids.
    case avx512

    public static func < (a: VectorLevel, b: VectorLevel) -> Bool { a.rawValue < b.rawValue }

    /// The `/proc/cpuinfo` flags a processor needs for this level.
    public var requiredFlags: Set<String> {
        switch self {
        case .sse: return []
        case .avx: return ["avx"]
        case .avx2: return ["avx", "avx2", "fma"]
        case .avx512: return ["avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        }
    }

    /// What a person calls it: "AVX-512", "AVX2", "AVX", "SSE".
    public var name: String {
        switch self {
        case .sse: return "SSE"
        case .avx: return "AVX"
        case .avx2: return "AVX2"
        case .avx512: return "AVX-512"
        }
    }
}
