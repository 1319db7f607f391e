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

/// Trains a network with cross-entropy, SGD or Adam and a per-step cosine schedule (one
/// `TrainingStepper` step a batch); evaluates on a validation set after every epoch.
public struct Trainer {
    public var settings: TrainingSettings
    /// Sub-epoch training-loss points reported per epoch (the Loss pane's curve); 0 for none.
    public var lossPointsPerEpoch: Int

    public init(settings: TrainingSettings, lossPointsPerEpoch: Int = 20) {
        self.settings = settings; self.lossPointsPerEpoch = max(lossPointsPerEpoch, 0)
    }

    /// Trains `model` on `train`, reporting the training loss about `lossPointsPerEpoch`
    /// times an epoch to `onLossPoint` and each epoch to `onEpoch`. A non-finite loss throws
    /// `TrainingError.nonFiniteLoss`; a stop request ends the run early with the epochs so far.
    public func train(
        _ model: Module, on train: ImageDataset, validation: ImageDataset?, control: TrainingControl? = nil,
        onLossPoint: (TrainingLossPoint) -> Void = { _ in },
        onEpoch: (EpochReport) -> Void = { _ in }
    ) throws -> TrainingResult {
        try settings.validate()
        try checkRegularizers(of: model)
        guard train.count >= 2 else { throw TrainingError.emptyDataset(train.name) }
        let start = Date()
        // The last partial batch is kept, as PyTorch's loop over a permutation keeps it, unless it
        // holds a single image (batch norm needs two).
        let loader = DataLoader(dataset: train, batchSize: settings.batchSize, shuffle: true,
                                dropLast: train.count % settings.batchSize == 1,
                                augmentation: settings.augmentation, seed: settings.seed)
        let batches = loader.batchCount
        let stepper = TrainingStepper(model: model, settings: settings, totalSteps: settings.epochs * batches)
        var reports: [EpochReport] = []
        for epoch in 1...settings.epochs {
            let epochStart = Date()
            model.train(true)
            if settings.dropPathProbability > 0, let network = model as? DropPathNetwork {
                network.dropPathProbability = settings.dropPathProbability(epoch: epoch)
                network.seedDropPath(settings.seed ^ (0xD509_7A7B_0000_0000 &+ UInt64(epoch)))
            }
            var lossSum = 0.0, correct = 0, seen = 0
            var pointLoss = 0.0, pointSeen = 0, pointsMade = 0
            var batchIndex = 0
            for (images, labels) in loader.epoch(epoch - 1) {
                control?.betweenBatches?()
                if let reason = control?.stopRequest {
                    return TrainingResult(epochs: reports, outcome: .stopped(reason: reason), seconds: Date().timeIntervalSince(start))
                }
                let (loss, logits) = try stepper.step(images: images, labels: labels)
                guard loss.isFinite else { throw TrainingError.nonFiniteLoss(epoch: epoch, batch: batchIndex, value: loss) }
                lossSum += Double(loss) * Double(labels.count)
                pointLoss += Double(loss) * Double(labels.count)
                pointSeen += labels.count
                correct += Self.correctPredictions(logits, labels)
                seen += labels.count
                batchIndex += 1
                // Point k of the epoch falls after batch ⌈k·batches/points⌉ (every batch when there are fewer).
                let due = Self.lossPointsDue(after: batchIndex, of: batches, points: lossPointsPerEpoch)
                if due > pointsMade {
                    pointsMade = due
                    onLossPoint(TrainingLossPoint(epoch: Double(epoch - 1) + Double(batchIndex) / Double(batches),
                                                  loss: pointLoss / Double(pointSeen)))
                    pointLoss = 0; pointSeen = 0
                }
            }
            let evaluation = try validation.map { try evaluate(model, on: $0) }
            let report = EpochReport(
                epoch: epoch, trainLoss: lossSum / Double(max(seen, 1)), trainAccuracy: Double(correct) / Double(max(seen, 1)),
                validationLoss: evaluation?.loss, validationAccuracy: evaluation?.accuracy,
                learningRate: Double(stepper.optimizer.learningRate), seconds: Date().timeIntervalSince(epochStart))
            reports.append(report)
            onEpoch(report)
        }
        (model as? DropPathNetwork)?.dropPathProbability = 0
        return TrainingResult(epochs: reports, outcome: .completed, seconds: Date().timeIntervalSince(start))
    }

    /// Drop path and the auxiliary weight need a network that has them (darts, built with the head).
    func checkRegularizers(of model: Module) throws {
        if settings.dropPathProbability > 0, !(model is DropPathNetwork) {
            throw TrainingError.badSettings("drop path \(settings.dropPathProbability): the network has no drop path (darts networks have); accepted: 0")
        }
        if settings.auxiliaryWeight > 0, (model as? AuxiliaryHeadNetwork)?.auxiliaryHead == nil {
            throw TrainingError.badSettings("auxiliary weight \(settings.auxiliaryWeight): the network was built without an auxiliary head (darts networks can have one); accepted: 0")
        }
    }

    /// How many of an epoch's `points` loss points are due once `batch` of its `batches` batches
    /// are done: ⌊batch·points/batches⌋, capped at `batch` (one point per batch at most).
    static func lossPointsDue(after batch: Int, of batches: Int, points: Int) -> Int {
        guard points > 0, batches > 0 else { return 0 }
        return min(batch * points / batches, batch)
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
