import Foundation
import PixelRNN
import XCTest

/// The restart with a better OpenBLAS kernel (`BLASKernelStartup`), end to end: the
/// executable pretends OpenBLAS picked Prescott and must come back running the family of
/// this processor's level, with its arguments intact.
final class BLASStartupTests: XCTestCase {
    func version(_ environment: [String: String?]) throws -> String {
        let process = Process()
        process.executableURL = try locateExecutable()
        process.arguments = ["--version"]
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return String(decoding: data, as: UTF8.self)
    }

    func testAGenericKernelIsReplacedByTheProcessorsOwn() throws {
        let output = try version(["OPENBLAS_CORETYPE": nil, "PIXELRNN_TEST_OPENBLAS_PICKED": "Prescott"])
        XCTAssertTrue(output.hasPrefix("pixelrnn "), output)
        let level = CPUFeatures.current().vectorLevel
        if let family = BLASKernelChoice.canonicalFamily(level) {
            XCTAssertTrue(output.contains("kernel \(family),"), output)
            XCTAssertTrue(output.contains("chosen by pixelrnn for this \(level.name) processor (OpenBLAS alone picked Prescott)"), output)
        } else {
            XCTAssertFalse(output.contains("chosen by pixelrnn"), output)
        }
    }

    func testTheUsersChoiceIsKept() throws {
        let output = try version(["OPENBLAS_CORETYPE": "Prescott", "PIXELRNN_TEST_OPENBLAS_PICKED": "Prescott"])
        XCTAssertTrue(output.contains("kernel Prescott,"), output)
        XCTAssertTrue(output.contains("OPENBLAS_CORETYPE=Prescott is set in the environment, so it is kept"), output)
    }
}
