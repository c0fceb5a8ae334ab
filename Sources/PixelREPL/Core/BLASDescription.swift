import PixelRNN

/// The lines `--version` and `benchmark` print about the processor and the BLAS that
/// runs the matrix products: library, version, kernel family, threads, and how the
/// family was chosen (see `BLASKernelChoice`).
enum BLASDescription {
    static func lines(_ blas: BLASRuntime = .current(), cpu: CPUFeatures = .current()) -> [String] {
        let dynamic = blas.configuration.contains("DYNAMIC_ARCH") ? " (DYNAMIC_ARCH)" : ""
        let threads = "\(blas.threads) thread\(blas.threads == 1 ? "" : "s")"
        return ["processor: \(cpu.modelName), widest vector level \(cpu.vectorLevel.name)",
                "BLAS: \(blas.library) \(blas.version)\(dynamic), kernel \(blas.kernel), \(threads)",
                "kernel choice: " + choice(blas, cpu: cpu)]
    }

    private static func choice(_ blas: BLASRuntime, cpu: CPUFeatures) -> String {
        switch blas.choice {
        case .chosenByPixelRNN(let instead, let level):
            return "\(blas.kernel), chosen by pixelrnn for this \(level.name) processor (OpenBLAS alone picked \(instead))"
        case .userChose(let allows):
            let kept = "OPENBLAS_CORETYPE=\(blas.kernel) is set in the environment, so it is kept"
            guard let allows else { return kept }
            return kept + " (this processor could run \(allows); unset the variable to let pixelrnn choose)"
        case .openBLAS(.matchesProcessor), .openBLAS(.userChose):
            return "OpenBLAS's own, which suits this \(cpu.vectorLevel.name) processor"
        case .openBLAS(.unknownFamily):
            return "OpenBLAS's own (\(blas.kernel), a family pixelrnn does not know, so it is left alone)"
        case .openBLAS(.notDynamic):
            return "fixed when this OpenBLAS was built (no DYNAMIC_ARCH): it cannot be changed"
        case .refused(let wanted):
            return "pixelrnn asked for \(wanted), but OpenBLAS runs \(blas.kernel)"
        case .wouldChoose(let wanted):
            return "OpenBLAS's own; pixelrnn would choose \(wanted) at start (this process did not start through pixelrnn's main)"
        }
    }
}
