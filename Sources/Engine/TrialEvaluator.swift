import Foundation
import NAS
import Search
import Tensor

/// How a trial gets its numbers: trained on real data, or looked up in a tabular benchmark.
protocol TrialEvaluator: AnyObject {
    /// A note for the status bar about the data (e.g. Fashion-MNIST missing).
    var dataNote: String? { get }
    /// The image shape [C, H, W] and class count the trials' networks are built for (for the
    /// latency model and zero-cost pre-ranking); nil when no network can be built for them.
    var networkInput: (shape: [Int], classes: Int)? { get }
    /// Whether trial latency comes from the profiled latency model (else from elsewhere).
    var needsLatencyModel: Bool { get }
    /// The latency model the engine prepared for `networkInput` (nil until then, or if it failed).
    var latencyModel: LatencyModel? { get set }
    /// Fills accuracy, latency, size and epochs of `trial`; returns how training ended.
    func evaluate(_ trial: inout Trial, control: TrainingControl, onEpoch: (EpochReport) -> Void) throws -> TrainingOutcome
}

/// The seed's hardware-aware fitness: accuracy, divided by (latency/target)^1.5 above the target.
func hardwareAwareFitness(accuracy: Double, latencyMs: Double?, target: Double?) -> Double {
    guard let target, let latencyMs, latencyMs > target else { return accuracy }
    return accuracy / pow(latencyMs / target, 1.5)
}

/// Trains each trial's network on a training subset and scores it on a held-out validation subset.
final class TrainingEvaluator: TrialEvaluator {
    let space: SearchSpace
    let settings: ExperimentSettings
    let train: ImageDataset
    let validation: ImageDataset
    let dataNote: String?
    var latencyModel: LatencyModel?
    var networkInput: (shape: [Int], classes: Int)? { (train.imageShape, train.classCount) }
    let needsLatencyModel = true

    init(space: SearchSpace, settings: ExperimentSettings) throws {
        self.space = space
        self.settings = settings
        let name = settings.dataset ?? DatasetCatalog.defaultName
        var options = DatasetOptions(seed: settings.seed, trainLimit: settings.trainLimit + settings.validationLimit,
                                     testLimit: 1)
        options.syntheticTrainCount = settings.trainLimit + settings.validationLimit
        options.syntheticTestCount = 1
        let loaded = try DatasetCatalog.load(name: name, options: options)
        let parts = try loaded.train.split(validationCount: min(settings.validationLimit, loaded.train.count / 2), seed: settings.seed)
        train = parts.train
        validation = parts.validation
        dataNote = settings.dataset == nil && name == "synthetic"
            ? "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist): synthetic data" : nil
    }

    func evaluate(_ trial: inout Trial, control: TrainingControl, onEpoch: (EpochReport) -> Void) throws -> TrainingOutcome {
        var generator = SeededGenerator(seed: settings.seed &+ UInt64(trial.id) &* 7919)
        let model = try space.build(trial.genotype, inputShape: train.imageShape, classes: train.classCount, generator: &generator)
        let cost = try ModelCost.measure(model, input: train.imageShape)
        trial.parameters = cost.parameters
        trial.flops = cost.flops
        // Predicted from the profiled table; measured when there is no model.
        trial.latencyMs = try latencyModel.map { try $0.predict(trial.genotype) }
            ?? LatencyMeasurement.forwardMilliseconds(model, input: train.imageShape, runs: 5)
        var training = TrainingSettings()
        training.epochs = settings.epochs
        training.batchSize = settings.batchSize
        training.learningRate = settings.learningRate
        training.seed = settings.seed &+ UInt64(trial.id)
        if let chain = try space.trainingOverrides(trial.genotype) {
            training.learningRate = Float(chain.learningRate)
            training.optimizer = chain.optimizer == .adam ? .adam : .sgd
            if let momentum = chain.momentum { training.momentum = Float(momentum) }
            if let decay = chain.weightDecay { training.weightDecay = Float(decay) }
            if let batch = chain.batchSize { training.batchSize = batch }
        }
        let result = try Trainer(settings: training).train(model, on: train, validation: validation, control: control) { report in
            trial.epochs.append(report)
            onEpoch(report)
        }
        trial.accuracy = trial.epochs.last?.validationAccuracy
        trial.fitness = trial.accuracy.map { hardwareAwareFitness(accuracy: $0, latencyMs: trial.latencyMs, target: settings.latencyTarget) }
        trial.seconds = result.seconds
        return result.outcome
    }
}
