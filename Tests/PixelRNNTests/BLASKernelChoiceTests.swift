import PixelRNN
import XCTest

/// `BLASKernelChoice.decide` on a table of processors and OpenBLAS choices, and the
/// `/proc/cpuinfo` reading behind it.
final class BLASKernelChoiceTests: XCTestCase {
    static let dynamic = "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Prescott MAX_THREADS=64"
    static let sse: Set<String> = ["fpu", "sse", "sse2", "ssse3", "sse4_1", "sse4_2", "popcnt"]
    static let avx = sse.union(["avx", "f16c"])
    static let avx2 = avx.union(["avx2", "fma", "bmi2"])
    static let avx512 = avx2.union(["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"])

    func decide(_ flags: Set<String>, _ active: String, user: String? = nil,
                configuration: String = dynamic) -> BLASKernelChoice.Decision {
        BLASKernelChoice.decide(features: CPUFeatures(flags: flags), activeFamily: active, userCoreType: user,
                                configuration: configuration)
    }

    func testTheTable() {
        typealias D = BLASKernelChoice.Decision
        let table: [(String, Set<String>, String, String?, D)] = [
            // the Xeon of issue 12: AVX-512, and OpenBLAS 0.3.21 falls back to Prescott
            ("AVX-512, Prescott", Self.avx512, "Prescott", nil, .use(core: "SkylakeX", instead: "Prescott", level: .avx512)),
            ("AVX-512, Haswell", Self.avx512, "Haswell", nil, .use(core: "SkylakeX", instead: "Haswell", level: .avx512)),
            ("AVX-512, Zen", Self.avx512, "Zen", nil, .use(core: "SkylakeX", instead: "Zen", level: .avx512)),
            ("AVX-512, Sandybridge", Self.avx512, "Sandybridge", nil, .use(core: "SkylakeX", instead: "Sandybridge", level: .avx512)),
            ("AVX-512, SkylakeX", Self.avx512, "SkylakeX", nil, .keep(.matchesProcessor)),
            ("AVX-512, Cooperlake", Self.avx512, "Cooperlake", nil, .keep(.matchesProcessor)),
            ("AVX-512, case differs", Self.avx512, "skylakex", nil, .keep(.matchesProcessor)),
            ("AVX2, Prescott", Self.avx2, "Prescott", nil, .use(core: "Haswell", instead: "Prescott", level: .avx2)),
            ("AVX2, Nehalem", Self.avx2, "Nehalem", nil, .use(core: "Haswell", instead: "Nehalem", level: .avx2)),
            ("AVX2, Haswell", Self.avx2, "Haswell", nil, .keep(.matchesProcessor)),
            ("AVX2, Zen", Self.avx2, "Zen", nil, .keep(.matchesProcessor)),
            ("AVX2, SkylakeX (wider than the flags)", Self.avx2, "SkylakeX", nil, .keep(.matchesProcessor)),
            ("AVX, Core2", Self.avx, "Core2", nil, .use(core: "Sandybridge", instead: "Core2", level: .avx)),
            ("AVX, Sandybridge", Self.avx, "Sandybridge", nil, .keep(.matchesProcessor)),
            ("SSE, Prescott", Self.sse, "Prescott", nil, .keep(.matchesProcessor)),
            ("no flags known, Prescott", [], "Prescott", nil, .keep(.matchesProcessor)),
            ("user set Haswell", Self.avx512, "Haswell", "Haswell", .keep(.userChose("Haswell"))),
            ("user set Prescott", Self.avx512, "Prescott", "Prescott", .keep(.userChose("Prescott"))),
            ("empty variable is not a choice", Self.avx512, "Prescott", "", .use(core: "SkylakeX", instead: "Prescott", level: .avx512)),
            ("unknown family", Self.avx512, "Neoverse", nil, .keep(.unknownFamily)),
            ("empty family", Self.avx512, "", nil, .keep(.unknownFamily)),
        ]
        for (name, flags, active, user, expected) in table {
            XCTAssertEqual(decide(flags, active, user: user), expected, name)
        }
    }

    func testAVX512NeedsAllFiveSubsets() {
        // AVX-512F alone (Xeon Phi has no BW/DQ/VL) is not enough for the SkylakeX kernels.
        let phi = Self.avx2.union(["avx512f", "avx512cd", "avx512er", "avx512pf"])
        XCTAssertEqual(CPUFeatures(flags: phi).vectorLevel, .avx2)
        XCTAssertEqual(decide(phi, "Prescott"), .use(core: "Haswell", instead: "Prescott", level: .avx2))
        // AVX2 without FMA: only the AVX level.
        XCTAssertEqual(CPUFeatures(flags: Self.avx.union(["avx2"])).vectorLevel, .avx)
    }

    func testABuildForOneProcessorCannotSwitch() {
        XCTAssertEqual(decide(Self.avx512, "Prescott", configuration: "OpenBLAS 0.3.21 NO_LAPACKE Prescott MAX_THREADS=64"),
                       .keep(.notDynamic))
    }

    func testEveryFamilyHasALevelAndEveryLevelAboveSSEAFamily() {
        for level in VectorLevel.allCases where level > .sse {
            let family = BLASKernelChoice.canonicalFamily(level)!
            XCTAssertEqual(BLASKernelChoice.familyLevels[family.lowercased()], level, family)
        }
        XCTAssertNil(BLASKernelChoice.canonicalFamily(.sse))
    }

    func testParsesTheFirstProcessorOfCpuinfo() {
        let text = """
        processor\t: 0
        vendor_id\t: GenuineIntel
        model name\t: Intel(R) Xeon(R) Platinum 8488C
        flags\t\t: fpu sse sse2 avx avx2 fma avx512f avx512cd avx512bw avx512dq avx512vl

        processor\t: 1
        model name\t: Something Else
        flags\t\t: fpu sse
        """
        let features = CPUFeatures.parse(text)
        XCTAssertEqual(features.modelName, "Intel(R) Xeon(R) Platinum 8488C")
        XCTAssertEqual(features.vectorLevel, .avx512)
        XCTAssertTrue(features.flags.contains("avx512vl"))
        XCTAssertFalse(features.flags.contains("processor"))
        XCTAssertEqual(CPUFeatures.parse("").vectorLevel, .sse)
        XCTAssertEqual(CPUFeatures.parse("garbage\n\u{0}::\nflags:").flags, [])
    }

    func testThisProcessThinksItRunsAKernelOfItsOwnLevelOrWasToldOtherwise() {
        let blas = BLASRuntime.current()
        XCTAssertEqual(blas.library, "OpenBLAS")
        XCTAssertFalse(blas.kernel.isEmpty)
        XCTAssertGreaterThanOrEqual(blas.threads, 1)
        if case .refused = blas.choice { XCTFail("the test process made no restart, so nothing can have been refused") }
        if case .chosenByPixelRNN = blas.choice { XCTFail("the test process made no restart") }
    }
}
