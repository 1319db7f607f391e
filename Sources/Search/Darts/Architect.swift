import NAS
import Tensor

/// One batch: images [B, C, H, W] and their labels.
public typealias DartsBatch = (images: Tensor, labels: [Int])

/// What the architect optimises: network weights w, architecture weights α and the training-mode
/// loss of a batch. `DartsSupernet` is one; tests use small smooth models, on which the
/// finite-difference hypergradient can be checked (a ReLU and max-pool supernet is only
/// piecewise smooth).
public protocol DartsBilevelModel: AnyObject {
    /// The network weights, which the weight optimizer updates.
    var weights: [Tensor] { get }
    /// The architecture weights (the alphas).
    var architecture: [Tensor] { get }
    /// State a forward pass changes besides the parameters (batch-norm running statistics).
    var buffers: [Tensor] { get }
    /// The cross-entropy of a batch, in training mode, recorded for gradients.
    func bilevelLoss(_ batch: DartsBatch) throws -> Tensor
}

extension DartsSupernet: DartsBilevelModel {
    public func bilevelLoss(_ batch: DartsBatch) throws -> Tensor {
        try self(batch.images).crossEntropy(labels: batch.labels)
    }
}

/// The architecture step of DARTS (`architect.py`): the gradient of the validation loss with
/// respect to the alphas, and an Adam step on them.
///
/// - First order (`unrolled=False`): ∇α L_val(w, α) at the current weights.
/// - Second order (`unrolled=True`, the paper's eq. 7-8): the gradient of the unrolled
///   objective L_val(w′(α), α) with w′ = w − ξ(μ·v + ∇w L_train(w, α) + λ·w), where v is the
///   weight optimizer's momentum buffer (zero before its first step), μ its momentum, λ its
///   weight decay and ξ the current weight learning rate. The paper writes the virtual step
///   as plain w − ξ∇w L_train; the DARTS code adds momentum and weight decay, and so do we
///   (neither depends on α, so the hypergradient below is unchanged):
///
///       ∇α L_val(w′, α) − ξ · (∇α L_train(w⁺, α) − ∇α L_train(w⁻, α)) / (2ε)
///
///   with w± = w ± ε·∇w′ L_val(w′, α) and ε = r / ‖∇w′ L_val(w′, α)‖ (r = 0.01), the central
///   finite difference for the Hessian-vector product ∇²α,w L_train(w, α) · ∇w′ L_val(w′, α).
///   The weights and the batch-norm running statistics are restored afterwards: only the
///   alphas change (DARTS builds a separate unrolled model for the same effect).
///
/// `DartsSearch` keeps the supernet in training mode (batch statistics) for every pass, as
/// DARTS's search does.
public final class DartsArchitect {
    public let model: DartsBilevelModel
    public let order: DartsOrder
    public let alphaOptimizer: Adam
    /// r in ε = r / ‖∇w′ L_val‖.
    public var finiteDifferenceRadius: Float
    let weightOptimizer: DartsWeightOptimizer
    let weights: [Tensor]
    let alphas: [Tensor]

    init(model: DartsBilevelModel, weightOptimizer: DartsWeightOptimizer, settings: DartsSearchSettings) {
        self.model = model
        order = settings.order
        weights = model.weights
        alphas = model.architecture
        self.weightOptimizer = weightOptimizer
        finiteDifferenceRadius = settings.finiteDifferenceRadius
        alphaOptimizer = Adam(alphas, learningRate: settings.alphaLearningRate, beta1: settings.alphaBeta1,
                              beta2: settings.alphaBeta2, weightDecay: settings.alphaWeightDecay)
    }

    /// One architecture update with `xi` as the virtual step's learning rate (second order
    /// only). Returns the validation loss the step saw: L_val(w, α) in first order,
    /// L_val(w′, α) at the unrolled weights in second order.
    @discardableResult
    public func step(train: DartsBatch, validation: DartsBatch, xi: Float) throws -> Float {
        let (gradients, loss) = order == .first
            ? try firstOrderGradient(validation: validation)
            : try secondOrderGradient(train: train, validation: validation, xi: xi)
        for (alpha, gradient) in zip(alphas, gradients) { alpha.grad = gradient }
        alphaOptimizer.step()
        alphaOptimizer.zeroGrad()
        return loss
    }

    /// ∇α L_val(w, α) for [alphaNormal, alphaReduce], and L_val(w, α).
    public func firstOrderGradient(validation: DartsBatch) throws -> (gradients: [Tensor], loss: Float) {
        let (loss, gradients) = try lossAndGradients(validation, wrt: alphas, pass: "validation")
        return (gradients, loss)
    }

    /// The unrolled hypergradient (see the type's documentation) for [alphaNormal, alphaReduce],
    /// and L_val(w′, α). Leaves weights, alphas and running statistics as they were.
    public func secondOrderGradient(train: DartsBatch, validation: DartsBatch, xi: Float) throws -> (gradients: [Tensor], loss: Float) {
        let parts = try secondOrderParts(train: train, validation: validation, xi: xi)
        for (d, h) in zip(parts.direct, parts.implicit) {
            let dd = d.data, hd = h.data
            for i in 0..<d.count { dd[i] -= xi * hd[i] }
        }
        return (parts.direct, parts.loss)
    }

    /// The two terms of the hypergradient: `direct` = ∇α L_val(w′, α) and `implicit` = the
    /// finite-difference ∇²α,w L_train(w, α) · ∇w′ L_val(w′, α) (the gradient is
    /// direct − ξ·implicit), with L_val(w′, α).
    func secondOrderParts(train: DartsBatch, validation: DartsBatch, xi: Float) throws -> (direct: [Tensor], implicit: [Tensor], loss: Float) {
        try atVirtualStep(train: train, xi: xi) { saved in
            // ∇α L_val(w′, α) and v = ∇w′ L_val(w′, α), from one backward pass.
            let (loss, both) = try lossAndGradients(validation, wrt: alphas + weights, pass: "unrolled validation")
            let direct = Array(both[..<alphas.count]), vector = Array(both[alphas.count...])
            let implicit = try hessianVectorProduct(vector, train: train, at: saved)
            return (direct, implicit, loss)
        }
    }

    /// L_val(w′(α), α): the objective whose α-gradient `secondOrderGradient` approximates
    /// (for checking it). Leaves weights and running statistics as they were.
    public func unrolledValidationLoss(train: DartsBatch, validation: DartsBatch, xi: Float) throws -> Float {
        try atVirtualStep(train: train, xi: xi) { _ in
            try GradMode.withoutGrad { try model.bilevelLoss(validation).item }
        }
    }

    /// Runs `body` at the virtual step w′ = w − ξ(μ·v + ∇w L_train(w, α) + λ·w), passing it the
    /// saved w; afterwards weights and running statistics are back as they were.
    private func atVirtualStep<T>(train: DartsBatch, xi: Float, _ body: ([Tensor]) throws -> T) throws -> T {
        let saved = DartsParameterVector.copies(weights)
        let buffers = model.buffers, savedBuffers = DartsParameterVector.copies(buffers)
        defer {
            DartsParameterVector.restore(weights, from: saved)
            DartsParameterVector.restore(buffers, from: savedBuffers)
        }
        let (_, trainGradients) = try lossAndGradients(train, wrt: weights, pass: "training (virtual step)")
        weightOptimizer.virtualStep(gradients: trainGradients, xi: xi)
        return try body(saved)
    }

    /// (∇α L_train(w⁺, α) − ∇α L_train(w⁻, α)) / (2ε), w± = w ± ε·vector, ε = r / ‖vector‖,
    /// with w the values `at`. The weights are left at `at`.
    func hessianVectorProduct(_ vector: [Tensor], train: DartsBatch, at values: [Tensor]) throws -> [Tensor] {
        let norm = DartsParameterVector.norm(vector)
        guard norm > 0, norm.isFinite else { return alphas.map { Tensor(zeros: $0.shape) } }
        let epsilon = finiteDifferenceRadius / norm
        defer { DartsParameterVector.restore(weights, from: values) }
        DartsParameterVector.restore(weights, from: values)
        DartsParameterVector.add(weights, vector, scale: epsilon)
        let (_, plus) = try lossAndGradients(train, wrt: alphas, pass: "training at w+")
        DartsParameterVector.restore(weights, from: values)
        DartsParameterVector.add(weights, vector, scale: -epsilon)
        let (_, minus) = try lossAndGradients(train, wrt: alphas, pass: "training at w-")
        let scale = 1 / (2 * epsilon)
        for (p, m) in zip(plus, minus) {
            let pd = p.data, md = m.data
            for i in 0..<p.count { pd[i] = (pd[i] - md[i]) * scale }
        }
        return plus
    }

    /// The loss on `batch` and its gradients with respect to `targets` (zeros where the loss does
    /// not reach). Every other supernet parameter is frozen for the pass, so no gradient is
    /// computed for it; no parameter keeps a gradient afterwards.
    func lossAndGradients(_ batch: DartsBatch, wrt targets: [Tensor], pass: String) throws -> (loss: Float, gradients: [Tensor]) {
        let wanted = Set(targets.map(ObjectIdentifier.init))
        let frozen = (weights + alphas).filter { !wanted.contains(ObjectIdentifier($0)) }
        for t in frozen { t.requiresGrad = false }
        defer { for t in frozen { t.requiresGrad = true } }
        for t in targets { t.grad = nil }
        let loss = try model.bilevelLoss(batch)
        guard loss.item.isFinite else {
            throw DartsSearchError("DARTS architect: the \(pass) loss became \(loss.item); lower the learning rates "
                + "(weights \(weightOptimizer.learningRate), alphas \(alphaOptimizer.learningRate))")
        }
        try loss.backward()
        let gradients = targets.map { $0.grad ?? Tensor(zeros: $0.shape) }
        for t in targets { t.grad = nil }
        return (loss.item, gradients)
    }
}
