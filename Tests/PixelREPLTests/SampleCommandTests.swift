import Foundation
import XCTest
@testable import PixelREPL
import PixelRNN

/// `sample`, `complete` and `trace sample` driven through the shell as a user types them.
final class SampleCommandTests: ShellTestCase {
    func png(_ name: String) -> URL { folder.appendingPathComponent(name + ".png") }

    func testSameSeedDrawsTheSameImages() throws {
        run("model new pixelcnn --layers 1 --hidden 4")
        let out = run("sample 3 --seed 5")
        XCTAssertTrue(out[0].hasPrefix("3 images of 28×28 in "), out[0])
        XCTAssertTrue(out[0].contains("fast incremental path"), out[0])
        let first = try Data(contentsOf: png("sample-pixelcnn-seed5"))
        run("sample 3 --seed 5")
        XCTAssertEqual(try Data(contentsOf: png("sample-pixelcnn-seed5")), first)
        run("sample 3 --seed 5 --method reference")      // the same draws by the slow path
        XCTAssertEqual(try Data(contentsOf: png("sample-pixelcnn-seed5")), first)
    }

    func testSampleTakesTheDataSizeAndSaysTheSlowPath() throws {
        run("model new pixelcnn --layers 1 --hidden 4")
        let out = run("sample 1 --method reference")
        XCTAssertTrue(out[0].contains("slow reference path"), out[0])
        XCTAssertTrue(FileManager.default.fileExists(atPath: png("sample-pixelcnn-seed0").path))
    }

    func testCompletionsKeepEveryGivenPixel() throws {
        run("data load")
        run("model new pixelcnn --layers 1 --hidden 4")
        for (line, hidden) in [("complete --images 2 --samples 2", 392), ("complete --occlude right-half --images 1", 392),
                               ("complete --box 5,20,30,4 --images 2 --samples 1", 23 * 4)] {
            let out = run(line)
            XCTAssertTrue(out[0].contains("— \(hidden) of 784 pixels of each image"), "\(line): \(out[0])")
            XCTAssertTrue(out[2].hasPrefix("given pixels changed in the completions: 0 — "), "\(line): \(out[2])")
        }
        XCTAssertTrue(run("complete --occlude box --images 1 --samples 1")[0].contains("a 14×14 box (rows 7…20, columns 7…20)"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: png("complete-pixelcnn-bottom-half-seed0").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: png("complete-pixelcnn-box-5-20-23-4-seed0").path))
    }

    func testTraceSampleStepsPixelByPixelThenContinues() throws {
        run("model new pixelcnn --layers 1 --hidden 4")
        let start = run("trace sample --seed 2")
        XCTAssertTrue(start[0].hasPrefix("tracing sampling one 28×28 image from PixelCNN"), start[0])
        let first = run("step")
        XCTAssertTrue(first[0].hasPrefix("pixel (0, 0), 1 of 784: p(x = 1 | x_<i) = "), first[0])
        XCTAssertTrue(first[0].contains("→ drew "), first[0])
        lines = []
        XCTAssertEqual(shell.execute("", repeatOnEmpty: true), .ran)      // an empty line repeats 'step'
        XCTAssertTrue(lines[0].hasPrefix("pixel (0, 1), 2 of 784: "), lines[0])
        let whereLines = run("where")
        XCTAssertTrue(whereLines.contains("pixels drawn: 2 of 784"), "\(whereLines)")
        XCTAssertTrue(whereLines.contains("next: pixel (0, 2), draw 3 of 784 in raster order"), "\(whereLines)")
        fails("show gates", saying: "sampling has no gates")
        fails("next", saying: "sampling has no layers")
        run("show state")
        XCTAssertTrue(FileManager.default.fileExists(atPath: png("trace-sample-s2-0002").path))
        let done = run("continue")
        XCTAssertEqual(done[0], "drew the remaining 782 of 784 pixels — the image is complete")
        XCTAssertTrue(done[1].contains("NLL = "), done[1])
        XCTAssertTrue(FileManager.default.fileExists(atPath: png("trace-sample-s2-done").path))
        XCTAssertTrue(run("where").contains("the image is complete"))
        fails("step", saying: "every pixel is drawn")
    }

    func testCtrlCStopsTheTracedSamplingAndContinueGoesOn() throws {
        run("model new pixelcnn --layers 1 --hidden 4")
        run("trace sample")
        let trace = try XCTUnwrap(shell.session.trace)
        lines = []
        Interruption.requested = true
        try trace.finish(shell.session)
        Interruption.clear()
        XCTAssertEqual(lines, ["stopped at pixel 0 of 784 (Ctrl-C) — 'continue' goes on, 'step' draws one"])
        XCTAssertFalse(trace.isFinished)
        XCTAssertEqual(run("continue")[0], "drew the remaining 784 of 784 pixels — the image is complete")
    }

    func testCtrlCStopsSamplingWithOneLine() throws {
        run("model new pixelcnn --layers 1 --hidden 4")
        let ctrlC = DispatchWorkItem { Interruption.requested = true }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2, execute: ctrlC)
        let out = run("sample 64 --method reference")          // seconds: far longer than 0.2 s
        ctrlC.cancel()
        XCTAssertEqual(out.count, 1, "\(out)")
        XCTAssertTrue(out[0].hasPrefix("stopped after "), out[0])
        XCTAssertTrue(out[0].hasSuffix(" of 784 pixels (Ctrl-C); nothing was kept"), out[0])
        XCTAssertNotNil(shell.session.model, "Ctrl-C keeps the model")
    }

    func testBadInputIsOneClearLine() throws {
        for line in ["sample", "trace sample"] { fails(line, saying: "no model yet") }
        run("model new pixelcnn --layers 1 --hidden 4")
        let withoutData: KeyValuePairs = [
            "complete": "no data loaded",
            "sample 0": "must be 1…256, got '0'",
            "sample many": "must be 1…256",
            "sample 2 3": "one number",
            "sample 2 --method fast": "--method must be one of automatic|reference|incremental",
            "trace sample 3": "takes no image",
            "trace sample --layer 1": "--layer is for tracing a layer",
        ]
        for (line, message) in withoutData { fails(line, saying: message) }
        run("data load")
        let complete: KeyValuePairs = [
            "--occlude top-half": "--occlude must be one of bottom-half|right-half|box",
            "--box 1,2,3": "--box expects row,column,height,width",
            "--box a,b,c,d": "--box expects row,column,height,width",
            "--box 28,0,2,2": "must start inside the 28×28 image",
            "--box 1,1,0,3": "at least 1",
            "--occlude right-half --box 1,1,2,2": "--box goes with --occlude box",
            "--images 0": "--images must be in 1...16",
            "--samples 9": "--samples must be in 1...8",
            "3": "only options",
        ]
        for (options, message) in complete { fails("complete " + options, saying: message) }
    }

}
