import Tensor

extension Module {
    /// This module and every module below it, parents before children.
    var selfAndDescendants: [Module] { [self] + children.flatMap { $0.selfAndDescendants } }

    /// The weights proxies score: those of every convolution and linear layer (not biases, not
    /// batch norm), as zero-cost-nas's `get_layer_metric_array` selects them.
    var scoredWeights: [Tensor] {
        selfAndDescendants.compactMap { module in
            if let conv = module as? Conv2d { return conv.weight }
            if let linear = module as? Linear { return linear.weight }
            return nil
        }
    }
}

/// What a proxy may change on a model: parameter values and gradients, batch-norm running
/// statistics and the training mode. Saved before a proxy runs and put back after it, so scoring
/// leaves the model as it found it.
struct ProxyModelState {
    private let model: Module
    private let parameters: [Tensor]
    private let values: [Tensor]
    private let grads: [Tensor?]
    private let buffers: [Tensor]
    private let bufferValues: [Tensor]
    private let wasTraining: Bool

    init(_ model: Module) {
        self.model = model
        parameters = model.parameters
        values = parameters.map { $0.copy() }
        grads = parameters.map { $0.grad }
        buffers = model.buffers
        bufferValues = buffers.map { $0.copy() }
        wasTraining = model.isTraining
    }

    /// Puts every saved value back.
    func restore() {
        for (p, v) in zip(parameters, values) { p.assign(v) }
        for (p, g) in zip(parameters, grads) { p.grad = g }
        for (b, v) in zip(buffers, bufferValues) { b.assign(v) }
        model.train(wasTraining)
    }
}
