import Tensor

/// The optimizers a training run can use.
public enum OptimizerKind: String, CaseIterable, Codable, Sendable {
    case sgd, adam
}

/// How to train one network: epochs, batches, optimizer and schedule.
public struct TrainingSettings: Codable, Sendable, Equatable {
    public var epochs: Int = 1
    public var batchSize: Int = 64
    public var optimizer: OptimizerKind = .sgd
    /// The starting learning rate; a cosine schedule takes it to `minimumLearningRate` by the
    /// last step.
    public var learningRate: Float = 0.025
    public var minimumLearningRate: Float = 0
    public var momentum: Float = 0.9
    public var nesterov: Bool = false
    public var weightDecay: Float = 3e-4
    /// Gradient clipping by global norm (DARTS: 5); nil for none.
    public var gradientClip: Float? = 5
    public var seed: UInt64 = 0
    public var evaluationBatchSize: Int = 256
    public var augmentation: Augmentation = .none
    /// DARTS's drop path: the largest probability that a cell edge's output is dropped for a
    /// sample; epoch e of E (from 1) uses `dropPathProbability · (e-1)/E`, as DARTS's
    /// `drop_path_prob * epoch / epochs`. 0: off. Networks with drop path only (darts).
    public var dropPathProbability: Float = 0
    /// The weight of the auxiliary head's loss (DARTS: 0.4); 0: no auxiliary head. The network
    /// must be built with the head (darts), which is training-only.
    public var auxiliaryWeight: Float = 0
    /// Label smoothing ε of the training cross-entropy (evaluation uses the plain one). 0: off.
    public var labelSmoothing: Float = 0
    /// The named recipe these settings started from (nil: none named; informational).
    public var recipe: TrainingRecipe?

    public init() {}

    /// Drop path's probability during epoch `epoch` (1-based) of `epochs`.
    public func dropPathProbability(epoch: Int) -> Float {
        dropPathProbability * Float(epoch - 1) / Float(max(epochs, 1))
    }

    /// Throws when a value is outside what training accepts, naming it.
    public func validate() throws {
        func require(_ ok: Bool, _ message: String) throws { if !ok { throw TrainingError.badSettings(message) } }
        try require(epochs >= 1, "epochs \(epochs); accepted: 1 or more")
        try require(batchSize >= 2, "batch size \(batchSize); accepted: 2 or more (batch norm needs two images)")
        try require(learningRate > 0 && learningRate.isFinite, "learning rate \(learningRate); accepted: a positive number")
        try require(minimumLearningRate >= 0 && minimumLearningRate <= learningRate, "minimum learning rate \(minimumLearningRate); accepted: 0 up to the learning rate")
        try require(momentum >= 0 && momentum < 1, "momentum \(momentum); accepted: 0 <= momentum < 1")
        try require(weightDecay >= 0, "weight decay \(weightDecay); accepted: 0 or more")
        try require(gradientClip.map { $0 > 0 } ?? true, "gradient clip \(gradientClip ?? 0); accepted: a positive norm")
        try require(evaluationBatchSize >= 1, "evaluation batch size \(evaluationBatchSize); accepted: 1 or more")
        try require(augmentation.cropPadding >= 0, "crop padding \(augmentation.cropPadding); accepted: 0 or more pixels")
        try require(augmentation.cutout >= 0, "cutout \(augmentation.cutout); accepted: 0 (off) or a side of 1 or more pixels")
        try require(dropPathProbability >= 0 && dropPathProbability < 1, "drop path \(dropPathProbability); accepted: 0 <= p < 1")
        try require(auxiliaryWeight >= 0 && auxiliaryWeight.isFinite, "auxiliary weight \(auxiliaryWeight); accepted: 0 (off) or a positive number")
        try require(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing \(labelSmoothing); accepted: 0 <= ε < 1")
    }

    /// The optimizer these settings describe, over `parameters`.
    func makeOptimizer(_ parameters: [Tensor]) -> Optimizer {
        switch optimizer {
        case .sgd:
            return SGD(parameters, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay, nesterov: nesterov)
        case .adam:
            return Adam(parameters, learningRate: learningRate, weightDecay: weightDecay)
        }
    }
}

extension TrainingSettings {
    enum CodingKeys: String, CodingKey {
        case epochs, batchSize, optimizer, learningRate, minimumLearningRate, momentum, nesterov, weightDecay
        case gradientClip, seed, evaluationBatchSize, augmentation
        case dropPathProbability = "drop_path", auxiliaryWeight = "auxiliary_weight", labelSmoothing = "label_smoothing", recipe
    }

    /// Decodes what `encode` writes; the recipe fields (added later) default to off when absent,
    /// so older metrics.json files read as before.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epochs = try c.decode(Int.self, forKey: .epochs)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        optimizer = try c.decode(OptimizerKind.self, forKey: .optimizer)
        learningRate = try c.decode(Float.self, forKey: .learningRate)
        minimumLearningRate = try c.decode(Float.self, forKey: .minimumLearningRate)
        momentum = try c.decode(Float.self, forKey: .momentum)
        nesterov = try c.decode(Bool.self, forKey: .nesterov)
        weightDecay = try c.decode(Float.self, forKey: .weightDecay)
        gradientClip = try c.decodeIfPresent(Float.self, forKey: .gradientClip)
        seed = try c.decode(UInt64.self, forKey: .seed)
        evaluationBatchSize = try c.decode(Int.self, forKey: .evaluationBatchSize)
        augmentation = try c.decode(Augmentation.self, forKey: .augmentation)
        dropPathProbability = try c.decodeIfPresent(Float.self, forKey: .dropPathProbability) ?? 0
        auxiliaryWeight = try c.decodeIfPresent(Float.self, forKey: .auxiliaryWeight) ?? 0
        labelSmoothing = try c.decodeIfPresent(Float.self, forKey: .labelSmoothing) ?? 0
        recipe = try c.decodeIfPresent(TrainingRecipe.self, forKey: .recipe)
    }
}

extension Augmentation: Codable {
    enum CodingKeys: String, CodingKey { case cropPadding = "crop_padding", horizontalFlip = "horizontal_flip", cutout }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(cropPadding: try c.decode(Int.self, forKey: .cropPadding), horizontalFlip: try c.decode(Bool.self, forKey: .horizontalFlip),
                  cutout: try c.decodeIfPresent(Int.self, forKey: .cutout) ?? 0)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cropPadding, forKey: .cropPadding)
        try c.encode(horizontalFlip, forKey: .horizontalFlip)
        try c.encode(cutout, forKey: .cutout)
    }
}

/// Why training could not go on.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case badSettings(String)
    case nonFiniteLoss(epoch: Int, batch: Int, value: Float)
    case emptyDataset(String)

    public var description: String {
        switch self {
        case .badSettings(let message): return "training settings: \(message)"
        case let .nonFiniteLoss(epoch, batch, value): return "the loss became \(value) at epoch \(epoch), batch \(batch)"
        case .emptyDataset(let name): return "data set '\(name)' has no images to train or evaluate on"
        }
    }
}
