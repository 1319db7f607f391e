import Tensor

/// SGD with momentum and weight decay on the supernet's weights, as `torch.optim.SGD` (the
/// velocity starts as the first gradient). It is Tensor's `SGD` with its momentum buffers in
/// view: the second-order architect takes its virtual step w' = w − ξ(μ·v + ∇w L_train + λ·w)
/// with them, as DARTS's `_compute_unrolled_model` reads `momentum_buffer`.
final class DartsWeightOptimizer {
    let parameters: [Tensor]
    var learningRate: Float
    let momentum: Float, weightDecay: Float
    /// Per parameter, the velocity after the last step (nil before the first).
    private(set) var velocity: [Tensor?]

    init(_ parameters: [Tensor], learningRate: Float, momentum: Float, weightDecay: Float) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        velocity = Array(repeating: nil, count: parameters.count)
    }

    func zeroGrad() { for p in parameters { p.grad = nil } }

    /// One update from the current gradients (parameters without a gradient are skipped).
    func step() {
        let (lr, wd, mu) = (learningRate, weightDecay, momentum)
        for (index, p) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            let n = p.count, w = p.data, g = grad.data
            if velocity[index] == nil {
                let v = Tensor(uninitialized: p.shape)
                let vd = v.data
                for i in 0..<n { vd[i] = g[i] + wd * w[i] }
                velocity[index] = v
                for i in 0..<n { w[i] -= lr * vd[i] }
                continue
            }
            let v = velocity[index]!.data
            for i in 0..<n {
                v[i] = mu * v[i] + g[i] + wd * w[i]
                w[i] -= lr * v[i]
            }
        }
    }

    /// The virtual step of the unrolled model, in place: w ← w − ξ(μ·v + g + λ·w) with the
    /// gradients `gradients` (one per parameter) and the current velocity (zero before the
    /// first step, as DARTS's `except: moment = zeros`).
    func virtualStep(gradients: [Tensor], xi: Float) {
        let (wd, mu) = (weightDecay, momentum)
        for (index, p) in parameters.enumerated() {
            let n = p.count, w = p.data, g = gradients[index].data
            if let v = velocity[index]?.data {
                for i in 0..<n { w[i] -= xi * (mu * v[i] + g[i] + wd * w[i]) }
            } else {
                for i in 0..<n { w[i] -= xi * (g[i] + wd * w[i]) }
            }
        }
    }
}

/// Whole-model vector arithmetic on parameter lists (DARTS's `_concat` views, without the copy).
enum DartsParameterVector {
    /// Detached copies of the values.
    static func copies(_ tensors: [Tensor]) -> [Tensor] { tensors.map { $0.copy() } }

    /// Writes `values` back into `tensors` (same shapes).
    static func restore(_ tensors: [Tensor], from values: [Tensor]) {
        for (t, v) in zip(tensors, values) { t.assign(v) }
    }

    /// tensors += scale · vectors.
    static func add(_ tensors: [Tensor], _ vectors: [Tensor], scale: Float) {
        for (t, v) in zip(tensors, vectors) {
            let td = t.data, vd = v.data
            for i in 0..<t.count { td[i] += scale * vd[i] }
        }
    }

    /// The Euclidean norm of the concatenation (accumulated in double precision).
    static func norm(_ tensors: [Tensor]) -> Float {
        var total = 0.0
        for t in tensors {
            let d = t.data
            for i in 0..<t.count { total += Double(d[i]) * Double(d[i]) }
        }
        return Float(total.squareRoot())
    }
}
