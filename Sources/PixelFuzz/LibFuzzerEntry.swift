import Foundation

/// The target libFuzzer drives, chosen by `PIXELFUZZ_TARGET` (scripts/fuzz sets it).
private let selected: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["PIXELFUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("PIXELFUZZ_TARGET must be one of \(names), got '\(name)'\n".utf8))
        exit(2)
    }
    return target
}()

/// Where inputs whose messages break the rule are kept (`PIXELFUZZ_FINDINGS`), one
/// per kind of message, so that one known bad message does not stop the run; with
/// `PIXELFUZZ_STRICT=1` such an input aborts instead, as a crash.
private let findings = ProcessInfo.processInfo.environment["PIXELFUZZ_FINDINGS"].map { URL(fileURLWithPath: $0) }
private let strict = ProcessInfo.processInfo.environment["PIXELFUZZ_STRICT"] == "1"

/// libFuzzer's entry point: one input through the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    for problem in FuzzCheck.problems(selected.run(input)) {
        if strict {
            FileHandle.standardError.write(Data("pixelfuzz: \(problem)\n".utf8))
            abort()
        }
        let name = "\(selected.rawValue)-\(problem.kind)"
        guard let folder = findings, !FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path)
        else { continue }
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? Data(input).write(to: folder.appendingPathComponent(name))
        FileHandle.standardError.write(Data("pixelfuzz: finding \(name): \(problem)\n".utf8))
    }
    return 0
}
