import Foundation
import Tensor

/// One epoch's figures, reported as soon as the epoch ends.
public struct EpochReport: Codable, Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var learningRate: Double
    public var seconds: Double

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, validationLoss: Double?, validationAccuracy: Double?,
                learningRate: Double, seconds: Double) {
        self.epoch = epoch; self.trainLoss = trainLoss; self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss; self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate; self.seconds = seconds
    }
}

/// How a training run ended.
public enum TrainingOutcome: Equatable, Sendable {
    case completed
    /// Stopped at a batch boundary by `TrainingControl.requestStop`.
    case stopped(reason: StopReason)
}

/// The record of a training run.
public struct TrainingResult: Sendable {
    public var epochs: [EpochReport]
    public var outcome: TrainingOutcome
    public var seconds: Double
}

/// Trains a network with cross-entropy, SGD or Adam and a per-step cosine schedule; evaluates
/// on a validation set after every epoch.
public struct Trainer {
    public var settings: TrainingSettings

    public init(settings: TrainingSettings) { self.settings = settings }

    /// Trains `model` on `train`, reporting each epoch to `onEpoch`. A non-finite loss throws
    /// `TrainingError.nonFiniteLoss`; a stop request ends the run early with the epochs so far.
    public func train(
        _ model: Module, on train: ImageDataset, validation: ImageDataset?, control: TrainingControl? = nil,
        onEpoch: (EpochReport) -> Void = { _ in }
    ) throws -> TrainingResult {
        try settings.validate()
        guard train.count >= 2 else { throw TrainingError.emptyDataset(train.name) }
        let start = Date()
        let parameters = model.parameters
        let optimizer = settings.makeOptimizer(parameters)
        let loader = DataLoader(dataset: train, batchSize: settings.batchSize, shuffle: true, dropLast: train.count >= settings.batchSize * 2,
                                augmentation: settings.augmentation, seed: settings.seed)
        let schedule = CosineSchedule(base: settings.learningRate, minimum: settings.minimumLearningRate,
                                      totalSteps: settings.epochs * loader.batchCount)
        var reports: [EpochReport] = []
        var step = 0
        for epoch in 1...settings.epochs {
            let epochStart = Date()
            model.train(true)
            var lossSum = 0.0, correct = 0, seen = 0
            var batchIndex = 0
            for (images, labels) in loader.epoch(epoch - 1) {
                control?.betweenBatches?()
                if let reason = control?.stopRequest {
                    return TrainingResult(epochs: reports, outcome: .stopped(reason: reason), seconds: Date().timeIntervalSince(start))
                }
                if labels.count < 2 { continue } // batch norm needs two images
                optimizer.learningRate = schedule.learningRate(at: step)
                optimizer.zeroGrad()
                let logits = try model(images)
                let loss = try logits.crossEntropy(labels: labels)
                guard loss.item.isFinite else { throw TrainingError.nonFiniteLoss(epoch: epoch, batch: batchIndex, value: loss.item) }
                try loss.backward()
                if let clip = settings.gradientClip { clipGradientNorm(parameters, maxNorm: clip) }
                optimizer.step()
                lossSum += Double(loss.item) * Double(labels.count)
                correct += Self.correctPredictions(logits, labels)
                seen += labels.count
                step += 1
                batchIndex += 1
            }
            let evaluation = try validation.map { try evaluate(model, on: $0) }
            let report = EpochReport(
                epoch: epoch, trainLoss: lossSum / Double(max(seen, 1)), trainAccuracy: Double(correct) / Double(max(seen, 1)),
                validationLoss: evaluation?.loss, validationAccuracy: evaluation?.accuracy,
                learningRate: Double(optimizer.learningRate), seconds: Date().timeIntervalSince(epochStart))
            reports.append(report)
            onEpoch(report)
        }
        return TrainingResult(epochs: reports, outcome: .completed, seconds: Date().timeIntervalSince(start))
    }

    /// Mean loss and accuracy of `model` on `dataset`, in evaluation mode without gradients.
    public func evaluate(_ model: Module, on dataset: ImageDataset) throws -> (loss: Double, accuracy: Double) {
        try Self.evaluate(model, on: dataset, batchSize: settings.evaluationBatchSize)
    }

    /// Mean loss and accuracy of `model` on `dataset` in batches of `batchSize`, in evaluation
    /// mode (batch-norm running statistics) without gradients; the model's mode is restored.
    public static func evaluate(_ model: Module, on dataset: ImageDataset, batchSize: Int) throws -> (loss: Double, accuracy: Double) {
        guard !dataset.isEmpty else { throw TrainingError.emptyDataset(dataset.name) }
        let wasTraining = model.isTraining
        model.train(false)
        defer { model.train(wasTraining) }
        var lossSum = 0.0, correct = 0
        let loader = DataLoader(dataset: dataset, batchSize: batchSize, shuffle: false, dropLast: false,
                                augmentation: .none, seed: 0)
        try GradMode.withoutGrad {
            for (images, labels) in loader {
                let logits = try model(images)
                lossSum += Double(try logits.crossEntropy(labels: labels).item) * Double(labels.count)
                correct += correctPredictions(logits, labels)
            }
        }
        return (lossSum / Double(dataset.count), Double(correct) / Double(dataset.count))
    }

    /// How many rows of `logits` have their maximum at the label.
    public static func correctPredictions(_ logits: Tensor, _ labels: [Int]) -> Int {
        let classes = logits.shape[1]
        var correct = 0
        for (row, label) in labels.enumerated() {
            let scores = logits.data + row * classes
            var best = 0
            for k in 1..<classes where scores[k] > scores[best] { best = k }
            if best == label { correct += 1 }
        }
        return correct
    }
}
