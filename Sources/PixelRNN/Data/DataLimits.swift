/// The most a data file may hold, checked against its header before anything is
/// decompressed, and against the machine's free memory.
public enum DataLimits {
    /// The most images one file may hold: 1,000,000 (MNIST has 70,000; EMNIST 814,255).
    public static let maxImages = 1_000_000

    /// The image sides (rows and columns) a data set may have: 2…64 pixels.
    ///
    /// At least 2, so that every pixel but the first has a pixel before it in both
    /// directions a model reads; at most 64, the paper's largest images (64×64 ImageNet):
    /// on a 2-core CPU a 64×64 colour image already costs 12,288 dimensions — about 16
    /// times a 28×28 digit — per training step and per sampled pixel, and terminal
    /// previews and PNG grids stay readable. Larger images can be brought down with
    /// `--size N` when loading PNG or JPEG files.
    public static let sides = 2...64

    /// The colours per pixel a data set may have: 1 (grey) or 3 (R, G, B).
    public static let colorCounts = [1, 3]

    /// Bytes a loaded set takes per 28×28 grey image: the stored bytes, the grey
    /// intensities (Float) and one binarized copy (Float).
    public static let bytesPerImage = bytes(perImageOf: 784)

    /// Bytes a loaded set takes per image of `values` = rows × columns × colours values:
    /// the stored bytes, the intensities (Float) and one copy of the levels the model reads (Float).
    public static func bytes(perImageOf values: Int) -> Int { values * (1 + 4 + 4) }

    /// Refuses images whose sides are outside `sides` or whose colours are not 1 or 3.
    public static func check(rows: Int, columns: Int, colors: Int = 1, file: String) throws {
        guard sides.contains(rows), sides.contains(columns) else {
            throw DataFileError(file: file, fault: .wrongImageSize(rows: rows, columns: columns))
        }
        guard colorCounts.contains(colors) else { throw DataFileError(file: file, fault: .wrongColorCount(colors)) }
    }

    /// Refuses `count` images beyond `maxImages`, or beyond what memory can hold
    /// (`values` per image: rows × columns × colours; a 28×28 grey digit by default).
    public static func check(images count: Int, values: Int = 784, file: String,
                             available: Int = MachineMemory.available()) throws {
        guard count <= maxImages else {
            throw DataFileError(file: file, fault: .tooManyImages(count: count, limit: maxImages))
        }
        let (needed, overflow) = count.multipliedReportingOverflow(by: bytes(perImageOf: values))
        guard !overflow, needed <= available else {
            throw DataFileError(file: file, fault: .needsMemory(bytes: overflow ? Int.max : needed, available: available))
        }
    }
}
