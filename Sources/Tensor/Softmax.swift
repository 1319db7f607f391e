import Foundation

// Softmax, log-softmax and cross-entropy along the last dimension.

extension Tensor {
    private var rowsAndColumns: (Int, Int) {
        let cols = shape.last ?? 1
        return (cols == 0 ? 0 : count / cols, cols)
    }

    /// softmax along the last dimension.
    public func softmax() throws -> Tensor {
        guard rank >= 1, shape.last! > 0 else { throw TensorError("softmax: shape \(shape); accepted: at least one dimension with a non-empty last dimension") }
        let (rows, cols) = rowsAndColumns
        let out = Tensor(uninitialized: shape)
        let x = data, o = out.data
        for r in 0..<rows {
            let xr = x + r * cols, orow = o + r * cols
            var m = -Float.infinity
            for j in 0..<cols { m = max(m, xr[j]) }
            var total: Float = 0
            for j in 0..<cols { let e = exp(xr[j] - m); orow[j] = e; total += e }
            let inv = 1 / total
            for j in 0..<cols { orow[j] *= inv }
        }
        OperationObservation.report(.softmax(self), out)
        return out.recording([self]) { [self] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            for r in 0..<rows {
                let gr = g + r * cols, orow = o + r * cols, gxr = gx + r * cols
                var d: Float = 0
                for j in 0..<cols { d += gr[j] * orow[j] }
                for j in 0..<cols { gxr[j] += orow[j] * (gr[j] - d) }
            }
        }
    }

    /// log(softmax) along the last dimension, computed stably.
    public func logSoftmax() throws -> Tensor {
        guard rank >= 1, shape.last! > 0 else { throw TensorError("logSoftmax: shape \(shape); accepted: at least one dimension with a non-empty last dimension") }
        let (rows, cols) = rowsAndColumns
        let out = Tensor(uninitialized: shape)
        let x = data, o = out.data
        for r in 0..<rows {
            let xr = x + r * cols, orow = o + r * cols
            var m = -Float.infinity
            for j in 0..<cols { m = max(m, xr[j]) }
            var total: Float = 0
            for j in 0..<cols { total += exp(xr[j] - m) }
            let lse = m + log(total)
            for j in 0..<cols { orow[j] = xr[j] - lse }
        }
        OperationObservation.report(.logSoftmax(self), out)
        return out.recording([self]) { [self] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            for r in 0..<rows {
                let gr = g + r * cols, orow = o + r * cols, gxr = gx + r * cols
                var gs: Float = 0
                for j in 0..<cols { gs += gr[j] }
                for j in 0..<cols { gxr[j] += gr[j] - exp(orow[j]) * gs }
            }
        }
    }

    /// The mean cross-entropy of logits [N, classes] against integer labels (PyTorch's
    /// `F.cross_entropy(logits, labels, label_smoothing=ε)`), fused with log-softmax. With label
    /// smoothing ε the target of a row is (1-ε)·one-hot(label) + ε/classes, so its loss is
    /// logsumexp(x) - (1-ε)·x[label] - ε/classes·Σⱼ x[j] (DARTS's `CrossEntropyLabelSmooth`).
    public func crossEntropy(labels: [Int], labelSmoothing: Float = 0) throws -> Tensor {
        guard rank == 2, labels.count == shape[0] else {
            throw TensorError("crossEntropy: logits \(shape) with \(labels.count) labels; accepted: logits [N, classes] and N labels")
        }
        guard labelSmoothing >= 0, labelSmoothing < 1 else {
            throw TensorError("crossEntropy: label smoothing \(labelSmoothing); accepted: 0 <= smoothing < 1")
        }
        let (rows, cols) = (shape[0], shape[1])
        if let bad = labels.first(where: { $0 < 0 || $0 >= cols }) {
            throw TensorError("crossEntropy: label \(bad) out of range; accepted: 0..<\(cols)")
        }
        let smoothing = labelSmoothing
        let uniform = smoothing / Float(cols)
        let probabilities = Tensor(uninitialized: shape)
        let x = data, p = probabilities.data
        var loss: Double = 0
        for r in 0..<rows {
            let xr = x + r * cols, pr = p + r * cols
            var m = -Float.infinity
            for j in 0..<cols { m = max(m, xr[j]) }
            var total: Float = 0
            for j in 0..<cols { let e = exp(xr[j] - m); pr[j] = e; total += e }
            let inv = 1 / total
            for j in 0..<cols { pr[j] *= inv }
            let logSumExp = m + log(total)
            if smoothing == 0 {
                loss += Double(logSumExp - xr[labels[r]])
            } else {
                // -Σⱼ qⱼ·log pⱼ with Σⱼ qⱼ = 1: logsumexp - Σⱼ qⱼ·xⱼ.
                var rowSum: Double = 0
                for j in 0..<cols { rowSum += Double(xr[j]) }
                loss += Double(logSumExp) - Double(1 - smoothing) * Double(xr[labels[r]]) - Double(uniform) * rowSum
            }
        }
        let out = Tensor(scalar: Float(loss / Double(rows)))
        OperationObservation.report(.crossEntropy(self, labels: labels), out)
        return out.recording([self]) { [self, probabilities] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            let p = probabilities.data
            let scale = g[0] / Float(rows)
            for r in 0..<rows {
                let pr = p + r * cols, gxr = gx + r * cols
                // ∂/∂xⱼ = pⱼ - qⱼ.
                if smoothing == 0 {
                    for j in 0..<cols { gxr[j] += scale * pr[j] }
                    gxr[labels[r]] -= scale
                } else {
                    for j in 0..<cols { gxr[j] += scale * (pr[j] - uniform) }
                    gxr[labels[r]] -= scale * (1 - smoothing)
                }
            }
        }
    }
}
