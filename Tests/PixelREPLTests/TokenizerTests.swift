import XCTest
@testable import PixelREPL

final class TokenizerTests: XCTestCase {
    func split(_ line: String) throws -> [String] { try Tokenizer.split(line) }

    func testWhitespace() throws {
        XCTAssertEqual(try split("data show  0..15"), ["data", "show", "0..15"])
        XCTAssertEqual(try split("  \tmask\tA  "), ["mask", "A"])
        XCTAssertEqual(try split(""), [])
        XCTAssertEqual(try split("   "), [])
    }

    func testQuotes() throws {
        XCTAssertEqual(try split("data load 'my file.idx'"), ["data", "load", "my file.idx"])
        XCTAssertEqual(try split("data load \"my file.idx\""), ["data", "load", "my file.idx"])
        XCTAssertEqual(try split("a'b c'd"), ["ab cd"])
        XCTAssertEqual(try split("x '' \"\" y"), ["x", "", "", "y"])
        XCTAssertEqual(try split("'it''s'"), ["its"])
        XCTAssertEqual(try split("\"a 'b' c\""), ["a 'b' c"])
        XCTAssertEqual(try split("'a \"b\" c'"), ["a \"b\" c"])
        XCTAssertEqual(try split("'a\\b'"), ["a\\b"], "no escapes inside single quotes")
    }

    func testEscapes() throws {
        XCTAssertEqual(try split("my\\ file"), ["my file"])
        XCTAssertEqual(try split("\\#not-a-comment x"), ["#not-a-comment", "x"])
        XCTAssertEqual(try split("a\\'b"), ["a'b"])
        XCTAssertEqual(try split("\"say \\\"hi\\\" \\\\ \\n\""), ["say \"hi\" \\ \\n"])
    }

    func testComments() throws {
        XCTAssertEqual(try split("# only a comment"), [])
        XCTAssertEqual(try split("mask A # the first mask"), ["mask", "A"])
        XCTAssertEqual(try split("mask A#B"), ["mask", "A#B"], "# inside a word is ordinary")
        XCTAssertEqual(try split("x '# quoted' \"#too\""), ["x", "# quoted", "#too"])
    }

    func testErrors() {
        XCTAssertThrowsError(try split("data load 'unfinished")) { error in
            XCTAssertEqual((error as? CommandError)?.message, "unterminated ' quote")
        }
        XCTAssertThrowsError(try split("say \"unfinished")) { error in
            XCTAssertEqual((error as? CommandError)?.message, "unterminated \" quote")
        }
        XCTAssertThrowsError(try split("trailing \\"))
    }

    func testLenientSplitForCompletion() {
        XCTAssertEqual(Tokenizer.splitLeniently("data load 'my fi"), ["data", "load", "my fi"])
        XCTAssertEqual(Tokenizer.splitLeniently("train --epochs "), ["train", "--epochs"])
    }

    func testQuoteRoundTrips() throws {
        for word in ["plain", "two words", "it's", "a\"b", "back\\slash", "#hash", ""] {
            XCTAssertEqual(try split(Tokenizer.quote(word)), [word], word)
        }
    }
}
