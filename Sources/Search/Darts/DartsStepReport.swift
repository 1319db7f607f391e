/// What one bi-level step did. Steps and epochs count from 1.
public struct DartsStepReport: Codable, Sendable, Equatable {
    /// This step's index over the whole search (1...totalSteps).
    public var step: Int
    public var totalSteps: Int
    public var epoch: Int
    /// This step's index in its epoch (1...stepsPerEpoch).
    public var stepInEpoch: Int
    public var stepsPerEpoch: Int
    /// Cross-entropy and accuracy of the weight step's training batch (before the update).
    public var trainLoss: Double
    public var trainAccuracy: Double
    /// The alpha step's validation-batch loss: L_val(w, α) in first order, L_val(w′, α) at
    /// the unrolled weights in second order.
    public var validationLoss: Double
    /// The weight learning rate used in this step (also ξ of the second-order step).
    public var weightLearningRate: Double
    /// Mean entropy of softmax(α) over all edges of both cells after the step.
    public var entropy: Double
    /// Set on the last step of an epoch.
    public var epochSummary: DartsEpochSummary?
    public var seconds: Double

    /// Whether this step ended an epoch.
    public var endsEpoch: Bool { stepInEpoch == stepsPerEpoch }
    /// Whether this was the search's last step.
    public var isLast: Bool { step == totalSteps }
}

/// One epoch of the search: the training figures averaged over its steps and the supernet's
/// validation figures at its end.
public struct DartsEpochSummary: Codable, Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    /// The mean alpha-step validation-batch loss over the epoch.
    public var searchValidationLoss: Double
    /// The supernet evaluated on the validation subset (nil when evaluation is off).
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    /// Mean entropy of softmax(α) at the epoch's end.
    public var entropy: Double
    public var weightLearningRate: Double
    public var seconds: Double
}

/// The supernet's loss and accuracy on a set of images.
public struct DartsEvaluation: Codable, Sendable, Equatable {
    public var loss: Double
    public var accuracy: Double
    public var images: Int
}
