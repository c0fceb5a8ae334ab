import Foundation

extension Trainer {
    /// Trains until `hyperparameters.epochs` epochs are complete (continuing from
    /// `state`), or `shouldStop()` is true at a step boundary, or `maxSteps` steps of
    /// this call are done. After each epoch, evaluates `validation` if given.
    /// `progress` is called after every step and at every epoch end.
    /// With `keep: .bestValidation` (which needs `validation`) the network ends holding the
    /// weights of its best epoch on validation (`bestValidation`), however the run ends.
    /// Throws for bad data, and `nonFinite` (model as after the last good step).
    @discardableResult
    public func run(_ data: TrainingImages, validation: Tensor? = nil, maxSteps: Int? = nil,
                    keep: KeptWeights = .last,
                    progress: (TrainingProgress) -> Void = { _ in },
                    shouldStop: () -> Bool = { false }) throws -> TrainingOutcome {
        guard keep == .last || validation != nil else {
            throw TrainingError.invalidData("keeping the best weights on validation needs a validation split")
        }
        if keep == .last { bestValidation = nil }   // a run that keeps its last weights has no kept best
        defer { if keep == .bestValidation { restoreBestValidation() } }
        return try runEpochs(data, validation: validation, maxSteps: maxSteps, keep: keep,
                             progress: progress, shouldStop: shouldStop)
    }

    private func runEpochs(_ data: TrainingImages, validation: Tensor?, maxSteps: Int?, keep: KeptWeights,
                           progress: (TrainingProgress) -> Void, shouldStop: () -> Bool) throws -> TrainingOutcome {
        let schedule = try makeSchedule(data)
        var meter = SpeedMeter(stepsLeft: stepsLeft(schedule))
        var stepsThisCall = 0
        while state.epoch < hyperparameters.epochs {
            let images = data.imagesForEpoch(state.epoch)
            try ImageCheck.validate(images, colors: network.config.colors, levels: network.config.levels,
                                    what: "training images")
            let order = schedule.order(epoch: state.epoch)
            while state.epochStep < schedule.stepsPerEpoch {
                if shouldStop() { return .stopped }
                if let maxSteps, stepsThisCall >= maxSteps { return .reachedStepLimit }
                let indices = schedule.batch(state.epochStep, of: order)
                let result = try trainStep(MinibatchSchedule.gather(images, indices))
                advanceEpochPosition(completedEpoch: false)
                stepsThisCall += 1
                meter.stepDone(images: indices.count)
                progress(report(.step, result, schedule, meter))
            }
            advanceEpochPosition(completedEpoch: true)
            let nll = try validation.map { try Evaluation.evaluate(network: network, images: $0).natsPerImage }
            if let nll { recordValidation(epoch: state.epoch, nll: nll) }
            if let nll, keep == .bestValidation { considerForBestValidation(epoch: state.epoch, nll: nll) }
            progress(report(.epochEnd(validationNLL: nll), nil, schedule, meter))
        }
        return .finished
    }

    /// The schedule of this run; the data must fit the saved position.
    private func makeSchedule(_ data: TrainingImages) throws -> MinibatchSchedule {
        try state.validate(trainingImages: data.count)
        return MinibatchSchedule(count: data.count, batchSize: hyperparameters.batchSize, seed: hyperparameters.seed)
    }

    /// Steps until the last epoch ends.
    private func stepsLeft(_ schedule: MinibatchSchedule) -> Int {
        max(0, (hyperparameters.epochs - state.epoch) * schedule.stepsPerEpoch - state.epochStep)
    }

    private func report(_ event: TrainingProgress.Event, _ result: StepResult?, _ schedule: MinibatchSchedule,
                        _ meter: SpeedMeter) -> TrainingProgress {
        TrainingProgress(event: event, step: state.step, epochStep: state.epochStep,
                         stepsPerEpoch: schedule.stepsPerEpoch, epoch: state.epoch, epochs: hyperparameters.epochs,
                         loss: result?.loss ?? state.lossHistory.last?.loss ?? .nan,
                         gradientNorm: result?.gradientNorm ?? .nan,
                         imagesPerSecond: meter.imagesPerSecond, etaSeconds: meter.etaSeconds)
    }
}

/// Images per second and the time left, from the steps done since a run started.
struct SpeedMeter {
    private let start = DispatchTime.now().uptimeNanoseconds
    private var steps = 0
    private var images = 0
    private var stepsLeft: Int

    init(stepsLeft: Int) { self.stepsLeft = stepsLeft }

    mutating func stepDone(images n: Int) {
        steps += 1
        images += n
        stepsLeft = max(0, stepsLeft - 1)
    }

    var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    var imagesPerSecond: Double { seconds > 0 ? Double(images) / seconds : 0 }
    var etaSeconds: Double { steps > 0 ? seconds / Double(steps) * Double(stepsLeft) : .infinity }
}
