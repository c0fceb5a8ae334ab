import XCTest
@testable import PixelREPL

final class CompleterTests: XCTestCase {
    let harness = Harness(extra: [
        Command(name: "train", summary: "t", usage: "train", examples: ["train"],
                options: [OptionSpec("epochs", help: "e"), OptionSpec("optimizer", values: ["adam", "rmsprop"], help: "o"),
                          OptionSpec("save", values: ["<file>"], help: "f"), OptionSpec("quiet", takesValue: false, help: "q")],
                run: { _, _ in }),
        Command(name: "model", summary: "m", usage: "model new|show|load", examples: ["model show"],
                subcommands: ["new", "show", "load"], completesFiles: true,
                subcommandArguments: ["new": ["pixelcnn", "rowlstm", "diagbilstm"], "load": ["<file>"]],
                run: { _, _ in }),
        Command(name: "data", summary: "d", usage: "data load [bundled|FILE]", examples: ["data load"],
                subcommands: ["load", "show"], completesFiles: true,
                subcommandArguments: ["load": ["bundled", "<file>"]], run: { _, _ in }),
        Command(name: "trace", summary: "t", usage: "trace LAYER", examples: ["trace blocks.0"],
                completions: { _, previous in previous.isEmpty ? ["blocks.0", "blocks.1", "input"] : [] },
                run: { _, _ in }),
        Command(name: "script", summary: "s", usage: "script FILE", examples: ["script a.txt"],
                completesFiles: true, run: { _, _ in }),
    ])

    func complete(_ before: String, _ word: String) -> Completion {
        Completer(session: harness.session).complete(before: before, word: word)
    }

    func testCommandNames() {
        XCTAssertEqual(complete("", "").words, harness.session.registry.names.sorted())
        XCTAssertEqual(complete("", "t"), Completion(words: ["trace", "train"]))
        XCTAssertEqual(complete("", "he"), Completion(words: ["help"]))
        XCTAssertEqual(complete("", "zz"), Completion())
        XCTAssertEqual(complete("nosuch ", ""), Completion())
    }

    func testSubcommandsAndTheirArguments() {
        XCTAssertEqual(complete("model ", ""), Completion(words: ["load", "new", "show"]))
        XCTAssertEqual(complete("model ", "n"), Completion(words: ["new"]))
        XCTAssertEqual(complete("model new ", "r"), Completion(words: ["rowlstm"]))
        XCTAssertEqual(complete("model load ", ""), Completion(words: [], files: true))
        XCTAssertEqual(complete("data load ", ""), Completion(words: ["bundled"], files: true))
        XCTAssertEqual(complete("set ", ""), Completion(words: ["out", "previews"]))
        XCTAssertEqual(complete("set previews ", "o"), Completion(words: ["off", "on"]))
        XCTAssertEqual(complete("set out ", ""), Completion(words: [], files: true))
    }

    func testOptionsAndTheirValues() {
        XCTAssertEqual(complete("train ", "--e"), Completion(words: ["--epochs"]))
        XCTAssertEqual(complete("train ", "-"), Completion(words: ["--epochs", "--optimizer", "--quiet", "--save"]))
        XCTAssertEqual(complete("train --epochs 3 ", "--"), Completion(words: ["--optimizer", "--quiet", "--save"]),
                       "options already given are not offered again")
        XCTAssertEqual(complete("train --optimizer ", ""), Completion(words: ["adam", "rmsprop"]))
        XCTAssertEqual(complete("train --save ", "ou"), Completion(words: [], files: true))
        XCTAssertEqual(complete("train --epochs ", ""), Completion(), "free value: nothing to offer")
        XCTAssertEqual(complete("train ", ""), Completion(words: ["--epochs", "--optimizer", "--quiet", "--save"]),
                       "nothing else to offer: the options")
    }

    func testFilesAndDynamicCompletions() {
        XCTAssertEqual(complete("script ", ""), Completion(words: [], files: true))
        XCTAssertEqual(complete("script \"", "my "), Completion(words: [], files: true), "inside an opening quote")
        XCTAssertEqual(complete("trace ", "b"), Completion(words: ["blocks.0", "blocks.1"]))
        XCTAssertEqual(complete("help ", "mo"), Completion(words: ["model"]))
        XCTAssertEqual(complete("help model ", ""), Completion())
    }
}
