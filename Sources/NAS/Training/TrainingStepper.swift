import Tensor

/// One optimisation step as training takes it: learning rate from the per-step cosine schedule,
/// zeroed gradients, forward, mean cross-entropy, backward, clipping by the global norm of all
/// gradients, optimizer update (PyTorch's `zero_grad; loss.backward(); clip_grad_norm_;
/// opt.step(); sched.step()`). `Trainer` steps through it, and so does the PyTorch parity check
/// (`bench/parity`), so the two compare the same code.
public final class TrainingStepper {
    public let model: Module
    public let parameters: [Tensor]
    public let optimizer: Optimizer
    public let schedule: CosineSchedule
    public let gradientClip: Float?
    /// Steps taken so far (the schedule's position).
    public private(set) var stepCount = 0

    /// Steps `model` with `settings`' optimizer over a cosine schedule of `totalSteps` steps.
    public init(model: Module, settings: TrainingSettings, totalSteps: Int) {
        self.model = model
        parameters = model.parameters
        optimizer = settings.makeOptimizer(parameters)
        schedule = CosineSchedule(base: settings.learningRate, minimum: settings.minimumLearningRate, totalSteps: totalSteps)
        gradientClip = settings.gradientClip
    }

    /// Trains on one batch and returns its mean loss and the logits. A non-finite loss leaves
    /// the weights and the schedule as they were (the caller decides what to report).
    public func step(images: Tensor, labels: [Int]) throws -> (loss: Float, logits: Tensor) {
        optimizer.learningRate = schedule.learningRate(at: stepCount)
        optimizer.zeroGrad()
        let logits = try model(images)
        let loss = try logits.crossEntropy(labels: labels)
        let value = loss.item
        guard value.isFinite else { return (value, logits) }
        try loss.backward()
        if let clip = gradientClip { clipGradientNorm(parameters, maxNorm: clip) }
        optimizer.step()
        stepCount += 1
        return (value, logits)
    }
}
