import Foundation

/// The binarized-MNIST text format of Larochelle & Murray
/// (`binarized_mnist_{train,valid,test}.amat`): one image per line, 784 values
/// `0` or `1` separated by spaces, row by row. Raw or gzip-compressed.
public enum AmatFile {
    /// Values per line: one 28×28 image.
    public static let valuesPerLine = 784

    /// The most text read from one file: `DataLimits.maxImages` lines of 784 values
    /// with room for wide spacing (4 bytes a value).
    public static let maxBytes = DataLimits.maxImages * valuesPerLine * 4

    /// The images of the file at `url`, 784 bytes (0 or 1) each.
    public static func read(_ url: URL, shouldStop: () -> Bool = { false }) throws -> IDXImages {
        let raw = try DataFileBytes.raw(url, shouldStop: shouldStop)
        return try parse(DataFileBytes.unpack(raw, file: url.path, expected: maxBytes, shouldStop: shouldStop),
                         file: url.path, shouldStop: shouldStop)
    }

    /// Parses the (already decompressed) text. Blank lines are allowed only at the end.
    /// `shouldStop` is asked every 1,000 lines (the fault `.stopped` when it says so).
    public static func parse(_ bytes: [UInt8], file: String, shouldStop: () -> Bool = { false }) throws -> IDXImages {
        guard bytes.count <= maxBytes else { throw DataFileError(file: file, fault: .tooLarge(limit: maxBytes)) }
        var pixels: [UInt8] = []
        pixels.reserveCapacity(bytes.count / 2 + valuesPerLine)
        var lines = 0
        var pendingBlankLine: Int? = nil
        var start = 0
        var lineNumber = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            if lineNumber % 1000 == 0 {
                if shouldStop() { throw DataFileError(file: file, fault: .stopped) }
                if lines > DataLimits.maxImages { throw DataFileError(file: file, fault: .tooManyImages(count: lines, limit: DataLimits.maxImages)) }
            }
            let before = pixels.count
            try parseLine(bytes[start..<end], line: lineNumber, file: file, into: &pixels)
            if pixels.count == before {
                if pendingBlankLine == nil { pendingBlankLine = lineNumber }
            } else {
                if let blank = pendingBlankLine {
                    throw DataFileError(file: file, fault: .amatLineLength(line: blank, values: 0))
                }
                lines += 1
            }
            start = end + 1
        }
        guard lines > 0 else { throw DataFileError(file: file, fault: .empty) }
        try DataLimits.check(images: lines, file: file)
        return IDXImages(count: lines, rows: 28, columns: 28, pixels: pixels)
    }

    /// Appends the 784 values of one line (or nothing for a blank line).
    static func parseLine(_ line: ArraySlice<UInt8>, line number: Int, file: String,
                          into pixels: inout [UInt8]) throws {
        var values = 0
        var i = line.startIndex
        while i < line.endIndex {
            if isSpace(line[i]) { i += 1; continue }
            var j = i
            while j < line.endIndex && !isSpace(line[j]) { j += 1 }
            values += 1
            guard j - i == 1, line[i] == 0x30 || line[i] == 0x31 else {
                let token = QuotedText.escaped(bytes: line[i..<j], limit: 20)
                throw DataFileError(file: file, fault: .amatValue(line: number, position: values, token: token))
            }
            if values <= valuesPerLine { pixels.append(line[i] - 0x30) }
            i = j
        }
        guard values == 0 || values == valuesPerLine else {
            throw DataFileError(file: file, fault: .amatLineLength(line: number, values: values))
        }
    }

    /// Space, tab or carriage return.
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
}
