/// The most a data file may hold, checked against its header before anything is
/// decompressed, and against the machine's free memory.
public enum DataLimits {
    /// The most images one file may hold: 1,000,000 (MNIST has 70,000; EMNIST 814,255).
    public static let maxImages = 1_000_000

    /// Bytes a loaded set takes per 28×28 image: the stored bytes, the grey intensities
    /// (Float) and one binarized copy (Float).
    public static let bytesPerImage = 784 * (1 + 4 + 4)

    /// Refuses `count` images beyond `maxImages`, or beyond what memory can hold.
    public static func check(images count: Int, file: String, available: Int = MachineMemory.available()) throws {
        guard count <= maxImages else {
            throw DataFileError(file: file, fault: .tooManyImages(count: count, limit: maxImages))
        }
        let needed = count * bytesPerImage
        guard needed <= available else {
            throw DataFileError(file: file, fault: .needsMemory(bytes: needed, available: available))
        }
    }
}
