import Foundation

/// How much memory this machine can give: what the kernel reports as available
/// (`MemAvailable` in `/proc/meminfo`), else the physical memory.
///
/// Model building, training and data loading compare their estimates with it, so
/// that an absurd size is refused with a clear message instead of swapping the
/// machine to a halt.
public enum MachineMemory {
    /// Bytes available now (`MemAvailable`), or the physical memory where that is unknown.
    public static func available() -> Int {
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8), let kb = memAvailableKiB(text) {
            return kb * 1024
        }
        return Int(clamping: ProcessInfo.processInfo.physicalMemory)
    }

    /// The `MemAvailable:` figure (KiB) of a `/proc/meminfo` text.
    static func memAvailableKiB(_ text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    /// `3.9 GB`, `640 MB`, `12 kB` (decimal units, two significant figures at most).
    public static func describe(_ bytes: Int) -> String {
        let value = Double(bytes)
        for (unit, size) in [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)] where value >= size {
            let x = value / size
            return (x < 10 ? String(format: "%.1f", x) : String(format: "%.0f", x)) + " " + unit
        }
        return "\(bytes) bytes"
    }
}
