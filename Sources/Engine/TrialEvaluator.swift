import Foundation
import NAS
import Search
import Tensor

/// What a trial's network costs: the figures the Pareto pane, the latency target and exports use.
struct TrialCost: Equatable {
    var parameters: Int?
    var flops: Int?
    var latencyMs: Double?
}

/// What a trial reports while it is evaluated: epochs as they end, sub-epoch loss points.
struct TrialProgress {
    var onEpoch: (EpochReport) -> Void = { _ in }
    var onLossPoint: (TrainingLossPoint) -> Void = { _ in }
}

/// How a trial gets its numbers: trained on real data, or looked up in a tabular benchmark.
/// The engine's trial pipeline asks for the accuracy (`evaluate`) and the cost (`cost`) and
/// computes the fitness itself, in one place for every kind of trial.
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
    /// Fills accuracy, epochs, loss points and seconds of `trial`; returns how training ended.
    func evaluate(_ trial: inout Trial, control: TrainingControl, progress: TrialProgress) throws -> TrainingOutcome
    /// Parameters, FLOPs and latency of a genotype's network.
    func cost(of genotype: Genotype) throws -> TrialCost
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

    func evaluate(_ trial: inout Trial, control: TrainingControl, progress: TrialProgress) throws -> TrainingOutcome {
        var generator = SeededGenerator(seed: settings.seed &+ UInt64(trial.id) &* 7919)
        var (training, _) = try settings.trialTraining(epochs: trial.fidelity ?? settings.epochs, seed: settings.seed &+ UInt64(trial.id))
        let model = try space.build(trial.genotype, inputShape: train.imageShape, classes: train.classCount, generator: &generator,
                                    auxiliaryHead: training.auxiliaryWeight > 0)
        if let chain = try space.trainingOverrides(trial.genotype) {
            training.learningRate = Float(chain.learningRate)
            training.optimizer = chain.optimizer == .adam ? .adam : .sgd
            if let momentum = chain.momentum { training.momentum = Float(momentum) }
            if let decay = chain.weightDecay { training.weightDecay = Float(decay) }
            if let batch = chain.batchSize { training.batchSize = batch }
        }
        var epochs: [EpochReport] = []
        var steps: [TrainingLossPoint] = []
        let result = try Trainer(settings: training).train(
            model, on: train, validation: validation, control: control,
            onLossPoint: { point in
                steps.append(point)
                progress.onLossPoint(point)
            },
            onEpoch: { report in
                epochs.append(report)
                progress.onEpoch(report)
            })
        trial.epochs = epochs
        trial.steps = steps
        trial.accuracy = epochs.last?.validationAccuracy
        trial.seconds = result.seconds
        return result.outcome
    }

    /// Measured on the network as trials build it (weights do not matter); latency from the
    /// profiled model, or measured on one thread when there is none.
    func cost(of genotype: Genotype) throws -> TrialCost {
        var generator = SeededGenerator(seed: 0)
        let model = try space.build(genotype, inputShape: train.imageShape, classes: train.classCount, generator: &generator)
        let measured = try ModelCost.measure(model, input: train.imageShape)
        let latency = try latencyModel.map { try $0.predict(genotype) }
            ?? LatencyMeasurement.forwardMilliseconds(model, input: train.imageShape, runs: 5)
        return TrialCost(parameters: measured.parameters, flops: measured.flops, latencyMs: latency)
    }
}
