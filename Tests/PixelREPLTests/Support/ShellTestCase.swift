import Foundation
import XCTest
@testable import PixelREPL

/// A test case with a fresh `ShellHarness` for each test (its folder named after the
/// class), its folder removed and any Ctrl-C request cleared after the test: the tests
/// read as a user types (`run`, `fails`, `failure`, `shell`, `folder`, `lines`).
class ShellTestCase: XCTestCase, ShellHarnessTestCase {
    var harness: ShellHarness!

    /// The class's name without "CommandTests" or "Tests", lower-cased ("provenance"), kept
    /// short: messages shorten long paths, and some tests read a path back whole.
    private var harnessName: String {
        let name = "\(type(of: self))"
        let suffix = ["CommandTests", "Tests"].first { name.hasSuffix($0) } ?? ""
        return name.dropLast(suffix.count).lowercased()
    }

    override func setUpWithError() throws { harness = ShellHarness(name: harnessName) }

    override func tearDownWithError() throws { Interruption.clear(); harness.removeFolder() }
}
