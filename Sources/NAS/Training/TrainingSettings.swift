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

    public init() {}

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

extension Augmentation: Codable {
    enum CodingKeys: String, CodingKey { case cropPadding = "crop_padding", horizontalFlip = "horizontal_flip" }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(cropPadding: try c.decode(Int.self, forKey: .cropPadding), horizontalFlip: try c.decode(Bool.self, forKey: .horizontalFlip))
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cropPadding, forKey: .cropPadding)
        try c.encode(horizontalFlip, forKey: .horizontalFlip)
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
