import Foundation

/// Something that updates parameters from their gradients.
public protocol Optimizer: AnyObject {
    var parameters: [Tensor] { get }
    var learningRate: Float { get set }
    /// Applies one update from the current gradients (parameters without a gradient are skipped).
    func step()
}

extension Optimizer {
    /// Drops every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.grad = nil } }
}

/// Stochastic gradient descent with momentum, weight decay (added to the gradient, as PyTorch)
/// and optional Nesterov momentum.
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let momentum: Float, weightDecay: Float, nesterov: Bool
    private var velocity: [Tensor?]

    public init(_ parameters: [Tensor], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        self.parameters = parameters; self.learningRate = learningRate
        self.momentum = momentum; self.weightDecay = weightDecay; self.nesterov = nesterov
        velocity = Array(repeating: nil, count: parameters.count)
    }

    public func step() {
        for (index, p) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            let n = p.count, w = p.data, g = grad.data
            let (lr, wd, mu) = (learningRate, weightDecay, momentum)
            if mu == 0 {
                for i in 0..<n { w[i] -= lr * (g[i] + wd * w[i]) }
                continue
            }
            if velocity[index] == nil {
                let v = Tensor(uninitialized: p.shape)
                for i in 0..<n { v.data[i] = g[i] + wd * w[i] }
                velocity[index] = v
                let vd = v.data
                for i in 0..<n { w[i] -= lr * (nesterov ? (g[i] + wd * w[i]) + mu * vd[i] : vd[i]) }
                continue
            }
            let v = velocity[index]!.data
            for i in 0..<n {
                let d = g[i] + wd * w[i]
                v[i] = mu * v[i] + d
                w[i] -= lr * (nesterov ? d + mu * v[i] : v[i])
            }
        }
    }
}

/// Adam with L2 weight decay added to the gradient (PyTorch's `torch.optim.Adam`).
public final class Adam: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    private var firstMoment: [Tensor], secondMoment: [Tensor]
    private var steps: [Int]

    public init(_ parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters; self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
        firstMoment = parameters.map { Tensor(zeros: $0.shape) }
        secondMoment = parameters.map { Tensor(zeros: $0.shape) }
        steps = Array(repeating: 0, count: parameters.count)
    }

    public func step() {
        for (index, p) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            steps[index] += 1
            let t = Float(steps[index])
            let correction1 = 1 - pow(beta1, t), correction2 = 1 - pow(beta2, t)
            let stepSize = learningRate / correction1
            let n = p.count, w = p.data, g = grad.data, m = firstMoment[index].data, v = secondMoment[index].data
            let (b1, b2, eps, wd) = (beta1, beta2, epsilon, weightDecay)
            let invSqrtC2 = 1 / correction2.squareRoot()
            for i in 0..<n {
                let d = g[i] + wd * w[i]
                m[i] = b1 * m[i] + (1 - b1) * d
                v[i] = b2 * v[i] + (1 - b2) * d * d
                w[i] -= stepSize * m[i] / (v[i].squareRoot() * invSqrtC2 + eps)
            }
        }
    }
}

/// Scales all gradients so their global L2 norm is at most `maxNorm`; returns the norm before
/// clipping (`torch.nn.utils.clip_grad_norm_`).
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    var total: Double = 0
    for p in parameters { if let g = p.grad { total += Double(dot(g.count, g.data, g.data)) } }
    let norm = Float(total.squareRoot())
    let scale = maxNorm / (norm + 1e-6)
    if scale < 1 {
        for p in parameters { if let g = p.grad { let d = g.data; for i in 0..<g.count { d[i] *= scale } } }
    }
    return norm
}

/// Cosine annealing from `base` to `minimum` over `totalSteps` (`CosineAnnealingLR`).
public struct CosineSchedule {
    public let base: Float, minimum: Float, totalSteps: Int
    public init(base: Float, minimum: Float = 0, totalSteps: Int) {
        self.base = base; self.minimum = minimum; self.totalSteps = max(totalSteps, 1)
    }
    /// The learning rate at step `step` (0-based), held at `minimum` past the end.
    public func learningRate(at step: Int) -> Float {
        let t = Float(min(max(step, 0), totalSteps)) / Float(totalSteps)
        return minimum + 0.5 * (base - minimum) * (1 + cos(Float.pi * t))
    }
}
