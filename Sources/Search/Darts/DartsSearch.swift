import Foundation
import NAS
import Tensor

/// DARTS (Liu, Simonyan and Yang, "DARTS: Differentiable Architecture Search", ICLR 2019) as a
/// one-shot strategy the engine drives one bi-level step at a time: no threads, locks or
/// storage here; `step()` does one step and returns.
///
/// The training images are split in two seeded halves, as DARTS's `train_search.py` does:
/// the network weights learn on one (`weightData`), the alphas on the other (`alphaData`).
/// Each step takes the next batch of each: an architect step on the alphas (first or second
/// order, see `DartsArchitect`), then an SGD step on the weights with the updated alphas,
/// gradient clipping and a cosine learning rate (per step, from `weightLearningRate` to
/// `minimumWeightLearningRate` over the whole search). An epoch is one pass over the smaller
/// half in full batches. After the configured epochs `isFinished` is true; the architecture
/// is `derivedGenotype()` at any time.
///
/// With a history, the alphas start from the operation frequencies of its best darts trials
/// (`AlphaWarmStart`), so a switch to DARTS keeps what the search has learned so far; and
/// `derivedTrial(id:)` hands the current architecture back as a `Trial` when the user
/// switches away.
public final class DartsSearch {
    /// The `Trial.strategy` of trials this strategy proposes.
    public static let strategyName = "darts"

    public let size: DartsSupernetSize
    public let settings: DartsSearchSettings
    public let seed: UInt64
    public let network: DartsSupernet
    public let architect: DartsArchitect
    /// The images the weights learn on.
    public let weightData: ImageDataset
    /// The images the alphas learn on.
    public let alphaData: ImageDataset
    /// The images `evaluate()` scores: a seeded subset of `alphaData`.
    public let evaluationData: ImageDataset
    /// The warm start applied at construction, if the history held darts trials to learn from.
    public let warmStart: AlphaWarmStart?
    /// Setup facts for the log (data split, warm start), one per line.
    public let notes: [String]
    public let stepsPerEpoch: Int
    public private(set) var completedSteps = 0
    /// One summary per finished epoch.
    public private(set) var epochSummaries: [DartsEpochSummary] = []
    /// The latest `evaluate()` result.
    public private(set) var lastEvaluation: DartsEvaluation?
    /// Time spent in `step()` and `evaluate()` so far.
    public private(set) var elapsedSeconds: Double = 0

    let weightOptimizer: DartsWeightOptimizer
    let schedule: CosineSchedule
    let trainLoader: DataLoader
    let validationLoader: DataLoader
    var trainBatches: DataLoaderEpoch?
    var validationBatches: DataLoaderEpoch?
    var epochTotals = EpochTotals()
    var evaluatedAtStep = -1

    struct EpochTotals {
        var loss = 0.0, correct = 0, seen = 0, validationLoss = 0.0, steps = 0, seconds = 0.0
    }

    /// Splits `data` (the training images) into the weight and alpha halves
    /// (`settings.validationFraction` of them for the alphas) and builds the search.
    /// Throws a `DartsSearchError` naming the size, setting or data that does not fit.
    public convenience init(size: DartsSupernetSize, settings: DartsSearchSettings = DartsSearchSettings(),
                            data: ImageDataset, seed: UInt64, history: [Trial] = []) throws {
        try settings.validate()
        let halves = try data.split(validationFraction: settings.validationFraction, seed: seed ^ 0xDA27_5EA4_C400_0001)
        try self.init(size: size, settings: settings, weightData: halves.train, alphaData: halves.validation,
                      seed: seed, history: history)
    }

    /// Builds the search on given halves: weights learn on `weightData`, alphas on `alphaData`.
    public init(size: DartsSupernetSize, settings: DartsSearchSettings = DartsSearchSettings(),
                weightData: ImageDataset, alphaData: ImageDataset, seed: UInt64, history: [Trial] = []) throws {
        try size.validate()
        try settings.validate()
        for data in [weightData, alphaData] {
            guard data.channels == size.inputChannels else {
                throw DartsSearchError("DARTS search: data set '\(data.name)' has \(data.channels)-channel images; the supernet "
                    + "was sized for \(size.inputChannels) input channel\(size.inputChannels == 1 ? "" : "s"); accepted: the same count")
            }
            guard data.classCount == size.classes else {
                throw DartsSearchError("DARTS search: data set '\(data.name)' has \(data.classCount) classes; the supernet "
                    + "was sized for \(size.classes); accepted: the same count")
            }
            guard data.height >= 4, data.width >= 4 else {
                throw DartsSearchError("DARTS search: data set '\(data.name)' has \(data.height)x\(data.width) images; "
                    + "accepted: at least 4x4 (the two reduction cells halve them twice)")
            }
            guard data.count >= settings.batchSize else {
                throw DartsSearchError("DARTS search: '\(data.name)' holds \(data.count) image\(data.count == 1 ? "" : "s") "
                    + "(weight half \(weightData.count), alpha half \(alphaData.count)); each half needs at least one "
                    + "full batch of \(settings.batchSize); accepted: more images or a batch size of at most "
                    + "\(max(2, min(weightData.count, alphaData.count)))")
            }
        }
        self.size = size
        self.settings = settings
        self.seed = seed
        self.weightData = weightData
        self.alphaData = alphaData
        evaluationData = alphaData.randomSubset(settings.evaluationLimit, seed: seed &+ 3)

        var generator = SeededGenerator(seed: seed)
        network = DartsSupernet(channels: size.channels, layers: size.layers, classes: size.classes,
                                inputChannels: size.inputChannels, operations: size.operations, generator: &generator)
        network.train(true)
        weightOptimizer = DartsWeightOptimizer(network.weights, learningRate: settings.weightLearningRate,
                                               momentum: settings.momentum, weightDecay: settings.weightDecay)
        architect = DartsArchitect(model: network, weightOptimizer: weightOptimizer, settings: settings)

        trainLoader = DataLoader(dataset: weightData, batchSize: settings.batchSize, shuffle: true, dropLast: true, seed: seed &+ 1)
        validationLoader = DataLoader(dataset: alphaData, batchSize: settings.batchSize, shuffle: true, dropLast: true, seed: seed &+ 2)
        stepsPerEpoch = min(trainLoader.batchCount, validationLoader.batchCount)
        schedule = CosineSchedule(base: settings.weightLearningRate, minimum: settings.minimumWeightLearningRate,
                                  totalSteps: settings.epochs * stepsPerEpoch)

        warmStart = AlphaWarmStart.make(from: history, operations: size.operations, settings: settings.warmStart)
        warmStart?.apply(to: network)
        var notes = ["DARTS \(settings.order.rawValue) order: weights on \(weightData.count) images, alphas on "
            + "\(alphaData.count); \(stepsPerEpoch) steps per epoch, \(settings.epochs) epoch\(settings.epochs == 1 ? "" : "s")"]
        if let warmStart { notes.append(warmStart.summary) }
        self.notes = notes
    }

    // MARK: progress

    public var totalSteps: Int { settings.epochs * stepsPerEpoch }
    public var isFinished: Bool { completedSteps >= totalSteps }
    /// Epochs whose every step is done.
    public var completedEpochs: Int { completedSteps / stepsPerEpoch }
    /// Fraction of the steps done, 0...1.
    public var progress: Double { Double(completedSteps) / Double(totalSteps) }
    /// The weight learning rate the next step uses (ξ of a second-order step).
    public var weightLearningRate: Float { schedule.learningRate(at: completedSteps) }

    // MARK: stepping

    /// One bi-level step on the next weight and alpha batches: the architect's step on the
    /// alphas, then the SGD step on the weights. Ends with `evaluate()` on the last step of an
    /// epoch when `settings.evaluateEachEpoch`. Throws once `isFinished`, or when a loss stops
    /// being finite.
    public func step() throws -> DartsStepReport {
        guard !isFinished else {
            throw DartsSearchError("DARTS search: finished after \(settings.epochs) epoch\(settings.epochs == 1 ? "" : "s") "
                + "(\(totalSteps) steps); there is no step left")
        }
        let start = Date()
        let epochIndex = completedSteps / stepsPerEpoch
        if completedSteps % stepsPerEpoch == 0 {
            trainBatches = trainLoader.epoch(epochIndex)
            validationBatches = validationLoader.epoch(epochIndex)
            epochTotals = EpochTotals()
        }
        guard let train = trainBatches?.next(), let validation = validationBatches?.next() else {
            throw DartsSearchError("DARTS search: ran out of batches at step \(completedSteps + 1) (\(stepsPerEpoch) per epoch expected)")
        }
        let learningRate = weightLearningRate
        weightOptimizer.learningRate = learningRate
        network.train(true)

        let validationLoss = try architect.step(train: train, validation: validation, xi: learningRate)
        let (trainLoss, correct) = try weightStep(train)

        completedSteps += 1
        let stepSeconds = Date().timeIntervalSince(start)
        elapsedSeconds += stepSeconds
        epochTotals.loss += Double(trainLoss) * Double(train.labels.count)
        epochTotals.correct += correct
        epochTotals.seen += train.labels.count
        epochTotals.validationLoss += Double(validationLoss)
        epochTotals.steps += 1
        epochTotals.seconds += stepSeconds

        let stepInEpoch = (completedSteps - 1) % stepsPerEpoch + 1
        var summary: DartsEpochSummary?
        if stepInEpoch == stepsPerEpoch {
            let evaluation = settings.evaluateEachEpoch ? try evaluate() : nil
            let totals = epochTotals
            let s = DartsEpochSummary(
                epoch: epochIndex + 1, trainLoss: totals.loss / Double(max(totals.seen, 1)),
                trainAccuracy: Double(totals.correct) / Double(max(totals.seen, 1)),
                searchValidationLoss: totals.validationLoss / Double(max(totals.steps, 1)),
                validationLoss: evaluation?.loss, validationAccuracy: evaluation?.accuracy, entropy: entropy,
                weightLearningRate: Double(learningRate), seconds: Date().timeIntervalSince(start) + totals.seconds - stepSeconds)
            epochSummaries.append(s)
            summary = s
            trainBatches = nil
            validationBatches = nil
        }
        return DartsStepReport(
            step: completedSteps, totalSteps: totalSteps, epoch: epochIndex + 1, stepInEpoch: stepInEpoch,
            stepsPerEpoch: stepsPerEpoch, trainLoss: Double(trainLoss),
            trainAccuracy: Double(correct) / Double(train.labels.count), validationLoss: Double(validationLoss),
            weightLearningRate: Double(learningRate), entropy: entropy, epochSummary: summary,
            seconds: Date().timeIntervalSince(start))
    }

    /// The SGD step on the weights (alphas frozen): returns the batch loss and correct count.
    func weightStep(_ batch: DartsBatch) throws -> (loss: Float, correct: Int) {
        let alphas = network.architecture
        for a in alphas { a.requiresGrad = false }
        defer { for a in alphas { a.requiresGrad = true } }
        weightOptimizer.zeroGrad()
        let logits = try network(batch.images)
        let loss = try logits.crossEntropy(labels: batch.labels)
        guard loss.item.isFinite else {
            throw DartsSearchError("DARTS search: the training loss became \(loss.item) at step \(completedSteps + 1); "
                + "lower the weight learning rate (\(weightOptimizer.learningRate))")
        }
        try loss.backward()
        clipGradientNorm(weightOptimizer.parameters, maxNorm: settings.gradientClip)
        weightOptimizer.step()
        weightOptimizer.zeroGrad()
        return (loss.item, Trainer.correctPredictions(logits, batch.labels))
    }

    /// The supernet's loss and accuracy on `evaluationData`, in evaluation mode (batch-norm
    /// running statistics) without gradients. Kept as `lastEvaluation`; when no step has run
    /// since (say, right after an epoch's last step evaluated), that result is returned as is.
    @discardableResult
    public func evaluate() throws -> DartsEvaluation {
        if let cached = lastEvaluation, evaluatedAtStep == completedSteps { return cached }
        let start = Date()
        let (loss, accuracy) = try Trainer.evaluate(network, on: evaluationData, batchSize: settings.evaluationBatchSize)
        let n = evaluationData.count
        let evaluation = DartsEvaluation(loss: loss, accuracy: accuracy, images: n)
        lastEvaluation = evaluation
        evaluatedAtStep = completedSteps
        elapsedSeconds += Date().timeIntervalSince(start)
        return evaluation
    }

    // MARK: the architecture

    /// The candidate operations: the columns of `operationWeights`.
    public var operations: [DartsOperation] { size.operations }

    /// softmax(α) per edge of `cell`: 14 rows (`DartsGenotype.supernetEdgeLabels`), one column
    /// per operation of `operations`. What the Operations heatmap shows.
    public func operationWeights(_ cell: DartsGenotype.Cell) -> [[Float]] { network.operationWeights(cell) }

    /// Mean entropy (nats) of softmax(α) over the edges of `cell`; ln(operations) when uniform.
    public func entropy(_ cell: DartsGenotype.Cell) -> Double {
        let alpha = cell == .normal ? network.alphaNormal : network.alphaReduce
        let rows = alpha.shape[0], columns = alpha.shape[1], d = alpha.data
        var total = 0.0
        for r in 0..<rows {
            let row = (0..<columns).map { Double(d[r * columns + $0]) }
            let top = row.max()!
            let exps = row.map { Foundation.exp($0 - top) }
            let z = exps.reduce(0, +)
            total -= exps.reduce(0.0) { $0 + ($1 / z) * Foundation.log($1 / z) }
        }
        return total / Double(rows)
    }

    /// Mean entropy of softmax(α) over all edges of both cells: falls from ln(operations) as
    /// the alphas commit to operations.
    public var entropy: Double { (entropy(.normal) + entropy(.reduce)) / 2 }

    /// The entropy of uniform alphas, ln(operations).
    public var maximumEntropy: Double { Foundation.log(Double(size.operations.count)) }

    /// The discrete architecture DARTS derives now: per node, the two incoming edges whose
    /// strongest non-`none` operation weighs most, each with that operation.
    public func derivedGenotype() throws -> DartsGenotype { try network.derivedGenotype() }

    /// The current derived architecture as a complete trial of this strategy, for the history.
    /// Its accuracy (and fitness) is the supernet's from the latest `evaluate()` — not that of
    /// the derived network trained from scratch, as the note says — or nil before any evaluation.
    public func derivedTrial(id: Int) throws -> Trial {
        let genotype = try derivedGenotype()
        var note = "derived by DARTS (\(settings.order.rawValue) order) after \(completedSteps) of \(totalSteps) steps "
            + "(\(completedEpochs) of \(settings.epochs) epochs)"
        if let evaluation = lastEvaluation {
            note += "; accuracy is the supernet's on \(evaluation.images) validation images, not the derived network's"
        } else {
            note += "; the supernet has not been evaluated yet, so no accuracy"
        }
        return Trial(id: id, genotype: .darts(genotype), strategy: Self.strategyName, status: .complete,
                     accuracy: lastEvaluation?.accuracy, fitness: lastEvaluation?.accuracy, note: note,
                     seconds: elapsedSeconds)
    }
}
