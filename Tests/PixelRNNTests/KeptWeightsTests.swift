import Foundation
import XCTest
@testable import PixelRNN

/// `Trainer.run(keep: .bestValidation)`: the network ends holding exactly the weights of
/// the epoch with the lowest validation NLL, checked against a run that stops after each
/// epoch and keeps everything.
final class KeptWeightsTests: XCTestCase {
    /// Mostly-on images to train on, and all-off images to validate on: the better the
    /// model learns "pixels are on", the worse its validation NLL, so the best epoch on
    /// validation comes early and is not the last.
    private func mostlyOn(_ count: Int, seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        var t = Tensor(zeros: [count, 1, 6, 6])
        for k in 0..<t.count { t.data[k] = rng.nextUniform() < 0.9 ? 1 : 0 }
        return t
    }

    private func network() throws -> PixelNetwork {
        try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 4), seed: 3)
    }

    private let hyperparameters = TrainingHyperparameters(epochs: 5, batchSize: 4, learningRate: 0.01)

    private func bits(_ network: any PixelModel) -> [[UInt32]] { network.namedParameters.map { $0.1.value.data.map(\.bitPattern) } }

    func testTheNetworkEndsWithTheWeightsOfItsBestEpochOnValidation() throws {
        let images = TrainingImages(mostlyOn(8, seed: 1))
        let validation = Tensor(zeros: [3, 1, 6, 6])

        // Reference: one epoch per call (2 steps), weights and validation NLL after each.
        let reference = try Trainer(network: try network(), hyperparameters: hyperparameters)
        var weightsAfter: [[[UInt32]]] = []
        for _ in 0..<hyperparameters.epochs {
            try reference.run(images, validation: validation, maxSteps: 2)
            weightsAfter.append(bits(reference.network))
        }
        let nlls = reference.state.validationHistory.map(\.nll)
        XCTAssertEqual(nlls.count, hyperparameters.epochs)
        let best = nlls.indices.min { nlls[$0] < nlls[$1] }!
        XCTAssertLessThan(best, nlls.count - 1, "the test needs a best epoch before the last: \(nlls)")

        let trainer = try Trainer(network: try network(), hyperparameters: hyperparameters)
        XCTAssertEqual(try trainer.run(images, validation: validation, keep: .bestValidation), .finished)
        XCTAssertEqual(trainer.state.validationHistory.map(\.nll), nlls, "the same run")
        XCTAssertEqual(trainer.bestValidation?.epoch, best + 1)
        XCTAssertEqual(trainer.bestValidation?.nll, nlls[best])
        XCTAssertEqual(bits(trainer.network), weightsAfter[best], "the network holds the best epoch's weights")
        XCTAssertNotEqual(bits(trainer.network), weightsAfter.last!)

        // Keeping the last weights is the default, and forgets any kept best.
        let last = try Trainer(network: try network(), hyperparameters: hyperparameters)
        try last.run(images, validation: validation)
        XCTAssertEqual(bits(last.network), weightsAfter.last!)
        XCTAssertNil(last.bestValidation)
    }

    func testKeepingTheBestNeedsValidationAndAnEndedEpoch() throws {
        let images = TrainingImages(mostlyOn(8, seed: 2))
        let trainer = try Trainer(network: try network(), hyperparameters: hyperparameters)
        XCTAssertThrowsError(try trainer.run(images, keep: .bestValidation)) {
            XCTAssertTrue("\($0)".contains("needs a validation split"), "\($0)")
        }
        XCTAssertEqual(trainer.state.step, 0, "nothing trained")
        // Stopped inside the first epoch: nothing to choose by, the last weights stay.
        XCTAssertEqual(try trainer.run(images, validation: Tensor(zeros: [2, 1, 6, 6]), maxSteps: 1, keep: .bestValidation),
                       .reachedStepLimit)
        let oneStep = try Trainer(network: try network(), hyperparameters: hyperparameters)
        try oneStep.run(images, maxSteps: 1)
        XCTAssertNil(trainer.bestValidation)
        XCTAssertEqual(trainer.state.step, 1)
        XCTAssertEqual(bits(trainer.network), bits(oneStep.network), "the weights after its one step")
        XCTAssertNotEqual(bits(trainer.network), bits(try network()))
    }
}
