import XCTest
@testable import PixelRNN

/// A training state read from a file is untrusted: every field, given an out-of-range,
/// negative, huge, non-numeric or non-finite value, is refused with one line naming the
/// problem — before a trainer can use it (issue 13: epoch_step -1 crashed the schedule).
final class TrainingStateValidationTests: XCTestCase {
    /// A good state: 2 epochs done and 3 steps of the third (10 steps per epoch), with curves.
    func goodState() -> TrainingState {
        var state = TrainingState(hyperparameters: .init(epochs: 5, batchSize: 4, learningRate: 1e-3, optimizer: .adam,
                                                         clip: 1, seed: 7), dataDescription: "bundled")
        state.epoch = 2; state.epochStep = 3; state.step = 23
        state.lossHistory = (1...23).map { .init(step: $0, loss: 500 - Double($0)) }
        state.validationHistory = [.init(epoch: 1, nll: 120), .init(epoch: 2, nll: 110)]
        return state
    }

    func testAGoodStateReadsBack() throws {
        let state = goodState()
        XCTAssertEqual(try TrainingState(metadata: state.metadata()), state)
        XCTAssertNoThrow(try state.validate(trainingImages: 40))
    }

    /// Every key, many bad values: each is an error (a `TrainingError`), never a crash or a silent accept.
    func testEveryFieldRefusesBadValues() {
        let numbersBad = ["-1", "-100", "abc", "", "1e999", "nan", "inf", "9223372036854775808", "99999999999999999999", "0x10", " 3"]
        let bad: [String: [String]] = [
            "training.epoch": numbersBad + ["6", "1000000000"],
            "training.epoch_step": numbersBad + ["24", "1000000000"],
            "training.step": numbersBad + ["22", "16777217", "1000000000000"],
            "training.epochs": numbersBad + ["0", "1", "2", "10000001", "1000000000000"],
            "training.batch": numbersBad + ["0", "-5", "1000001"],
            "training.lr": ["-1", "0", "abc", "", "nan", "inf", "-inf", "1e999"],
            "training.clip": ["-1", "0", "abc", "", "nan", "inf", "-inf", "1e999"],
            "training.seed": ["-1", "abc", "", "18446744073709551616", "1.5", "nan"],
            "training.optimizer": ["", "sgd", "ADAM", "adam\u{0}"],
            "training.loss_history": ["1:nan", "1:inf", "1:-5", "0:1", "-1:1", "24:1", "2:1,1:1", "1:1,1:1", "1:1e999",
                                      "x:1", "1:y", "1", "1:2:3", "9223372036854775808:1"],
            "training.valid_history": ["1:nan", "1:inf", "1:-1", "0:1", "3:1", "-1:100", "2:1,1:1", "1:1e999", "a:b", "1;2",
                                       "1:1,1:1,1:1"],
        ]
        let good = goodState().metadata()
        for (key, values) in bad {
            for value in values {
                var m = good
                m[key] = value
                XCTAssertThrowsError(try TrainingState(metadata: m), "\(key) = '\(value)' was accepted") { error in
                    guard case TrainingError.malformedState(let text) = error else {
                        return XCTFail("\(key) = '\(value)': \(error)")
                    }
                    XCTAssertTrue(text.hasPrefix("training state: "), text)
                    XCTAssertFalse(text.contains("\n"))
                }
            }
        }
        for key in ["training.epoch", "training.epoch_step", "training.step", "training.epochs", "training.batch",
                    "training.lr", "training.clip", "training.seed", "training.optimizer"] {
            XCTAssertThrowsError(try TrainingState(metadata: good.filter { $0.key != key }), "no \(key) was accepted")
        }
    }

    /// The fields must agree with each other: done epochs, the step within the epoch and the step count.
    func testFieldsMustAgreeWithEachOther() {
        var finished = goodState()
        finished.epoch = 5; finished.epochStep = 1
        XCTAssertThrowsError(try finished.validate())    // all epochs done, yet inside another
        var tooFewSteps = goodState()
        tooFewSteps.step = 4; tooFewSteps.lossHistory = []   // 2 epochs and 3 steps need at least 5 steps
        XCTAssertThrowsError(try tooFewSteps.validate())
        var laterValidation = goodState()
        laterValidation.validationHistory.append(.init(epoch: 3, nll: 100))   // epoch 3 is not done
        XCTAssertThrowsError(try laterValidation.validate())
    }

    /// The step within the epoch must exist for the data it resumes on.
    func testThePositionMustFitTheData() {
        let state = goodState()   // 3 steps into an epoch, batch 4
        XCTAssertNoThrow(try state.validate(trainingImages: 12))   // 3 steps per epoch: at the epoch's end
        XCTAssertThrowsError(try state.validate(trainingImages: 8)) {   // 2 steps per epoch
            XCTAssertTrue("\($0)".contains("make only 2 steps"), "\($0)")
        }
        XCTAssertThrowsError(try state.validate(trainingImages: 0))
    }

    /// A trainer refuses a bad state itself (not only the metadata reader), so `run` cannot crash.
    func testTrainerAndRunRefuseABadState() throws {
        let network = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2, colors: 1, levels: 2), seed: 0)
        for edit in [{ (s: inout TrainingState) in s.epochStep = -1 }, { $0.epochStep = -100 }, { $0.epoch = -1 },
                     { $0.step = -3 }, { $0.lossHistory[0].loss = .nan }, { $0.validationHistory[0].nll = .infinity }] {
            var state = goodState()
            edit(&state)
            XCTAssertThrowsError(try Trainer(network: network, state: state))
        }
        // A state that is fine by itself but not for these 8 images: `run` throws, no step is taken.
        let trainer = try Trainer(network: network, state: goodState())
        let images = Tensor(shape: [8, 1, 4, 4], data: (0..<128).map { Float($0 % 2) })
        XCTAssertThrowsError(try trainer.run(TrainingImages(images), maxSteps: 1))
        XCTAssertEqual(trainer.state.step, 23)
    }

    /// Optimizer moments from a file: non-finite values, or a negative mean of squares, are refused.
    func testOptimizerMomentsMustBeFiniteAndSquaresNonNegative() throws {
        let network = try PixelNetwork(config: ModelConfig(kind: .pixelcnn, layers: 1, hidden: 2, colors: 1, levels: 2), seed: 0)
        let parameters = network.namedParameters
        for kind in OptimizerKind.allCases {
            let source = makeOptimizer(kind, learningRate: 1e-3)
            for (_, p) in parameters { p.grad = Tensor(shape: p.value.shape, data: [Float](repeating: 0.5, count: p.value.count)) }
            source.step(parameters: parameters)
            let saved = source.state()
            let momentNames = saved.keys.filter { $0 != OptimizerStateNames.step }.sorted()
            for name in momentNames {
                let isSquare = name.contains("_sq.") || name.contains("square_avg.")
                for value in [Float.nan, .infinity, -.infinity] + (isSquare ? [-1] : []) {
                    var broken = saved
                    var t = broken[name]!
                    t.data[0] = value
                    broken[name] = t
                    XCTAssertThrowsError(try makeOptimizer(kind, learningRate: 1e-3).load(state: broken, matching: parameters),
                                         "\(kind) \(name) = \(value) was accepted")
                }
            }
            XCTAssertNoThrow(try makeOptimizer(kind, learningRate: 1e-3).load(state: saved, matching: parameters))
        }
    }
}
