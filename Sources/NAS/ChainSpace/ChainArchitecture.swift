import Foundation

/// What a `[[layer]]` block of a chain space builds.
public enum ChainLayerKind: String, CaseIterable, Codable, Sendable {
    /// A 2-D convolution with "same" padding (kernel / 2), then activation, pooling, dropout.
    case conv
    /// A fully connected layer, then activation and dropout.
    case linear
}

/// Activation functions a chain layer may use (all provided by the tensor core).
public enum ChainActivation: String, CaseIterable, Codable, Sendable {
    case relu, gelu, silu
}

/// Pooling after a conv layer: none, or a 2x2 max or average pool with stride 2.
public enum ChainPool: String, CaseIterable, Codable, Sendable {
    case none, max, avg
}

/// Normalisation after a conv layer, before its activation: none, or batch normalisation
/// (then the convolution has no bias, as in VGG-BN and ResNet).
public enum ChainNorm: String, CaseIterable, Codable, Sendable {
    case none, batch
}

/// Optimizers the training loop implements.
public enum ChainOptimizer: String, CaseIterable, Codable, Sendable {
    case sgd, adam
}

/// How conv features become a vector before the linear layers and the classifier.
public enum ChainHead: String, CaseIterable, Codable, Sendable {
    /// Keep the spatial layout (as NNI's and PyTorch's MNIST examples do).
    case flatten
    /// Global average pooling over the spatial positions (far fewer weights).
    case avgpool
}

/// One concrete layer of a chain network, after an assignment has fixed every choice.
public struct ChainLayer: Hashable, Codable, Sendable {
    /// The block's name, with the repetition when the block repeats: `conv1`, `block[1]`.
    public var name: String
    public var kind: ChainLayerKind
    /// Kernel size (odd), for conv layers; nil for linear layers.
    public var kernel: Int?
    /// Output channels (conv) or units (linear).
    public var width: Int
    /// Convolution stride (1 for linear layers).
    public var stride: Int
    /// Pooling after a conv layer (`.none` for linear layers).
    public var pool: ChainPool
    /// Normalisation between a conv layer and its activation (`.none` for linear layers).
    public var norm: ChainNorm
    public var activation: ChainActivation
    /// Dropout probability after the activation, in [0, 1).
    public var dropout: Double

    public init(name: String, kind: ChainLayerKind, kernel: Int?, width: Int, stride: Int = 1,
                pool: ChainPool = .none, norm: ChainNorm = .none, activation: ChainActivation, dropout: Double) {
        self.name = name
        self.kind = kind
        self.kernel = kernel
        self.width = width
        self.stride = stride
        self.pool = pool
        self.norm = norm
        self.activation = activation
        self.dropout = dropout
    }

    private enum CodingKeys: String, CodingKey { case name, kind, kernel, width, stride, pool, norm, activation, dropout }

    /// Reads saved layers; those written before `norm` existed have none.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), kind: try c.decode(ChainLayerKind.self, forKey: .kind),
                  kernel: try c.decodeIfPresent(Int.self, forKey: .kernel), width: try c.decode(Int.self, forKey: .width),
                  stride: try c.decode(Int.self, forKey: .stride), pool: try c.decode(ChainPool.self, forKey: .pool),
                  norm: try c.decodeIfPresent(ChainNorm.self, forKey: .norm) ?? .none,
                  activation: try c.decode(ChainActivation.self, forKey: .activation), dropout: try c.decode(Double.self, forKey: .dropout))
    }

    /// Output channels of a conv layer.
    public var channels: Int? { kind == .conv ? width : nil }
    /// Units of a linear layer.
    public var units: Int? { kind == .linear ? width : nil }

    /// `conv5x5(32) bn gelu maxpool` or `linear(64) relu dropout 0.25`.
    public var summary: String {
        var text: String
        switch kind {
        case .conv:
            let k = kernel ?? 1
            text = "conv\(k)x\(k)(\(width))" + (stride != 1 ? "/\(stride)" : "")
        case .linear:
            text = "linear(\(width))"
        }
        if norm == .batch { text += " bn" }
        text += " \(activation.rawValue)"
        if pool != .none { text += " \(pool.rawValue)pool" }
        if dropout > 0 { text += " dropout \(ChainArchitecture.short(dropout))" }
        return text
    }
}

/// Training hyperparameters of a chain network.
public struct ChainTrainSettings: Hashable, Codable, Sendable {
    public var learningRate: Double
    public var optimizer: ChainOptimizer
    /// SGD momentum; nil leaves the training loop's default.
    public var momentum: Double?
    /// L2 weight decay; nil leaves the training loop's default.
    public var weightDecay: Double?
    /// Mini-batch size; nil leaves the training loop's default.
    public var batchSize: Int?

    public init(learningRate: Double, optimizer: ChainOptimizer, momentum: Double? = nil,
                weightDecay: Double? = nil, batchSize: Int? = nil) {
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.batchSize = batchSize
    }
}

/// A point of a chain space made concrete: the layers in order (conv layers first), the
/// head that joins them to the linear layers, and the training settings. A model builder
/// adds the classifier (a linear layer to the number of classes) after the last layer.
public struct ChainArchitecture: Hashable, Codable, Sendable {
    public var space: String
    public var head: ChainHead
    public var layers: [ChainLayer]
    public var train: ChainTrainSettings

    public init(space: String, head: ChainHead, layers: [ChainLayer], train: ChainTrainSettings) {
        self.space = space
        self.head = head
        self.layers = layers
        self.train = train
    }

    /// One line for a trials pane: `conv3x3(16) relu → linear(64) relu | adam lr 0.001`.
    public var summary: String {
        let body = layers.isEmpty ? "classifier only" : layers.map(\.summary).joined(separator: " → ")
        return "\(body) | \(train.optimizer.rawValue) lr \(ChainArchitecture.short(train.learningRate))"
    }

    static func short(_ x: Double) -> String {
        if x != 0 && (abs(x) < 1e-3 || abs(x) >= 1e5) { return String(format: "%.2g", x) }
        return String(format: "%.4g", x)
    }
}
