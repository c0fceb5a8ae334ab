import Foundation
import XCTest
@testable import PixelREPL

/// A test case with a fresh `ShellHarness` for each test (its folder named after the
/// class), its folder removed and any Ctrl-C request cleared after the test: the tests
/// read as a user types (`run`, `fails`, `failure`, `shell`, `folder`, `lines`).
class ShellTestCase: XCTestCase, ShellHarnessTestCase {
    var harness: ShellHarness!

    override func setUpWithError() throws { harness = ShellHarness(name: "\(type(of: self))") }

    override func tearDownWithError() throws { Interruption.clear(); harness.removeFolder() }
}
