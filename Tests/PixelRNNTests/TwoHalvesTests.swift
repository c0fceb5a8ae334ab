import XCTest
import CBLAS
@testable import PixelRNN

/// The two-halves training step (`PixelNetwork+Halves`) against the one-pass path: the
/// same per-image NLLs and the same gradients, up to Float rounding, for every model kind,
/// even and odd batches, binary and 256-level colour images.
final class TwoHalvesTests: XCTestCase {
    /// Random levels for a (batch, colors, size, size) batch.
    private func images(batch: Int, colors: Int, levels: Int, size: Int, seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        let count = batch * colors * size * size
        return Tensor(shape: [batch, colors, size, size],
                      data: (0..<count).map { _ in Float(rng.nextIndex(below: levels)) })
    }

    /// The per-image NLLs and every parameter's gradient after `compute` ran on `network`
    /// (gradients zeroed first).
    private func gradients(_ network: PixelNetwork, _ compute: (PixelNetwork) -> [Double]) -> ([Double], [String: Tensor]) {
        network.zeroGrad()
        let nll = compute(network)
        return (nll, Dictionary(uniqueKeysWithValues: network.namedParameters.map { ($0.0, $0.1.grad) }))
    }

    /// The two halves (or, with `path`, another training-step path) against one pass.
    private func assertHalvesEqualOnePass(_ config: ModelConfig, batch: Int, size: Int = 7,
                                          path: (PixelNetwork, Tensor) -> [Double] = { $0.lossAndGradientInHalves($1) },
                                          file: StaticString = #filePath, line: UInt = #line) throws {
        let network = try PixelNetwork(config: config, seed: 5)
        let pixels = images(batch: batch, colors: config.colors, levels: config.levels, size: size, seed: 9)
        let (nllOne, gradOne) = gradients(network) { $0.lossAndGradientOnePass(pixels, meanOver: batch) }
        let (nllHalves, gradHalves) = gradients(network) { path($0, pixels) }
        XCTAssertEqual(nllOne.count, batch, file: file, line: line)
        XCTAssertEqual(nllHalves.count, batch, "every image's NLL comes back", file: file, line: line)
        for (a, b) in zip(nllOne, nllHalves) {
            XCTAssertEqual(a, b, accuracy: 1e-4 * max(1, abs(a)), "\(config.kind) NLL", file: file, line: line)
        }
        var largest: Float = 0
        for (name, g) in gradOne {
            let difference = g.maxAbsDifference(gradHalves[name]!)
            let scale = g.data.map(abs).max() ?? 0
            XCTAssertLessThanOrEqual(difference, 1e-4 * max(scale, 1e-3), "\(config.kind) \(name)", file: file, line: line)
            largest = max(largest, scale)
        }
        XCTAssertGreaterThan(largest, 0, "the gradients are not all zero", file: file, line: line)
    }

    /// `logits` (the two-core forward of eval and benchmark) against one forward pass.
    func testTwoCoreLogitsEqualOneForwardPass() throws {
        for (kind, batch) in [(ModelKind.pixelcnn, 5), (.rowlstm, 4), (.diagbilstm, 3)] {
            let network = try PixelNetwork(config: ModelConfig(kind: kind, layers: 2, hidden: 4), seed: 3)
            let pixels = images(batch: batch, colors: 1, levels: 2, size: 7, seed: 4)
            let one = network.forward(pixels).logits
            let two = try network.logits(pixels)
            XCTAssertEqual(two.shape, one.shape, "\(kind)")
            XCTAssertEqual(network.usesHalves(batch: batch), kind.entry.splitsBatchInHalves && Cores.count > 1 && openblas_get_num_threads() > 1)
            let scale = one.data.map(abs).max()!
            XCTAssertGreaterThan(scale, 0)
            XCTAssertLessThanOrEqual(two.maxAbsDifference(one), 1e-5 * scale, "\(kind): image order and values kept")
        }
    }

    func testConcatImagesUndoesImages() {
        let t = images(batch: 5, colors: 2, levels: 256, size: 3, seed: 1)
        XCTAssertEqual(Tensor.concatImages([t.images(0..<2), t.images(2..<2), t.images(2..<5)]), t)
    }

    func testPixelCNNHalvesEqualOnePass() throws {
        try assertHalvesEqualOnePass(ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4), batch: 4)
        try assertHalvesEqualOnePass(ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4), batch: 3)
    }

    func testRowLSTMHalvesEqualOnePass() throws {
        try assertHalvesEqualOnePass(ModelConfig(kind: .rowlstm, layers: 2, hidden: 4), batch: 5)
    }

    func testDiagonalBiLSTMHalvesEqualOnePass() throws {
        try assertHalvesEqualOnePass(ModelConfig(kind: .diagbilstm, layers: 2, hidden: 4), batch: 2)
    }

    func testColourImagesHalvesEqualOnePass() throws {
        try assertHalvesEqualOnePass(ModelConfig(kind: .pixelcnn, layers: 1, hidden: 6, colors: 3, levels: 256),
                                     batch: 3, size: 5)
    }

    /// The PixelCNN's and the Row LSTM's passes of one image at a time (`imagesPerPass`) on
    /// one core, as a step takes them when it cannot split the batch: the same NLLs and
    /// gradients as one pass over the batch (the halves above take them too, on each core).
    func testPassesOfOneImageEqualOnePass() throws {
        XCTAssertEqual(ModelKind.pixelcnn.entry.imagesPerPass, 1)
        XCTAssertEqual(ModelKind.rowlstm.entry.imagesPerPass, 1)
        XCTAssertNil(ModelKind.diagbilstm.entry.imagesPerPass, "the Diagonal BiLSTM splits its two directions over the cores")
        let passes: (PixelNetwork, Tensor) -> [Double] = { $0.lossAndGradientInPasses($1, meanOver: $1.shape[0]) }
        try assertHalvesEqualOnePass(ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4), batch: 3, path: passes)
        try assertHalvesEqualOnePass(ModelConfig(kind: .rowlstm, layers: 2, hidden: 4), batch: 3, path: passes)
        try assertHalvesEqualOnePass(ModelConfig(kind: .pixelcnn, layers: 1, hidden: 6, colors: 3, levels: 256),
                                     batch: 2, size: 5, path: passes)
    }

    /// The images taken in turn by the cores (`PixelNetwork+ImagesInTurn`) against one pass.
    func testImagesInTurnEqualOnePass() throws {
        let inTurn: (PixelNetwork, Tensor) -> [Double] = { $0.lossAndGradientImagesInTurn($1) }
        try assertHalvesEqualOnePass(ModelConfig(kind: .pixelcnn, layers: 2, hidden: 4), batch: 5, path: inTurn)
        try assertHalvesEqualOnePass(ModelConfig(kind: .rowlstm, layers: 2, hidden: 4), batch: 5, path: inTurn)
        try assertHalvesEqualOnePass(ModelConfig(kind: .pixelcnn, layers: 1, hidden: 6, colors: 3, levels: 256),
                                     batch: 2, size: 5, path: inTurn)
    }

    /// Which core takes which image changes from run to run; the gradients do not, by a bit
    /// (the cores in turn, and fixed assignments: every image on one network, on the other,
    /// alternating), and they add to what the network held before (as every training-step
    /// path does).
    func testImagesInTurnGiveTheSameBitsWhicheverCoreTakesAnImage() throws {
        for kind in [ModelKind.pixelcnn, .rowlstm] { try assertImagesInTurnGiveTheSameBits(kind) }
    }

    private func assertImagesInTurnGiveTheSameBits(_ kind: ModelKind) throws {
        let network = try PixelNetwork(config: ModelConfig(kind: kind, layers: 2, hidden: 8), seed: 3)
        let pixels = images(batch: 8, colors: 1, levels: 2, size: 12, seed: 6)
        let (nll, first) = gradients(network) { $0.lossAndGradientImagesInTurn(pixels) }
        let assignments = [[Int](repeating: 0, count: 8), [Int](repeating: 1, count: 8), (0..<8).map { $0 % 2 }, [1, 1, 0, 1, 0, 0, 0, 1]]
        for assignment in [nil] + assignments {
            let (again, grads) = gradients(network) { $0.lossAndGradientImagesInTurn(pixels, assignment: assignment) }
            XCTAssertEqual(again, nll, "\(kind), \(assignment.map(\.description) ?? "in turn")")
            for (name, g) in first { XCTAssertEqual(grads[name]!.data, g.data, "\(kind) \(name), \(assignment.map(\.description) ?? "in turn")") }
        }
        // Held gradients: 1 everywhere, then one step in turn: 1 + the step's gradient.
        for (_, p) in network.namedParameters { p.grad = Tensor(shape: p.grad.shape, data: [Float](repeating: 1, count: p.grad.count)) }
        _ = network.lossAndGradientImagesInTurn(pixels)
        for (name, p) in network.namedParameters {
            XCTAssertEqual(p.grad.maxAbsDifference(first[name]! + Tensor(shape: p.grad.shape, data: [Float](repeating: 1, count: p.grad.count))),
                           0, accuracy: 1e-6, name)
        }
    }

    /// The twin network takes the current weights at every step: after the weights
    /// change, the halves still agree with the one-pass path.
    func testHalvesFollowChangedWeights() throws {
        let network = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 4), seed: 2)
        let pixels = images(batch: 4, colors: 1, levels: 2, size: 6, seed: 3)
        _ = gradients(network) { $0.lossAndGradientInHalves(pixels) }
        for (_, p) in network.namedParameters { p.value = p.value * 1.5 }
        let (one, gradOne) = gradients(network) { $0.lossAndGradientOnePass(pixels, meanOver: 4) }
        let (halves, _) = gradients(network) { $0.lossAndGradientInHalves(pixels) }
        XCTAssertEqual(halves.count, 4)
        for (a, b) in zip(one, halves) { XCTAssertEqual(a, b, accuracy: 1e-4 * abs(a)) }
        // A second step in a row: the twin's gradients start from zero again, not from
        // the first step's.
        let (_, gradAgain) = gradients(network) { $0.lossAndGradientInHalves(pixels) }
        for (name, g) in gradOne {
            XCTAssertLessThanOrEqual(g.maxAbsDifference(gradAgain[name]!), 1e-4 * max(g.data.map(abs).max() ?? 0, 1e-3), name)
        }
    }

    /// The twin is built like the network, test-only input mask included: the halves of the
    /// deliberately wrong network (mask B on the input) equal its one-pass gradients too.
    func testTwinKeepsTheInputMask() throws {
        let network = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 4), seed: 2, inputMask: .B)
        let pixels = images(batch: 2, colors: 1, levels: 2, size: 6, seed: 4)
        let (_, one) = gradients(network) { $0.lossAndGradientOnePass(pixels, meanOver: 2) }
        let (_, halves) = gradients(network) { $0.lossAndGradientInHalves(pixels) }
        XCTAssertLessThanOrEqual(one["input.weight"]!.maxAbsDifference(halves["input.weight"]!),
                                 1e-4 * (one["input.weight"]!.data.map(abs).max() ?? 0))
    }

    /// A training step picks the halves only where they are faster and can run.
    func testWhichPathATrainingStepTakes() throws {
        let pixelcnn = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 4))
        let diagonal = try PixelNetwork(config: ModelConfig(kind: .diagbilstm, layers: 1, hidden: 4))
        XCTAssertFalse(pixelcnn.usesHalves(batch: 1), "one image cannot be halved")
        XCTAssertFalse(diagonal.usesHalves(batch: 16), "the Diagonal BiLSTM keeps its own two-direction split")
        if Cores.count > 1 && openblas_get_num_threads() > 1 {
            XCTAssertTrue(pixelcnn.usesHalves(batch: 16))
            XCTAssertTrue(pixelcnn.takesImagesInTurn(batch: 16), "a PixelCNN takes one image a pass: the images in turn")
        }
        let rowLSTM = try PixelNetwork(config: ModelConfig(kind: .rowlstm, layers: 1, hidden: 4))
        XCTAssertEqual(rowLSTM.takesImagesInTurn(batch: 16), Cores.count > 1 && openblas_get_num_threads() > 1,
                       "a Row LSTM takes one image a pass too: the images in turn wherever there are two cores")
        XCTAssertFalse(diagonal.takesImagesInTurn(batch: 16))
        XCTAssertFalse(pixelcnn.takesImagesInTurn(batch: 1))
        let config = pixelcnn.config
        XCTAssertTrue(PixelNetwork.imageSlotsFit(config: config, parameters: PixelNetwork.imageSlotLimit / 16, batch: 16))
        XCTAssertFalse(PixelNetwork.imageSlotsFit(config: config, parameters: PixelNetwork.imageSlotLimit / 16 + 1, batch: 16),
                       "above the slot limit: the fixed halves")
    }
}
