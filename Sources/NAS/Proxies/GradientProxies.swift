import Foundation
import Tensor

/// snip and grad_norm: scores of the cross-entropy gradient of one mini-batch, in training mode,
/// over the weights of every convolution and linear layer (zero-cost-nas's `snip` and `grad_norm`).
enum GradientProxies {
    /// Σ |θ ⊙ ∂L/∂θ| (Lee et al. 2019's connection sensitivity, summed).
    static func snip(model: Module, batch: ProxyBatch) throws -> Double {
        try withLossGradients(model: model, batch: batch) { weight, grad in
            var total = 0.0
            let w = weight.data, g = grad.data
            for i in 0..<weight.count { total += Double(abs(w[i] * g[i])) }
            return total
        }
    }

    /// Σ over layers of ‖∂L/∂W‖₂.
    static func gradNorm(model: Module, batch: ProxyBatch) throws -> Double {
        try withLossGradients(model: model, batch: batch) { _, grad in
            var squares = 0.0
            let g = grad.data
            for i in 0..<grad.count { squares += Double(g[i]) * Double(g[i]) }
            return squares.squareRoot()
        }
    }

    /// snip and grad_norm from one backward pass.
    static func snipAndGradNorm(model: Module, batch: ProxyBatch) throws -> (snip: Double, gradNorm: Double) {
        var norms = 0.0
        let snip = try withLossGradients(model: model, batch: batch) { weight, grad in
            var total = 0.0, squares = 0.0
            let w = weight.data, g = grad.data
            for i in 0..<weight.count {
                total += Double(abs(w[i] * g[i]))
                squares += Double(g[i]) * Double(g[i])
            }
            norms += squares.squareRoot()
            return total
        }
        return (snip, norms)
    }

    /// Runs the batch through `model` in training mode, back-propagates the mean cross-entropy
    /// and sums `perLayer(weight, gradient)` over the scored weights (a weight the loss does
    /// not reach adds zero). The model is restored afterwards.
    private static func withLossGradients(model: Module, batch: ProxyBatch,
                                          _ perLayer: (Tensor, Tensor) -> Double) throws -> Double {
        let state = ProxyModelState(model)
        defer { state.restore() }
        model.train(true)
        for p in model.parameters { p.grad = nil }
        let logits = try model(batch.images)
        guard logits.rank == 2 else {
            throw ProxyError("the network's output is \(logits.shape); accepted: logits [N, classes]")
        }
        if let bad = batch.labels.first(where: { $0 >= logits.shape[1] }) {
            throw ProxyError("batch label \(bad) but the network has \(logits.shape[1]) classes")
        }
        try logits.crossEntropy(labels: batch.labels).backward()
        var total = 0.0
        for weight in model.scoredWeights {
            guard let grad = weight.grad else { continue }
            total += perLayer(weight, grad)
        }
        return total
    }
}

/// NASWOT (Mellor et al. 2021): log |det K| of the binary ReLU-code kernel of one mini-batch.
enum Naswot {
    static func score(model: Module, batch: ProxyBatch) throws -> Double {
        let state = ProxyModelState(model)
        defer { state.restore() }
        model.train(true)
        let (_, recorded) = try ActivationPatternRecorder.recordingKernel {
            try GradMode.withoutGrad { try model(batch.images) }
        }
        guard let kernel = recorded, kernel.batch == batch.count else {
            throw ProxyError("naswot: the network runs no ReLU on the batch; the score needs ReLU activations")
        }
        return logAbsDeterminant(kernel.matrix, size: kernel.batch)
    }

    /// log |det A| of a row-major size × size matrix by LU decomposition with partial pivoting,
    /// as numpy's `slogdet`; -infinity for a singular matrix.
    static func logAbsDeterminant(_ matrix: [Double], size n: Int) -> Double {
        var a = matrix
        var total = 0.0
        for col in 0..<n {
            var pivot = col
            for row in (col + 1)..<n where abs(a[row * n + col]) > abs(a[pivot * n + col]) { pivot = row }
            let p = a[pivot * n + col]
            if p == 0 || !p.isFinite { return p.isNaN ? .nan : -.infinity }
            if pivot != col {
                for j in 0..<n { a.swapAt(pivot * n + j, col * n + j) }
            }
            total += log(abs(p))
            for row in (col + 1)..<n {
                let factor = a[row * n + col] / p
                if factor == 0 { continue }
                for j in (col + 1)..<n { a[row * n + j] -= factor * a[col * n + j] }
            }
        }
        return total
    }
}
