import XCTest
@testable import PixelREPL

final class ArgumentParsingTests: XCTestCase {
    let train = Command(
        name: "train", summary: "train", usage: "train [--epochs N] [--lr X] [--optimizer adam|rmsprop] [--quiet]",
        examples: ["train --epochs 1"],
        options: [
            OptionSpec("epochs", help: "passes over the data"),
            OptionSpec("lr", help: "learning rate"),
            OptionSpec("optimizer", values: ["adam", "rmsprop"], help: "which optimizer"),
            OptionSpec("out", values: ["<file>"], help: "a file"),
            OptionSpec("quiet", takesValue: false, help: "print less"),
        ],
        run: { _, _ in })

    func parse(_ line: String) throws -> ParsedArguments {
        try ParsedArguments.parse(try Tokenizer.split(line), for: train)
    }

    func message(_ line: String) -> String? {
        do { _ = try parse(line); return nil } catch { return (error as? CommandError)?.message }
    }

    func testValuesFlagsAndPositionals() throws {
        let a = try parse("fast --epochs 3 --quiet --lr=0.01 extra")
        XCTAssertEqual(a.positional, ["fast", "extra"])
        XCTAssertEqual(a.value("epochs"), "3")
        XCTAssertEqual(a.value("lr"), "0.01")
        XCTAssertTrue(a.flag("quiet"))
        XCTAssertFalse(a.flag("other"))
        XCTAssertEqual(try a.int("epochs", default: 1, in: 1...100), 3)
        XCTAssertEqual(try a.double("lr", default: 0.1), 0.01)
        XCTAssertEqual(a.words, ["fast", "--epochs", "3", "--quiet", "--lr=0.01", "extra"])
        XCTAssertEqual(a.positional(1), "extra")
        XCTAssertNil(a.positional(2))
    }

    func testNegativeValuesAndDoubleDash() throws {
        let a = try parse("--lr -0.5 -3 -- --quiet")
        XCTAssertEqual(a.value("lr"), "-0.5")
        XCTAssertEqual(a.positional, ["-3", "--quiet"])
        XCTAssertFalse(a.flag("quiet"))
    }

    func testLastValueWins() throws {
        XCTAssertEqual(try parse("--epochs 1 --epochs 2").value("epochs"), "2")
    }

    func testUnknownOptionListsTheValidOnes() {
        let m = message("--epoch 3")
        XCTAssertEqual(m, "unknown option '--epoch' for 'train' — did you mean '--epochs'? "
                       + "(valid: --epochs, --lr, --optimizer, --out, --quiet)")
        XCTAssertTrue(message("--zzz")!.hasPrefix("unknown option '--zzz' for 'train' (valid: --epochs"))
    }

    func testCommandWithoutOptions() {
        let bare = Command(name: "where", summary: "s", usage: "where", examples: ["where"], run: { _, _ in })
        XCTAssertThrowsError(try ParsedArguments.parse(["--x"], for: bare)) { error in
            XCTAssertEqual((error as? CommandError)?.message, "'where' takes no options, got '--x' (usage: where)")
        }
    }

    func testMissingValue() {
        XCTAssertEqual(message("--epochs"), "--epochs needs a value: EPOCHS (usage: \(train.usage))")
        XCTAssertEqual(message("--optimizer --quiet"),
                       "--optimizer needs a value: adam|rmsprop (usage: \(train.usage))")
        XCTAssertEqual(message("--out"), "--out needs a value: FILE (usage: \(train.usage))")
    }

    func testFlagWithValue() {
        XCTAssertEqual(message("--quiet=yes"), "--quiet is a flag and takes no value (usage: \(train.usage))")
    }

    func testTypedValues() throws {
        XCTAssertThrowsError(try parse("--epochs many").int("epochs", default: 1)) { error in
            XCTAssertEqual((error as? CommandError)?.message, "--epochs expects a whole number, got 'many'")
        }
        XCTAssertThrowsError(try parse("--epochs 0").int("epochs", default: 1, in: 1...10))
        XCTAssertEqual(try parse("").int("epochs", default: 7), 7)
        XCTAssertThrowsError(try parse("--lr nan").double("lr", default: 0.1))
    }

    func testChoice() throws {
        XCTAssertEqual(try parse("--optimizer rmsprop").choice("optimizer", from: ["adam", "rmsprop"], default: "adam"), "rmsprop")
        XCTAssertEqual(try parse("").choice("optimizer", from: ["adam", "rmsprop"], default: "adam"), "adam")
        XCTAssertThrowsError(try parse("--optimizer adma").choice("optimizer", from: ["adam", "rmsprop"], default: "adam")) { error in
            XCTAssertEqual((error as? CommandError)?.message,
                           "--optimizer must be one of adam|rmsprop, got 'adma' — did you mean 'adam'?")
        }
    }
}
