import NAS

/// The size of the DARTS supernet to search with (DARTS's `model_search.Network`): C channels in
/// the first cell, L cells with reductions at L/3 and 2L/3, 4 intermediate nodes per cell, and
/// the candidate operations of every edge (the alpha columns, in this order).
public struct DartsSupernetSize: Codable, Sendable, Equatable {
    public var channels: Int
    public var layers: Int
    public var classes: Int
    public var inputChannels: Int
    public var operations: [DartsOperation]

    public init(channels: Int = 16, layers: Int = 8, classes: Int = 10, inputChannels: Int = 3,
                operations: [DartsOperation] = DartsOperation.allCases) {
        self.channels = channels
        self.layers = layers
        self.classes = classes
        self.inputChannels = inputChannels
        self.operations = operations
    }

    /// Throws a `DartsSearchError` naming the first value the supernet cannot be built from.
    public func validate() throws {
        func require(_ ok: Bool, _ message: @autoclosure () -> String) throws {
            if !ok { throw DartsSearchError("DARTS supernet: " + message()) }
        }
        try require((1...1024).contains(channels), "channels \(channels); accepted: 1...1024")
        try require(layers >= 3, "layers \(layers); accepted: 3 or more, so that the supernet holds both a normal "
            + "and a reduction cell (reductions sit at L/3 and 2L/3; with fewer cells one cell type would never "
            + "be trained and its derived cell would be noise)")
        try require(classes >= 2, "classes \(classes); accepted: 2 or more")
        try require((1...64).contains(inputChannels), "input channels \(inputChannels); accepted: 1...64")
        try require(Set(operations).count == operations.count,
                    "operations \(operations.map(\.rawValue)) repeat an operation; list each at most once")
        try require(operations.contains { $0 != .none },
                    "operations \(operations.map(\.rawValue)) hold no operation besides none; accepted: any of "
                        + DartsOperation.allCases.map(\.rawValue).joined(separator: ", ") + " with at least one that is not none")
    }
}

/// Whether the architect follows the first-order approximation or the unrolled second-order
/// hypergradient of the DARTS paper (Liu et al. 2019, eq. 7-8; `--unrolled` in the DARTS code).
public enum DartsOrder: String, Codable, Sendable, CaseIterable {
    case first, second
}

/// How the supernet is searched. The defaults are those of DARTS's `train_search.py`.
public struct DartsSearchSettings: Codable, Sendable, Equatable {
    public var order: DartsOrder = .first
    /// Images per batch, for both the weight (training) and the alpha (validation) batches.
    public var batchSize: Int = 64
    /// Passes over the weight half of the data.
    public var epochs: Int = 50
    /// SGD on the network weights: cosine from `weightLearningRate` to
    /// `minimumWeightLearningRate` over all the steps of the search.
    public var weightLearningRate: Float = 0.025
    public var minimumWeightLearningRate: Float = 0.001
    public var momentum: Float = 0.9
    public var weightDecay: Float = 3e-4
    /// Global-norm gradient clipping of the weight step.
    public var gradientClip: Float = 5
    /// Adam on the architecture weights (alphas).
    public var alphaLearningRate: Float = 3e-4
    public var alphaBeta1: Float = 0.5
    public var alphaBeta2: Float = 0.999
    public var alphaWeightDecay: Float = 1e-3
    /// The fraction of the training images kept for the alpha step (DARTS: half).
    public var validationFraction: Double = 0.5
    /// At most this many images of the alpha half (a seeded subset) are what `evaluate()` scores.
    public var evaluationLimit: Int = 500
    /// Whether the last step of every epoch ends with `evaluate()`.
    public var evaluateEachEpoch = true
    public var evaluationBatchSize: Int = 128
    /// r of DARTS's `_hessian_vector_product`: the finite-difference step is r / |∇w' L_val|.
    public var finiteDifferenceRadius: Float = 0.01
    /// Starting the alphas from the operations the best earlier trials used.
    public var warmStart = AlphaWarmStart.Settings()

    public init() {}

    /// Throws a `DartsSearchError` naming the first value the search cannot run with.
    public func validate() throws {
        func require(_ ok: Bool, _ message: @autoclosure () -> String) throws {
            if !ok { throw DartsSearchError("DARTS search settings: " + message()) }
        }
        func positive(_ x: Float) -> Bool { x > 0 && x.isFinite }
        try require(batchSize >= 2, "batch size \(batchSize); accepted: 2 or more (batch norm needs two images)")
        try require(epochs >= 1, "epochs \(epochs); accepted: 1 or more")
        try require(positive(weightLearningRate), "weight learning rate \(weightLearningRate); accepted: a positive number")
        try require(minimumWeightLearningRate >= 0 && minimumWeightLearningRate <= weightLearningRate,
                    "minimum weight learning rate \(minimumWeightLearningRate); accepted: 0 up to the weight learning rate \(weightLearningRate)")
        try require(momentum >= 0 && momentum < 1, "momentum \(momentum); accepted: 0 <= momentum < 1")
        try require(weightDecay >= 0 && weightDecay.isFinite, "weight decay \(weightDecay); accepted: 0 or more")
        try require(positive(gradientClip), "gradient clip \(gradientClip); accepted: a positive norm")
        try require(positive(alphaLearningRate), "alpha learning rate \(alphaLearningRate); accepted: a positive number")
        try require(alphaBeta1 >= 0 && alphaBeta1 < 1 && alphaBeta2 >= 0 && alphaBeta2 < 1,
                    "alpha Adam betas (\(alphaBeta1), \(alphaBeta2)); accepted: each in [0, 1)")
        try require(alphaWeightDecay >= 0 && alphaWeightDecay.isFinite, "alpha weight decay \(alphaWeightDecay); accepted: 0 or more")
        try require(validationFraction > 0 && validationFraction < 1,
                    "validation fraction \(validationFraction); accepted: strictly between 0 and 1 (DARTS: 0.5)")
        try require(evaluationLimit >= 1, "evaluation limit \(evaluationLimit); accepted: 1 or more images")
        try require(evaluationBatchSize >= 1, "evaluation batch size \(evaluationBatchSize); accepted: 1 or more")
        try require(positive(finiteDifferenceRadius), "finite-difference radius \(finiteDifferenceRadius); accepted: a positive number (DARTS: 0.01)")
        try warmStart.validate()
    }
}
