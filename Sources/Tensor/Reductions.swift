// Reductions to a scalar.

extension Tensor {
    /// The sum of all elements, as a scalar tensor.
    public func sum() -> Tensor {
        let n = count, x = data
        var total: Double = 0
        for i in 0..<n { total += Double(x[i]) }
        let out = Tensor(scalar: Float(total))
        OperationObservation.report(.sumAll(self), out)
        return out.recording([self]) { [self] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            let v = g[0]
            for i in 0..<n { gx[i] += v }
        }
    }

    /// The mean of all elements, as a scalar tensor.
    public func mean() -> Tensor {
        let n = count, x = data
        var total: Double = 0
        for i in 0..<n { total += Double(x[i]) }
        let out = Tensor(scalar: Float(total / Double(max(n, 1))))
        OperationObservation.report(.meanAll(self), out)
        return out.recording([self]) { [self] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            let v = g[0] / Float(max(n, 1))
            for i in 0..<n { gx[i] += v }
        }
    }
}
