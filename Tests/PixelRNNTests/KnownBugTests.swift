import XCTest
@testable import PixelRNN

/// The known bugs of `model new … --bug NAME` (Models README, "Known bugs"): each is caught by
/// `CausalityCheck` exactly when it leaks, each really changes the model, the plain-path-only
/// variants back-propagate correctly, and checkpoints keep the bug.
final class KnownBugTests: XCTestCase {
    /// A small network of `kind` with `bug` (3 colours for no-colour-mask, h a multiple of 3).
    private func network(_ kind: ModelKind, _ bug: KnownBug?, colors: Int = 1, seed: UInt64 = 5) throws -> PixelNetwork {
        try PixelNetwork(config: ModelConfig(kind: kind, layers: 2, hidden: 3, colors: colors, levels: 2, bug: bug), seed: seed)
    }

    private func colours(for bug: KnownBug) -> Int { bug == .noColourMask ? 3 : 1 }

    /// Every bug on every kind it applies to, on both paths: the check finds leaks exactly when
    /// the bug leaks. sigmoid-g and flip-skewed are NOT leaks (they are causal: only a worse
    /// NLL or a narrower receptive field betrays them), and the check says so.
    func testEachBugIsCaughtExactlyWhenItLeaks() throws {
        for bug in KnownBug.allCases {
            for kind in bug.kinds {
                for fast in [false, true] {
                    try withComputePath(fast: fast) {
                        let net = try network(kind, bug, colors: colours(for: bug))
                        let check = try CausalityCheck.run(model: net, height: 6, width: 6, seed: 3)
                        let what = "\(bug.rawValue) on \(kind), \(fast ? "fast" : "plain")"
                        XCTAssertGreaterThan(check.inputsWithAnEffect, 20, "\(what): the check must see dependencies at all")
                        if bug.leaks {
                            XCTAssertFalse(check.isCausal, "\(what) leaks, the check must catch it")
                        } else {
                            XCTAssertTrue(check.isCausal, "\(what) is not a leak (the model stays causal), but the check found \(check.leaks.count)")
                        }
                    }
                }
            }
        }
    }

    /// The paper's models pass the same check (so the check above can tell them apart).
    func testPaperModelsAreCausal() throws {
        for kind in ModelKind.allCases {
            for colors in [1, 3] {
                let check = try CausalityCheck.run(model: try network(kind, nil, colors: colors), height: 5, width: 5, seed: 4)
                XCTAssertTrue(check.isCausal, "\(kind), \(colors) colour(s): \(check.leaks.prefix(3))")
                XCTAssertEqual(check.leakedInputsPerOutput, [Int](repeating: 0, count: 25))
            }
        }
    }

    /// Where the leaks are, for the bugs whose geometry is simple to state.
    func testTheLeaksAreWhereTheBugPutsThem() throws {
        let width = 6
        // mask B first: every output sees its own pixel.
        let maskB = try CausalityCheck.run(model: try network(.pixelcnn, .maskBFirst), height: 6, width: width)
        XCTAssertTrue((0..<36).allSatisfy { maskB.leakedPixels(row: $0 / width, col: $0 % width)[$0] }, "each pixel sees itself")
        // no shift: (r, c) sees the rest of its own row, e.g. (2, 1) sees (2, 2).
        let noShift = try CausalityCheck.run(model: try network(.diagbilstm, .noShift), height: 6, width: width)
        XCTAssertTrue(noShift.leakedPixels(row: 2, col: 1)[2 * width + 2])
        XCTAssertFalse(noShift.leaks.contains { $0.inputPixel / width > $0.outputPixel / width }, "no-shift leaks within the row only")
        // same padding: the row below.
        let same = try CausalityCheck.run(model: try network(.diagbilstm, .samePadding), height: 6, width: width)
        XCTAssertTrue(same.leaks.contains { $0.inputPixel / width > $0.outputPixel / width }, "same-padding reads the row below")
        // no colour mask: R (colour 0) sees G and B of its own pixel.
        let colour = try CausalityCheck.run(model: try network(.pixelcnn, .noColourMask, colors: 3), height: 4, width: 4)
        XCTAssertTrue(colour.leaks.contains { $0.outputPixel == $0.inputPixel && $0.outputColour == 0 && $0.inputColour == 2 })
    }

    /// flip-skewed is causal but its field misses the upper right that the paper's model sees
    /// (one pixel unseen, the end of the row above; with the bug 18 on a 10×10 image).
    func testFlipSkewedMissesContext() throws {
        func unseen(_ bug: KnownBug?) throws -> Int {
            let net = try PixelNetwork(config: ModelConfig(kind: .diagbilstm, layers: 1, hidden: 4, bug: bug), seed: 0)
            let field = ReceptiveField.compute(network: net, row: 6, col: 3, height: 10, width: 10)
            XCTAssertTrue(field.violations.isEmpty)
            return field.unseenContext.count
        }
        XCTAssertEqual(try unseen(nil), 1)
        XCTAssertEqual(try unseen(.flipSkewed), 18)
    }

    /// Each bug changes the logits of a model with the same seed (the switch is real).
    func testEachBugChangesTheModel() throws {
        var rng = SeededGenerator(seed: 8)
        for bug in KnownBug.allCases {
            for kind in bug.kinds {
                let colors = colours(for: bug)
                let pixels = Tensor(shape: [1, colors, 5, 5], data: (0..<(colors * 25)).map { _ in rng.nextUniform() < 0.5 ? 1 : 0 })
                let paper = try network(kind, nil, colors: colors).forward(pixels).logits
                let buggy = try network(kind, bug, colors: colors).forward(pixels).logits
                XCTAssertGreaterThan(zip(paper.data, buggy.data).map { abs($0 - $1) }.max()!, 1e-4, "\(bug.rawValue) on \(kind)")
            }
        }
    }

    /// Finite differences through whole networks with the bugs whose plain code is new (the
    /// Diagonal LSTM's σ on g, same padding, flipped skewed map; the Row LSTM's σ on g), for
    /// the LSTMs' input-to-state and state-to-state weights.
    func testBuggyPlainPathsBackPropagateCorrectly() throws {
        for (kind, bug) in [(ModelKind.diagbilstm, KnownBug.sigmoidG), (.diagbilstm, .samePadding), (.diagbilstm, .flipSkewed),
                            (.rowlstm, .sigmoidG)] {
            let net = try network(kind, bug, seed: 12)
            var rng = SeededGenerator(seed: 5)
            let pixels = Tensor(shape: [2, 1, 4, 5], data: (0..<40).map { _ in rng.nextUniform() < 0.4 ? 1 : 0 })
            // The weights the new code back-propagates into (the head's and out's biases move every
            // pixel and cross ReLU kinks within the step, whatever the bug).
            checkNetworkFiniteDifferences(net, pixels, samples: 6, tolerance: 5e-3, bug.rawValue) {
                $0.contains(".i_s.") || $0.contains(".s_s.")
            }
        }
    }

    /// The plain-path-only variants compute the same numbers whatever `ComputePath` says; the
    /// others agree between the paths to Float rounding.
    func testBuggyModelsAgreeBetweenThePaths() throws {
        var rng = SeededGenerator(seed: 9)
        for bug in KnownBug.allCases {
            for kind in bug.kinds {
                let colors = colours(for: bug)
                let net = try network(kind, bug, colors: colors)
                let pixels = Tensor(shape: [2, colors, 5, 6], data: (0..<(2 * colors * 30)).map { _ in rng.nextUniform() < 0.5 ? 1 : 0 })
                let plain = try withComputePath(fast: false) { net.forward(pixels).logits }
                let fast = try withComputePath(fast: true) { net.forward(pixels).logits }
                XCTAssertLessThan(zip(plain.data, fast.data).map { abs($0 - $1) }.max()!, 1e-4, "\(bug.rawValue) on \(kind)")
            }
        }
    }

    /// A buggy model samples on the reference path: the incremental sampler assumes that a
    /// position's maps are final once the pixels before it are drawn, which a leak breaks.
    func testBuggyModelsHaveNoIncrementalSampler() throws {
        for bug in KnownBug.allCases {
            let net = try network(bug.kinds[0], bug, colors: colours(for: bug))
            XCTAssertFalse(Sampler.hasIncrementalPath(net), bug.rawValue)
            XCTAssertThrowsError(try IncrementalStepper(network: net, batch: 1, height: 4, width: 4), bug.rawValue)
        }
        XCTAssertTrue(Sampler.hasIncrementalPath(try network(.pixelcnn, nil)))
    }

    /// A bug that does not apply to a kind is refused with the reason.
    func testInapplicableBugsAreRefused() {
        XCTAssertThrowsError(try network(.pixelcnn, .sigmoidG)) { XCTAssertTrue("\($0)".contains("no LSTM content gate"), "\($0)") }
        XCTAssertThrowsError(try network(.rowlstm, .noShift)) { XCTAssertTrue("\($0)".contains("Diagonal BiLSTM only"), "\($0)") }
        XCTAssertThrowsError(try network(.rowlstm, .samePadding))
        XCTAssertThrowsError(try network(.pixelcnn, .noColourMask, colors: 1)) { XCTAssertTrue("\($0)".contains("--colors 3"), "\($0)") }
    }

    /// A checkpoint keeps the bug in its metadata and loads it back; a file without the key is
    /// the paper's model; an unknown bug name is refused.
    func testCheckpointsKeepTheBug() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("knownbug-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let net = try network(.diagbilstm, .noShift)
        let url = folder.appendingPathComponent("m.safetensors")
        try Checkpoint.save(net, to: url)
        let loaded = try Checkpoint.load(from: url)
        XCTAssertEqual(loaded.metadata["bug"], "no-shift")
        XCTAssertEqual(loaded.network.config.bug, .noShift)
        XCTAssertFalse(((loaded.network as! PixelNetwork).blocks[0] as! DiagonalBiLSTMBlock).shiftsBackwardDirection)
        var metadata = Checkpoint.metadata(for: net.config)
        XCTAssertEqual(metadata["bug"], "no-shift")
        metadata["bug"] = nil
        XCTAssertNil(try Checkpoint.config(fromMetadata: metadata, file: "f").bug)
        metadata["bug"] = "off-by-one"
        XCTAssertThrowsError(try Checkpoint.config(fromMetadata: metadata, file: "f")) {
            XCTAssertTrue("\($0)".contains("\"off-by-one\""), "\($0)")
        }
    }
}
