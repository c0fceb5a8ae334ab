import Foundation
import XCTest
@testable import PixelRNN

/// Training: validation, minibatches, loss falling, exact resume, stopping, NaN handling,
/// evaluation and the serialised training state.
final class TrainerTests: XCTestCase {
    /// `count` binary images of size×size: diagonal stripes with a random phase plus a
    /// little noise — structure a tiny model can learn.
    private func stripes(_ count: Int, size: Int = 8, seed: UInt64 = 11) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        var t = Tensor(zeros: [count, 1, size, size])
        for n in 0..<count {
            let phase = rng.nextIndex(below: 3)
            for y in 0..<size {
                for x in 0..<size {
                    let on = (x + y + phase) % 3 == 0
                    t[n, 0, y, x] = (rng.nextUniform() < 0.05) != on ? 1 : 0
                }
            }
        }
        return t
    }

    private func tinyNetwork(seed: UInt64 = 1, layers: Int = 1, hidden: Int = 4) throws -> PixelNetwork {
        try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: layers, hidden: hidden), seed: seed)
    }

    private func bits(_ network: any PixelModel) -> [String: [UInt32]] {
        Dictionary(uniqueKeysWithValues: network.namedParameters.map { ($0.0, $0.1.value.data.map(\.bitPattern)) })
    }

    // MARK: hyper-parameters and data

    func testImpossibleHyperparametersAreClearErrors() {
        let cases: [(TrainingHyperparameters, String)] = [
            (.init(batchSize: 0), "batch size must be at least 1, got 0"),
            (.init(batchSize: -3), "batch size must be at least 1, got -3"),
            (.init(learningRate: 0), "learning rate must be a positive number, got 0.0"),
            (.init(learningRate: -1e-3), "learning rate must be a positive number, got -0.001"),
            (.init(learningRate: .nan), "learning rate must be a positive number"),
            (.init(epochs: 0), "epochs must be at least 1, got 0"),
            (.init(clip: 0), "clip must be a positive number (or off), got 0.0"),
        ]
        for (h, message) in cases {
            XCTAssertThrowsError(try h.validate()) { XCTAssertTrue("\($0)".hasPrefix(message), "\($0)") }
            XCTAssertThrowsError(try Trainer(network: try tinyNetwork(), hyperparameters: h))
        }
        XCTAssertNoThrow(try TrainingHyperparameters(clip: nil).validate())
    }

    func testBatchLargerThanTheDataUsesEveryImageOncePerStep() throws {
        let h = TrainingHyperparameters(epochs: 2, batchSize: 64)
        XCTAssertEqual(h.effectiveBatchSize(trainingImages: 10), 10)
        XCTAssertEqual(h.stepsPerEpoch(trainingImages: 10), 1)
        XCTAssertEqual(h.notes(trainingImages: 10),
                       ["The batch size 64 is larger than the 10 training images: each step uses all 10 images, one step per epoch."])
        let trainer = try Trainer(network: try tinyNetwork(), hyperparameters: h)
        XCTAssertEqual(try trainer.run(TrainingImages(stripes(10))), .finished)
        XCTAssertEqual(trainer.state.step, 2)
    }

    func testImagesThatAreNotLevelsAreRefused() throws {
        let trainer = try Trainer(network: try tinyNetwork(), hyperparameters: .init())
        var grey = stripes(4); grey.data[5] = 0.5
        let cases: [(Tensor, String)] = [
            (grey, "training images must hold levels 0…1, found 0.5 — binarize them first"),
            (Tensor(zeros: [0, 1, 8, 8]), "no training images"),
            (Tensor(zeros: [2, 3, 8, 8]), "training images have 3 colour channels, the model 1"),
        ]
        for (images, message) in cases {
            XCTAssertThrowsError(try trainer.run(TrainingImages(images))) { XCTAssertEqual("\($0)", message) }
        }
        XCTAssertEqual(trainer.state.step, 0)
    }

    func testMinibatchesCoverEachEpochInASeededOrder() {
        let s = MinibatchSchedule(count: 10, batchSize: 4, seed: 3)
        XCTAssertEqual(s.stepsPerEpoch, 3)
        for epoch in 0..<3 {
            let order = s.order(epoch: epoch)
            let batches = (0..<3).map { s.batch($0, of: order) }
            XCTAssertEqual(batches.map(\.count), [4, 4, 2])
            XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<10))
            XCTAssertEqual(order, MinibatchSchedule(count: 10, batchSize: 4, seed: 3).order(epoch: epoch))
        }
        XCTAssertNotEqual(s.order(epoch: 0), s.order(epoch: 1))
        XCTAssertNotEqual(s.order(epoch: 0), MinibatchSchedule(count: 10, batchSize: 4, seed: 4).order(epoch: 0))
    }

    // MARK: learning

    /// A tiny PixelCNN (L=1, h=4) on 8 small binary images: after 30 steps the loss is clearly lower.
    func testLossFallsOnAFewImages() throws {
        let images = stripes(8)
        let trainer = try Trainer(network: try tinyNetwork(),
                                  hyperparameters: .init(epochs: 30, batchSize: 8, learningRate: 1e-2, seed: 2))
        let before = try Evaluation.evaluate(network: trainer.network, images: images).natsPerImage
        XCTAssertEqual(try trainer.run(TrainingImages(images)), .finished)
        let after = try Evaluation.evaluate(network: trainer.network, images: images).natsPerImage
        let losses = trainer.state.lossHistory.map(\.loss)
        XCTAssertEqual(losses.count, 30)
        XCTAssertLessThan(after, 0.7 * before, "NLL \(before) → \(after) nats/image")
        XCTAssertLessThan(losses.last!, 0.7 * losses.first!, "losses \(losses)")
    }

    func testMaskedWeightsStayZeroWhileTraining() throws {
        let trainer = try Trainer(network: try tinyNetwork(layers: 2),
                                  hyperparameters: .init(epochs: 3, batchSize: 4, learningRate: 1e-2))
        try trainer.run(TrainingImages(stripes(8)))
        for (name, p) in trainer.network.namedParameters {
            guard let mask = p.mask else { continue }
            for i in 0..<p.value.count where mask.data[i] == 0 {
                XCTAssertEqual(p.value.data[i], 0, "\(name)[\(i)]")
            }
        }
    }

    // MARK: resuming and stopping

    /// k steps, state captured (weights, optimizer moments, training metadata), m more
    /// steps in a new trainer == k + m steps straight, bit for bit. Batches of 3 from 8
    /// images, so the run crosses epochs with a short last batch.
    func testResumeInMemoryEqualsAnUninterruptedRun() throws {
        for kind in OptimizerKind.allCases {
            let images = TrainingImages(stripes(8))
            let h = TrainingHyperparameters(epochs: 5, batchSize: 3, learningRate: 5e-3, optimizer: kind, clip: 0.5, seed: 9)
            let straight = try Trainer(network: try tinyNetwork(), hyperparameters: h)
            try straight.run(images, maxSteps: 11)

            let first = try Trainer(network: try tinyNetwork(), hyperparameters: h)
            XCTAssertEqual(try first.run(images, maxSteps: 4), .reachedStepLimit)
            let weights = first.network.namedParameters.map { $0.1.value }
            let moments = first.optimizer.state(), metadata = first.state.metadata()

            let network = try tinyNetwork(seed: 99)                       // other initial weights, overwritten
            for ((_, p), w) in zip(network.namedParameters, weights) { p.value = w }
            let second = try Trainer(network: network, state: try TrainingState(metadata: metadata))
            try second.loadOptimizerState(moments)
            try second.run(images, maxSteps: 7)

            XCTAssertEqual(bits(second.network), bits(straight.network), "\(kind)")
            XCTAssertEqual(second.state, straight.state, "\(kind)")
        }
    }

    /// The same through a checkpoint file and its optimizer file (Checkpoint.save / load).
    func testResumeThroughACheckpointFileEqualsAnUninterruptedRun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pixelrnn-resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("run.safetensors")
        let images = TrainingImages(stripes(8))
        let h = TrainingHyperparameters(epochs: 4, batchSize: 3, learningRate: 5e-3, seed: 4)

        let straight = try Trainer(network: try tinyNetwork(), hyperparameters: h)
        try straight.run(images)

        let first = try Trainer(network: try tinyNetwork(), hyperparameters: h, dataDescription: "stripes")
        try first.run(images, maxSteps: 5)
        try Checkpoint.save(first.network, to: file, metadata: first.state.metadata(), optimizerState: first.optimizer.state())

        let loaded = try Checkpoint.load(from: file)
        let second = try Trainer(network: loaded.network, state: try TrainingState(metadata: loaded.metadata))
        try second.loadOptimizerState(try XCTUnwrap(try Checkpoint.loadOptimizerState(for: file)))
        XCTAssertEqual(second.state.dataDescription, "stripes")
        XCTAssertEqual(try second.run(images), .finished)
        XCTAssertEqual(bits(second.network), bits(straight.network))
        XCTAssertEqual(second.state.lossHistory, straight.state.lossHistory)
    }

    func testOptimizerStateFromAnotherStepIsRefused() throws {
        let h = TrainingHyperparameters(epochs: 2, batchSize: 4)
        let a = try Trainer(network: try tinyNetwork(), hyperparameters: h)
        try a.run(TrainingImages(stripes(8)), maxSteps: 2)
        let b = try Trainer(network: try tinyNetwork(), hyperparameters: h)
        XCTAssertThrowsError(try b.loadOptimizerState(a.optimizer.state())) {
            XCTAssertEqual("\($0)", "the optimizer state is at step 2, the training state at step 0")
        }
    }

    /// `shouldStop` is polled at step boundaries: the model is as after the last step.
    func testStopRequestKeepsTheModelAfterTheLastCompletedStep() throws {
        let images = TrainingImages(stripes(8))
        let h = TrainingHyperparameters(epochs: 3, batchSize: 2)
        let reference = try Trainer(network: try tinyNetwork(), hyperparameters: h)
        try reference.run(images, maxSteps: 3)

        let trainer = try Trainer(network: try tinyNetwork(), hyperparameters: h)
        var reports: [TrainingProgress] = []
        let outcome = try trainer.run(images, progress: { reports.append($0) }, shouldStop: { reports.count >= 3 })
        XCTAssertEqual(outcome, .stopped)
        XCTAssertEqual(trainer.state.step, 3)
        XCTAssertEqual(trainer.state.epochStep, 3)
        XCTAssertEqual(bits(trainer.network), bits(reference.network))
        XCTAssertEqual(reports.map(\.step), [1, 2, 3])
        XCTAssertTrue(reports.allSatisfy { $0.imagesPerSecond > 0 && $0.etaSeconds.isFinite && $0.stepsPerEpoch == 4 })
    }

    func testProgressReportsStepsAndEpochEndsWithValidation() throws {
        let images = stripes(6)
        let trainer = try Trainer(network: try tinyNetwork(), hyperparameters: .init(epochs: 2, batchSize: 3))
        var events: [TrainingProgress.Event] = []
        try trainer.run(TrainingImages(images), validation: stripes(3, seed: 5), progress: { events.append($0.event) })
        XCTAssertEqual(events.count, 6)
        XCTAssertEqual(events[0], .step)
        guard case .epochEnd(let nll?) = events[2] else { return XCTFail("no validation at the end of epoch 1: \(events)") }
        XCTAssertEqual(trainer.state.validationHistory.map(\.epoch), [1, 2])
        XCTAssertEqual(trainer.state.validationHistory[0].nll, nll)
        XCTAssertEqual(trainer.state.epoch, 2)
    }

    // MARK: non-finite numbers

    /// A NaN loss is caught before the update: no step is taken, the weights are untouched.
    func testNaNLossStopsBeforeTheUpdate() throws {
        let network = try tinyNetwork()
        let trainer = try Trainer(network: network, hyperparameters: .init(epochs: 2, batchSize: 4))
        try trainer.run(TrainingImages(stripes(8)), maxSteps: 1)
        network.head[1].bias.value.data[0] = .nan                  // a poisoned weight: every logit is NaN
        let before = bits(network)
        XCTAssertThrowsError(try trainer.run(TrainingImages(stripes(8)))) { error in
            XCTAssertEqual(error as? TrainingError, .nonFinite(NonFiniteStep(step: 2, epoch: 1, quantity: .loss, isNaN: true)))
            XCTAssertEqual("\(error)", "step 2 (epoch 1): the loss is NaN; stopped, the weights are those after step 1")
        }
        XCTAssertEqual(bits(network), before)
        XCTAssertEqual(trainer.state.step, 1)
        XCTAssertEqual(trainer.optimizer.stepCount, 1)
    }

    /// An update that overflows is undone: weights and moments as before the step.
    func testOverflowingUpdateIsUndone() throws {
        let network = try tinyNetwork()
        let trainer = try Trainer(network: network, hyperparameters: .init(epochs: 1, batchSize: 4, learningRate: 1e38,
                                                                         optimizer: .rmsprop, clip: nil))
        let before = bits(network)
        XCTAssertThrowsError(try trainer.run(TrainingImages(stripes(8)))) { error in
            guard case TrainingError.nonFinite(let fault) = error, case .updatedParameter = fault.quantity else { return XCTFail("\(error)") }
            let message = fault.description
            XCTAssertTrue(message.hasPrefix("step 1 (epoch 1): the update made "), message)
            XCTAssertTrue(message.contains("the weights are those after step 0"), message)
        }
        XCTAssertEqual(bits(network), before)
        XCTAssertEqual(trainer.state.step, 0)
        XCTAssertEqual(trainer.optimizer.stepCount, 0)
    }

    // MARK: evaluation and state

    func testEvaluationIsTheMeanNLLInNatsAndBitsPerDimension() throws {
        let network = try tinyNetwork()
        let images = stripes(5)
        let result = try Evaluation.evaluate(network: network, images: images, batchSize: 2)
        let nll = Likelihood.negativeLogLikelihood(logits: network.forward(images).logits, pixels: images, levels: 2)
        XCTAssertEqual(result.natsPerImage, nll.reduce(0, +) / 5, accuracy: 1e-4)
        XCTAssertEqual(result.bitsPerDimension, result.natsPerImage / (64 * log(2.0)), accuracy: 1e-12)
        XCTAssertEqual(result.images, 5)
        XCTAssertEqual(result.dimensions, 64)
        XCTAssertThrowsError(try Evaluation.evaluate(network: network, images: images, batchSize: 0))
    }

    func testTrainingStateRoundTripsThroughMetadata() throws {
        var state = TrainingState(hyperparameters: .init(epochs: 7, batchSize: 5, learningRate: 3e-4, optimizer: .rmsprop,
                                                         clip: nil, seed: .max), dataDescription: "bundled, threshold 0.5")
        state.epoch = 2; state.epochStep = 3; state.step = 41
        state.lossHistory = [.init(step: 1, loss: 543.2109375), .init(step: 2, loss: 0.1 + 0.2)]
        state.validationHistory = [.init(epoch: 1, nll: 98.76543210987654)]
        let metadata = state.metadata()
        XCTAssertEqual(metadata["training.optimizer"], "rmsprop")
        XCTAssertEqual(metadata["training.clip"], "off")
        XCTAssertEqual(try TrainingState(metadata: metadata), state)
        var broken = metadata; broken["training.lr"] = "fast"
        XCTAssertThrowsError(try TrainingState(metadata: broken)) {
            XCTAssertEqual("\($0)", "training state: 'training.lr' = 'fast' is not a number")
        }
        XCTAssertThrowsError(try TrainingState(metadata: metadata.filter { $0.key != "training.step" })) {
            XCTAssertEqual("\($0)", "training state: no 'training.step'")
        }
    }
}
