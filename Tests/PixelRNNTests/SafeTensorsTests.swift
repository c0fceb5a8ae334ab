import Foundation
import XCTest
@testable import PixelRNN

/// The safetensors reader and writer: exact bytes, round trips, conversions, and
/// every malformed input as a typed one-line error (never a crash).
final class SafeTensorsTests: XCTestCase {
    // MARK: - Helpers

    /// A file from a header text (padded with spaces to 8 bytes) and raw data bytes.
    private func file(_ header: String, data: [UInt8] = []) -> [UInt8] {
        var h = Array(header.utf8)
        while h.count % 8 != 0 { h.append(0x20) }
        return withUnsafeBytes(of: UInt64(h.count).littleEndian) { Array($0) } + h + data
    }

    /// Little-endian bytes of Float32 values.
    private func f32(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }

    /// The fault `decode` reports for `bytes` (fails the test if it decodes).
    private func fault(_ bytes: [UInt8], file name: String = "t.safetensors",
                       line: UInt = #line) -> SafeTensorsFault? {
        do {
            _ = try SafeTensors.decode(bytes, file: name)
            XCTFail("decoded a malformed file", line: line)
            return nil
        } catch let e as SafeTensorsError {
            XCTAssertEqual(e.file, name, line: line)
            XCTAssertFalse(e.description.contains("\n"), "error must be one line: \(e)", line: line)
            XCTAssertTrue(e.description.hasPrefix(name + ": "), line: line)
            return e.fault
        } catch {
            XCTFail("untyped error \(error)", line: line)
            return nil
        }
    }

    private let sample: [String: Tensor] = [
        "b": Tensor(shape: [2], data: [1.5, -2]),
        "a.weight": Tensor(shape: [2, 1, 1, 3], data: [0, 1, 2, 3, 4, 5]),
    ]

    // MARK: - Writer

    func testEncodeWritesTheExactLayout() throws {
        let bytes = try SafeTensors.encode(sample, metadata: ["step": "7", "model": "pixelcnn"])
        let expected = #"{"__metadata__":{"model":"pixelcnn","step":"7"},"#
            + #""a.weight":{"dtype":"F32","shape":[2,1,1,3],"data_offsets":[0,24]},"#
            + #""b":{"dtype":"F32","shape":[2],"data_offsets":[24,32]}}"#
        XCTAssertEqual(bytes, file(expected, data: f32([0, 1, 2, 3, 4, 5, 1.5, -2])))
        XCTAssertEqual((bytes.count - 32) % 8, 0, "data starts 8-byte aligned")
    }

    func testEncodeIsDeterministic() throws {
        var other: [String: Tensor] = [:]
        for key in sample.keys.sorted(by: >) { other[key] = sample[key] }
        let one = try SafeTensors.encode(sample, metadata: ["x": "1", "y": "2"])
        let two = try SafeTensors.encode(other, metadata: ["y": "2", "x": "1"])
        XCTAssertEqual(one, two)
    }

    func testEncodeWithoutMetadataOmitsIt() throws {
        let bytes = try SafeTensors.encode(["t": Tensor(shape: [1], data: [1])])
        XCTAssertFalse(String(decoding: bytes, as: UTF8.self).contains("__metadata__"))
    }

    func testEncodeRefusesTheReservedName() {
        XCTAssertThrowsError(try SafeTensors.encode(["__metadata__": Tensor(shape: [1], data: [0])])) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.fault, .reservedName)
        }
    }

    // MARK: - Round trips

    func testRoundTripKeepsEveryBit() throws {
        let tensors: [String: Tensor] = [
            "scalar": Tensor(shape: [], data: [42]),
            "empty": Tensor(shape: [0, 3], data: []),
            "special": Tensor(shape: [5], data: [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude]),
            "naïve \"quoted\"\\name\n": Tensor(shape: [1, 2], data: [1, 2]),
        ].merging(sample) { a, _ in a }
        let metadata = ["note": "tab\there, ünïcödé, emoji 🧪, \"quotes\" and \\ and \u{01}"]
        let back = try SafeTensors.decode(SafeTensors.encode(tensors, metadata: metadata), file: "mem")
        XCTAssertEqual(back.metadata, metadata)
        XCTAssertEqual(Set(back.tensors.keys), Set(tensors.keys))
        for (name, t) in tensors {
            XCTAssertEqual(back.tensors[name]?.shape, t.shape, name)
            XCTAssertEqual(back.tensors[name]?.data.map(\.bitPattern), t.data.map(\.bitPattern), name)
        }
        XCTAssertTrue(back.notes.isEmpty)
    }

    func testWriteAndReadAFile() throws {
        let dir = try temporaryFolder()
        let url = dir.appendingPathComponent("x.safetensors")
        try SafeTensors.write(sample, metadata: ["k": "v"], to: url)
        let back = try SafeTensors.read(contentsOf: url)
        XCTAssertEqual(back.tensors, sample)
        XCTAssertEqual(back.metadata, ["k": "v"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["x.safetensors"])
    }

    // MARK: - Other dtypes

    func testConvertsF16BF16AndF64() throws {
        let half: [UInt16] = [0x3C00, 0xC000, 0x0001, 0x7C00, 0x3555]     // 1, −2, 2^−24, ∞, ≈ 1/3
        let brain: [UInt16] = [0x3F80, 0xC0A0]                              // 1, −5
        let double: [Double] = [1.5, -1e-3]
        let data = half.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
            + brain.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
            + double.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        let header = #"{"h":{"dtype":"F16","shape":[5],"data_offsets":[0,10]},"#
            + #""b":{"dtype":"BF16","shape":[2],"data_offsets":[10,14]},"#
            + #""d":{"dtype":"F64","shape":[2],"data_offsets":[14,30]}}"#
        let back = try SafeTensors.decode(file(header, data: data), file: "mixed")
        XCTAssertEqual(back.tensors["h"]?.data, [1, -2, 0x1p-24, .infinity, 0.333251953125])
        XCTAssertEqual(back.tensors["b"]?.data, [1, -5])
        XCTAssertEqual(back.tensors["d"]?.data, [1.5, Float(-1e-3)])
        XCTAssertEqual(back.storedDTypes, ["h": .F16, "b": .BF16, "d": .F64])
        XCTAssertEqual(back.notes, ["1 tensor stored as BF16 was converted to Float32",
                                    "1 tensor stored as F16 was converted to Float32",
                                    "1 tensor stored as F64 was converted to Float32"])
    }

    func testHalfConversionMatchesSwiftFloat16ForEveryValue() {
        #if !(os(macOS) && arch(x86_64))
        for bits in 0...UInt16.max {
            let mine = floatFromHalf(bits), reference = Float(Float16(bitPattern: bits))
            if reference.isNaN { XCTAssertTrue(mine.isNaN); continue }
            XCTAssertEqual(mine.bitPattern, reference.bitPattern, "half 0x\(String(bits, radix: 16))")
        }
        #endif
    }

    func testRefusesOtherDTypes() {
        XCTAssertEqual(fault(file(#"{"t":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))),
                       .unsupportedDType(tensor: "t", dtype: "I64"))
        XCTAssertEqual(fault(file(#"{"t":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}"#, data: f32([1]))),
                       .unknownDType(tensor: "t", dtype: "F33"))
    }

    // MARK: - Malformed files

    func testTooShortAndBadHeaderLength() {
        XCTAssertEqual(fault([]), .tooShort(bytes: 0))
        XCTAssertEqual(fault([1, 2, 3]), .tooShort(bytes: 3))
        var valid = try! SafeTensors.encode(sample)
        valid[7] = 0xFF                                                    // header length ≈ 2^63
        XCTAssertEqual(fault(valid), .headerTooLarge(length: UInt64(valid[0]) | UInt64(valid[1]) << 8 | 0xFF << 56))
        valid = try! SafeTensors.encode(sample)
        let size = valid.count
        valid.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(size).littleEndian) { Array($0) })
        XCTAssertEqual(fault(valid), .headerBeyondFile(length: UInt64(size), fileSize: size))
    }

    func testEveryTruncationIsATypedError() throws {
        let valid = try SafeTensors.encode(sample, metadata: ["k": "v"])
        let headerEnd = 8 + Int(valid[0])
        for cut in 0..<valid.count {
            let f = fault(Array(valid.prefix(cut)))
            if cut < 8 { XCTAssertEqual(f, .tooShort(bytes: cut)) }
            else if cut < headerEnd { XCTAssertEqual(f, .headerBeyondFile(length: UInt64(headerEnd - 8), fileSize: cut)) }
            else { XCTAssertEqual(f, .truncated(expectedDataBytes: 32, actualDataBytes: cut - headerEnd)) }
        }
    }

    func testTrailingBytes() throws {
        let valid = try SafeTensors.encode(sample)
        XCTAssertEqual(fault(valid + [0, 0, 0]), .trailingBytes(expectedDataBytes: 32, actualDataBytes: 35))
    }

    func testHeaderThatIsNotJSON() {
        XCTAssertEqual(fault(file("not json")), .headerStart)
        XCTAssertEqual(fault(file("[1, 2]")), .headerStart)
        XCTAssertEqual(fault(file("   {}")), .headerStart)
        XCTAssertEqual(fault(file("{\"a\": [1, 2}")), .invalidJSON("expected ',' or ']' in an array", offset: 11))
        XCTAssertEqual(fault(file("{\"a\": 1} {")), .invalidJSON("unexpected text after the end of the JSON value", offset: 9))
        XCTAssertEqual(fault(file("{")), .invalidJSON("expected a quoted key", offset: 8))
        XCTAssertEqual(fault(file("{\"a\":1,\"a\":2}")), .invalidJSON("duplicate key \"a\"", offset: 7))
        var bad = file("{\"x\":\"ab\"}")
        bad[8 + 6] = 0xFF                                                   // not UTF-8
        XCTAssertEqual(fault(bad), .headerNotUTF8)
        let deep = "{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        XCTAssertEqual(fault(file(deep)), .invalidJSON("nested deeper than 32 levels", offset: 36))
    }

    func testBadEntries() {
        XCTAssertEqual(fault(file(#"{"t": 3}"#)), .entryNotObject(tensor: "t"))
        XCTAssertEqual(fault(file(#"{"t":{"shape":[1],"data_offsets":[0,4]}}"#, data: f32([1]))),
                       .missingField(tensor: "t", field: "dtype"))
        XCTAssertEqual(fault(file(#"{"t":{"dtype":"F32","data_offsets":[0,4]}}"#, data: f32([1]))),
                       .missingField(tensor: "t", field: "shape"))
        XCTAssertEqual(fault(file(#"{"t":{"dtype":"F32","shape":[1]}}"#, data: f32([1]))),
                       .missingField(tensor: "t", field: "data_offsets"))
        XCTAssertEqual(fault(file(#"{"t":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}"#, data: f32([1]))),
                       .badField(tensor: "t", field: "dtype", why: "must be a string, found a number"))
        let shapes = ["[-1]": "-1", "[1.0]": "1.0", "[1e0]": "1e0", "[true]": "true", "[\"1\"]": "\"1\"",
                      "[99999999999999999999]": "99999999999999999999"]
        for (shape, shown) in shapes {
            XCTAssertEqual(fault(file(#"{"t":{"dtype":"F32","shape":"# + shape + #","data_offsets":[0,4]}}"#, data: f32([1]))),
                           .badField(tensor: "t", field: "shape", why: "must hold non-negative integers, found \(shown)"), shape)
        }
        XCTAssertEqual(fault(file(#"{"t":{"dtype":"F32","shape":3,"data_offsets":[0,4]}}"#, data: f32([1]))),
                       .badField(tensor: "t", field: "shape", why: "must be an array, found a number"))
        XCTAssertEqual(fault(file(#"{"t":{"dtype":"F32","shape":[1],"data_offsets":[4]}}"#, data: f32([1]))),
                       .badField(tensor: "t", field: "data_offsets", why: "must hold exactly two numbers [begin, end], found 1"))
        XCTAssertEqual(fault(file(#"{"t":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, data: f32([1]))),
                       .badField(tensor: "t", field: "data_offsets", why: "ends (0) before it begins (4)"))
    }

    func testOffsetsInconsistentWithShape() {
        XCTAssertEqual(fault(file(#"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: f32([1]))),
                       .sizeMismatch(tensor: "t", shape: [2], dtype: "F32", expectedBytes: 8, rangeBytes: 4))
        XCTAssertEqual(fault(file(#"{"t":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#, data: f32([1]))),
                       .impossibleSize(tensor: "t", shape: [4611686018427387904, 4]))
    }

    func testOverlapsGapsAndOutOfRangeOffsets() {
        let overlap = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        XCTAssertEqual(fault(file(overlap, data: f32([1, 2, 3]))), .overlap(tensor: "b", other: "a"))
        let same = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        XCTAssertEqual(fault(file(same, data: f32([1]))), .overlap(tensor: "b", other: "a"))
        let gap = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        XCTAssertEqual(fault(file(gap, data: f32([1, 2, 3]))), .gap(tensor: "b", expectedBegin: 4, begin: 8))
        let late = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        XCTAssertEqual(fault(file(late, data: f32([1, 2]))), .gap(tensor: "a", expectedBegin: 0, begin: 4))
        let beyond = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        XCTAssertEqual(fault(file(beyond, data: f32([1, 2]))), .truncated(expectedDataBytes: 12, actualDataBytes: 8))
    }

    func testMetadataMustBeStrings() {
        XCTAssertEqual(fault(file(#"{"__metadata__":{"step":3}}"#)), .metadataNotString(key: "step", found: "a number"))
        XCTAssertEqual(fault(file(#"{"__metadata__":{"ok":"1","flag":true}}"#)), .metadataNotString(key: "flag", found: "a boolean"))
        XCTAssertEqual(fault(file(#"{"__metadata__":["a"]}"#)), .metadataNotObject)
        XCTAssertEqual(fault(file(#"{"__metadata__":null}"#)), .metadataNotObject)
    }

    func testEmptyHeaderObjectIsAValidEmptyFile() throws {
        let back = try SafeTensors.decode(file("{}"), file: "empty")
        XCTAssertTrue(back.tensors.isEmpty && back.metadata.isEmpty)
    }

    func testMissingFileAndFolder() throws {
        let dir = try temporaryFolder()
        XCTAssertThrowsError(try SafeTensors.read(contentsOf: dir.appendingPathComponent("nope.safetensors"))) {
            XCTAssertEqual(($0 as? SafeTensorsError)?.fault, .missing)
        }
        XCTAssertThrowsError(try SafeTensors.read(contentsOf: dir)) {
            XCTAssertEqual(($0 as? SafeTensorsError)?.fault, .isFolder)
            XCTAssertEqual(($0 as? SafeTensorsError)?.file, dir.path)
        }
    }

    /// Random byte changes in a valid file: each either decodes or is a typed error.
    func testRandomCorruptionNeverCrashes() throws {
        let valid = try SafeTensors.encode(sample, metadata: ["model": "pixelcnn", "layers": "2"])
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0...(rng.next() % 3) {
                bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            do { _ = try SafeTensors.decode(bytes, file: "fuzz") } catch is SafeTensorsError {} catch {
                XCTFail("untyped error \(error)")
            }
        }
    }

    // MARK: - JSON details

    func testJSONStringEscapes() throws {
        let json = try HeaderJSONParser.parse(Array(#"{"k":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83e\uddea"}"#.utf8))
        guard case .string(let s)? = json["k"] else { return XCTFail("not a string") }
        XCTAssertEqual(s, "a\"b\\c/d\u{08}\u{0C}\n\r\té🧪")
        for bad in [#"{"k":"\x"}"#, #"{"k":"\ud83e"}"#, #"{"k":"\udc00"}"#, #"{"k":"\u12"}"#, "{\"k\":\"a\u{01}\"}",
                    #"{"k":01}"#, #"{"k":-}"#, #"{"k":1.}"#, #"{"k":tru}"#, #"{"k":"abc"#] {
            XCTAssertThrowsError(try HeaderJSONParser.parse(Array(bad.utf8)), bad)
        }
    }

    // MARK: -

    private func temporaryFolder() throws -> URL { try makeTemporaryFolder("st") }
}
