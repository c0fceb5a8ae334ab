import XCTest
@testable import PixelREPL

final class SuggestionTests: XCTestCase {
    func testEditDistance() {
        XCTAssertEqual(Suggestions.editDistance("", ""), 0)
        XCTAssertEqual(Suggestions.editDistance("abc", ""), 3)
        XCTAssertEqual(Suggestions.editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(Suggestions.editDistance("foo", "food"), 1)
        XCTAssertEqual(Suggestions.editDistance("hlep", "help"), 1, "a swap of neighbours is one edit")
        XCTAssertEqual(Suggestions.editDistance("model", "model"), 0)
    }

    func testNearest() {
        let names = ["data", "help", "mask", "model", "sample", "set", "skew", "step", "food"]
        XCTAssertEqual(Suggestions.nearest(to: "foo", among: names), ["food"])
        XCTAssertEqual(Suggestions.nearest(to: "hlep", among: names), ["help"])
        XCTAssertEqual(Suggestions.nearest(to: "mod", among: names), ["model"], "prefix")
        XCTAssertEqual(Suggestions.nearest(to: "modelx", among: names), ["model"])
        XCTAssertEqual(Suggestions.nearest(to: "s", among: names), ["sample", "set", "skew"], "prefix, at most 3")
        XCTAssertEqual(Suggestions.nearest(to: "Mask", among: names), ["mask"], "case is ignored")
        XCTAssertEqual(Suggestions.nearest(to: "zzzzzz", among: names), [])
    }

    func testUnknownCommandMessage() {
        let registry = CommandRegistry([
            Command(name: "food", summary: "s", usage: "food", examples: ["food"], run: { _, _ in }),
            Command(name: "help", summary: "s", usage: "help", examples: ["help"], run: { _, _ in }),
        ])
        XCTAssertEqual(registry.unknownCommandMessage("foo"), "unknown command 'foo' — did you mean 'food'?")
        XCTAssertEqual(registry.unknownCommandMessage("qqqqq"),
                       "unknown command 'qqqqq' — type 'help' for the list of commands")
        XCTAssertEqual(Suggestions.didYouMean("he", among: ["help", "hello"]), " — did you mean 'hello' or 'help'?")
    }
}
