import Tensor

/// One optimisation step as training takes it: learning rate from the per-step cosine schedule,
/// zeroed gradients, forward, mean cross-entropy (label-smoothed when the settings say so, plus
/// the auxiliary head's loss times its weight when the network has one), backward, clipping by the global norm of all
/// gradients, optimizer update (PyTorch's `zero_grad; loss.backward(); clip_grad_norm_;
/// opt.step(); sched.step()`). `Trainer` steps through it, and so does the PyTorch parity check
/// (`bench/parity`), so the two compare the same code.
public final class TrainingStepper {
    public let model: Module
    public let parameters: [Tensor]
    public let optimizer: Optimizer
    public let schedule: CosineSchedule
    public let gradientClip: Float?
    public let labelSmoothing: Float
    public let auxiliaryWeight: Float
    /// Steps taken so far (the schedule's position).
    public private(set) var stepCount = 0

    /// Steps `model` with `settings`' optimizer over a cosine schedule of `totalSteps` steps.
    public init(model: Module, settings: TrainingSettings, totalSteps: Int) {
        self.model = model
        parameters = model.parameters
        optimizer = settings.makeOptimizer(parameters)
        schedule = CosineSchedule(base: settings.learningRate, minimum: settings.minimumLearningRate, totalSteps: totalSteps)
        gradientClip = settings.gradientClip
        labelSmoothing = settings.labelSmoothing
        auxiliaryWeight = settings.auxiliaryWeight
    }

    /// Trains on one batch and returns its mean loss (the objective: with the auxiliary term,
    /// as DARTS reports it) and the logits. A non-finite loss leaves the weights and the schedule
    /// as they were (the caller decides what to report).
    public func step(images: Tensor, labels: [Int]) throws -> (loss: Float, logits: Tensor) {
        optimizer.learningRate = schedule.learningRate(at: stepCount)
        optimizer.zeroGrad()
        let logits = try model(images)
        var loss = try logits.crossEntropy(labels: labels, labelSmoothing: labelSmoothing)
        if let auxiliary = (model as? AuxiliaryHeadNetwork)?.takeAuxiliaryLogits(), auxiliaryWeight > 0 {
            loss = try loss + auxiliary.crossEntropy(labels: labels, labelSmoothing: labelSmoothing).scaled(by: auxiliaryWeight)
        }
        let value = loss.item
        guard value.isFinite else { return (value, logits) }
        try loss.backward()
        if let clip = gradientClip { clipGradientNorm(parameters, maxNorm: clip) }
        optimizer.step()
        stepCount += 1
        return (value, logits)
    }
}
