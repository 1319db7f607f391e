import Tensor

/// One first-order DARTS search step (DARTS's Architect with `unrolled=False`): an Adam step on
/// the alphas from a validation batch, then an SGD step on the weights from a training batch.
/// DARTS's settings are the defaults: Adam lr 3e-4, betas (0.5, 0.999), weight decay 1e-3;
/// SGD lr 0.025, momentum 0.9, weight decay 3e-4, gradient clipping at 5.
public final class DartsFirstOrderStep {
    public let network: DartsSupernet
    public let weightOptimizer: SGD
    public let alphaOptimizer: Adam
    public let gradientClip: Float

    public init(network: DartsSupernet, weightLearningRate: Float = 0.025, alphaLearningRate: Float = 3e-4, gradientClip: Float = 5) {
        self.network = network
        weightOptimizer = SGD(network.weights, learningRate: weightLearningRate, momentum: 0.9, weightDecay: 3e-4)
        alphaOptimizer = Adam(network.architecture, learningRate: alphaLearningRate, beta1: 0.5, beta2: 0.999, weightDecay: 1e-3)
        self.gradientClip = gradientClip
    }

    /// Runs both updates; returns the training loss. The alpha step leaves the weights'
    /// gradients alone: they are not computed at all (the result is what DARTS computes, the
    /// weight gradients of that pass being discarded there by the next zero_grad).
    @discardableResult
    public func step(train: (Tensor, [Int]), validation: (Tensor, [Int])) throws -> Float {
        let weights = network.weights
        for w in weights { w.requiresGrad = false }
        alphaOptimizer.zeroGrad()
        do {
            try network(validation.0).crossEntropy(labels: validation.1).backward()
        } catch {
            for w in weights { w.requiresGrad = true }
            throw error
        }
        for w in weights { w.requiresGrad = true }
        alphaOptimizer.step()

        for a in network.architecture { a.requiresGrad = false }
        defer { for a in network.architecture { a.requiresGrad = true } }
        weightOptimizer.zeroGrad()
        let loss = try network(train.0).crossEntropy(labels: train.1)
        try loss.backward()
        clipGradientNorm(weights, maxNorm: gradientClip)
        weightOptimizer.step()
        return loss.item
    }
}
