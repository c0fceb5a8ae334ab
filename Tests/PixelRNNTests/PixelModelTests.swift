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

        func onePassLogits(_ pixels: Tensor) -> Tensor { try! logits(pixels, shouldStop: { false }) }

        let samplesIncrementally = false
        func makeIncrementalStepper(batch: Int, height: Int, width: Int) throws -> ConditionalStepper {
            throw SamplingError.noFastPath("a coin has no incremental form")
        }

        /// No stream, and the logits do not depend on the input: its gradient is zero.
        let streamCount = 0
        func inputGradient(_ pixels: Tensor, stream: Int?, outputGradient: (_ shape: [Int]) -> Tensor,
                           shouldStop: () -> Bool) throws -> Tensor {
            _ = outputGradient([pixels.shape[0], 1, pixels.shape[2], pixels.shape[3]])
            return Tensor(zeros: pixels.shape)
        }
        let residualStack: (any ResidualStack)? = nil
        /// The logits, one a pixel.
        func activationFloatsPerImage(height: Int, width: Int) -> Double { Double(height * width) }
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

    /// Sampling, completion and receptive fields take any `PixelModel` too: the coin is
    /// sampled on the reference path (it has no incremental one, and saying `.incremental`
    /// is an error naming why), and its field is empty.
    func testSamplerAndReceptiveFieldTakeAnyModel() throws {
        let model = CoinModel()
        XCTAssertFalse(Sampler.hasIncrementalPath(model))
        XCTAssertTrue(try Sampler.makeStepper(network: model, batch: 1, height: 4, width: 4, method: .automatic) is ReferenceStepper)
        XCTAssertThrowsError(try Sampler.sample(network: model, count: 1, height: 4, width: 4, seed: 1, method: .incremental)) {
            XCTAssertEqual("\($0)", "\(SamplingError.noFastPath("a coin has no incremental form"))")
        }
        let a = try Sampler.sample(network: model, count: 3, height: 5, width: 6, seed: 7)
        XCTAssertEqual(a, try Sampler.sample(network: model, count: 3, height: 5, width: 6, seed: 7))
        XCTAssertTrue(a.data.contains(0) && a.data.contains(1), "p = 0.5: 90 draws hold both levels")
        model.bias.value.data[0] = 30                           // σ(30) = 1 in Float: every pixel on
        XCTAssertEqual(try Sampler.sample(network: model, count: 2, height: 3, width: 3, seed: 7).data, [Float](repeating: 1, count: 18))
        let kept = Tensor(zeros: [1, 1, 3, 3])
        let keep = Tensor(shape: [1, 1, 3, 3], data: [1, 1, 1, 1, 0, 0, 0, 0, 0])
        let completed = try Sampler.complete(network: model, images: kept, keep: keep, samplesPerImage: 1, seed: 3)
        XCTAssertEqual(completed.data, [0, 0, 0, 0, 1, 1, 1, 1, 1], "the kept pixels stay 0, the drawn ones are on")
        let field = ReceptiveField.compute(network: model, row: 2, col: 2, height: 4, width: 4)
        XCTAssertEqual(field.size, 0)
        XCTAssertEqual(field.unseenContext.count, 10)
    }
}
