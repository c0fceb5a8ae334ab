import CZlib

/// gzip compression through zlib, for `.gz` data files.
///
/// Files are recognised as gzip by their first two bytes (0x1F 0x8B), never by
/// their name. Concatenated gzip members are read one after another, as `gunzip` does.
public enum Gzip {
    /// The default ceiling on decompressed size: 2 GiB.
    public static let defaultLimit = 1 << 31

    /// True when `bytes` start with the gzip magic number.
    public static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The most one byte of deflate data can become (zlib's documented bound is 1032:1;
    /// this adds headroom for gzip member headers).
    public static let maxExpansion = 1100

    /// The decompressed bytes of a gzip stream, or the fault that stops it.
    ///
    /// Never more than `limit` bytes are produced: with `prefixOnly`, the first `limit`
    /// bytes (or fewer, if the data is shorter) are returned; otherwise more data than
    /// `limit` is `.tooLarge`. `shouldStop` is asked after every 64 KiB of output; when it
    /// returns true the result is `.stopped`.
    public static func decompress(_ input: [UInt8], limit: Int = defaultLimit, prefixOnly: Bool = false,
                                  shouldStop: () -> Bool = { false }) -> Result<[UInt8], DataFileFault> {
        guard input.count < Int(UInt32.max) else { return .failure(.tooLarge(limit: Int(UInt32.max))) }
        var stream = z_stream()
        guard cz_inflate_init_gzip(&stream) == Z_OK else { return .failure(.corruptGzip("zlib could not start")) }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, 1 << 30))           // address space only: pages come as they are written
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        return input.withUnsafeBufferPointer { inBuffer -> Result<[UInt8], DataFileFault> in
            stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
            stream.avail_in = uInt(inBuffer.count)
            while true {
                if shouldStop() { return .failure(.stopped) }
                let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if output.count + produced > limit {
                    guard prefixOnly else { return .failure(.tooLarge(limit: limit)) }
                    output.append(contentsOf: chunk[0..<(limit - output.count)])
                    return .success(output)
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    let rest = Int(stream.avail_in)
                    if rest == 0 { return .success(output) }
                    let next = inBuffer.count - rest
                    if inBuffer[next...].allSatisfy({ $0 == 0 }) { return .success(output) }  // padding
                    guard rest >= 2, inBuffer[next] == 0x1F, inBuffer[next + 1] == 0x8B else {
                        return .failure(.corruptGzip("\(rest) unexpected bytes after the end of the stream"))
                    }
                    inflateReset(&stream)
                case Z_BUF_ERROR where stream.avail_in == 0:
                    return prefixOnly ? .success(output) : .failure(.truncatedGzip)
                default:
                    return .failure(.corruptGzip(zlibMessage(stream, status)))
                }
            }
        }
    }

    /// `input` compressed as one gzip member (no file name, time stamp 0: reproducible).
    /// Inputs must be smaller than 4 GiB (zlib counts in 32 bits); larger ones give `[]`.
    public static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        guard input.count < Int(UInt32.max) else { return [] }
        var stream = z_stream()
        guard cz_deflate_init_gzip(&stream, level) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        input.withUnsafeBufferPointer { inBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
            stream.avail_in = uInt(inBuffer.count)
            var status = Z_OK
            while status == Z_OK || status == Z_BUF_ERROR {
                status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    return deflate(&stream, Z_FINISH)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
                if status == Z_BUF_ERROR && stream.avail_out != 0 { break }
            }
        }
        return output
    }

    /// zlib's own words for a failure, or the status number.
    private static func zlibMessage(_ stream: z_stream, _ status: Int32) -> String {
        if let msg = stream.msg { return String(cString: msg) }
        return "zlib status \(status)"
    }
}
