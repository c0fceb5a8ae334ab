import Foundation
import XCTest
@testable import PixelRNN

/// The trainer, the evaluation and checkpoint saving take any `PixelModel`, not only a
/// `PixelNetwork`: here a model that is not one — every pixel on with probability σ(b).
final class PixelModelTests: XCTestCase {
    /// p(x_i = 1) = σ(b) for every pixel: one parameter, logits b everywhere.
    final class CoinModel: PixelModel {
        let config = ModelConfig(kind: .pixelcnn, layers: 0, hidden: 1)
        let seed: UInt64 = 0
        let bias = Parameter(Tensor(shape: [1], data: [0]))
        var namedParameters: [(String, Parameter)] { [("coin.bias", bias)] }

        func logits(_ pixels: Tensor, shouldStop: () -> Bool) throws -> Tensor {
            Tensor(repeating: bias.value.data[0], shape: [pixels.shape[0], 1, pixels.shape[2], pixels.shape[3]])
        }

        func lossAndGradient(_ pixels: Tensor) -> [Double] {
            let z = try! logits(pixels, shouldStop: { false })
            let g = Likelihood.logitGradient(logits: z, pixels: pixels, levels: 2, meanOver: pixels.shape[0])
            bias.grad.data[0] += g.data.reduce(0, +)
            return Likelihood.negativeLogLikelihood(logits: z, pixels: pixels, levels: 2)
        }
    }

    func testTrainerEvaluationAndCheckpointTakeAnyModel() throws {
        // A quarter of the pixels on: the best b is log(1/3), the best NLL 784·H(0.25) nats.
        let pixels = Tensor(shape: [2, 1, 28, 28], data: (0..<1568).map { $0 % 4 == 0 ? 1 : 0 })
        let model = CoinModel()
        let trainer = try Trainer(network: model, hyperparameters: TrainingHyperparameters(learningRate: 0.05, clip: nil))
        for _ in 0..<400 { try trainer.trainStep(pixels) }
        XCTAssertEqual(Double(model.bias.value.data[0]), log(1.0 / 3), accuracy: 0.02)
        let entropy = -(0.25 * log(0.25) + 0.75 * log(0.75))
        let result = try Evaluation.evaluate(network: model, images: pixels)
        XCTAssertEqual(result.natsPerImage, 784 * entropy, accuracy: 0.05)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("coin-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model, to: url)
        let file = try SafeTensors.read(contentsOf: url)
        XCTAssertEqual(file.tensors["coin.bias"]?.data, model.bias.value.data)
        XCTAssertEqual(file.metadata["model"], "pixelcnn")
    }
}
