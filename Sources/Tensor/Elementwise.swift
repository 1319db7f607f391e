import Foundation

// Element-wise arithmetic and activations. Binary operations take tensors of one shape.

extension Tensor {
    fileprivate func requireSameShape(_ other: Tensor, _ op: String) throws {
        guard shape == other.shape else {
            throw TensorError("\(op): shapes \(shape) and \(other.shape) differ; both operands must have the same shape")
        }
    }

    /// Element-wise sum.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        try a.requireSameShape(b, "add")
        let out = Tensor(uninitialized: a.shape)
        let n = a.count, x = a.data, y = b.data, o = out.data
        parallelChunks(n, minChunk: 1 << 16) { r in VectorKernels.add(x + r.lowerBound, y + r.lowerBound, o + r.lowerBound, r.count) }
        OperationObservation.report(.add([a, b]), out)
        return out.recording([a, b]) { g, tape in
            for t in [a, b] { passGradient(g, n, to: t, tape) }
        }
    }

    /// Element-wise difference.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        try a.requireSameShape(b, "subtract")
        let out = Tensor(uninitialized: a.shape)
        let n = a.count, x = a.data, y = b.data, o = out.data
        o.update(from: x, count: n)
        axpy(n, -1, y, o)
        OperationObservation.report(.subtract(a, b), out)
        return out.recording([a, b]) { g, tape in
            if let ga = tape.gradient(for: a) { axpy(n, 1, g, ga) }
            if let gb = tape.gradient(for: b) { axpy(n, -1, g, gb) }
        }
    }

    /// Element-wise product.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        try a.requireSameShape(b, "multiply")
        let out = Tensor(uninitialized: a.shape)
        let n = a.count, x = a.data, y = b.data, o = out.data
        VectorKernels.multiply(x, y, o, n)
        OperationObservation.report(.multiply(a, b), out)
        return out.recording([a, b]) { g, tape in
            if let ga = tape.gradient(for: a) { VectorKernels.multiplyAdd(g, y, ga, n) }
            if let gb = tape.gradient(for: b) { VectorKernels.multiplyAdd(g, x, gb, n) }
        }
    }

    /// Every element times a constant.
    public func scaled(by factor: Float) -> Tensor {
        let out = Tensor(uninitialized: shape)
        let n = count, x = data, o = out.data
        VectorKernels.affine(x, o, n, scale: factor, shift: 0)
        OperationObservation.report(.scale(self, factor: factor), out)
        return out.recording([self]) { [self] g, tape in
            if let gx = tape.gradient(for: self) { axpy(n, factor, g, gx) }
        }
    }

    /// max(x, 0).
    public func relu() -> Tensor {
        let out = Tensor(uninitialized: shape)
        let n = count, x = data, o = out.data
        parallelChunks(n, minChunk: 1 << 16) { r in VectorKernels.relu(x + r.lowerBound, o + r.lowerBound, r.count) }
        OperationObservation.report(.relu(self), out)
        return out.recording([self]) { [self] g, tape in
            guard let (gx, fresh) = tape.gradientToWrite(for: self) else { return }
            parallelChunks(n, minChunk: 1 << 16) { r in
                let (y, gr, gxr) = (o + r.lowerBound, g + r.lowerBound, gx + r.lowerBound)
                if fresh { VectorKernels.reluGradient(y, gr, gxr, r.count) } else { VectorKernels.reluBackward(y, gr, gxr, r.count) }
            }
        }
    }

    /// The exact GELU, x·Φ(x), as PyTorch's default.
    public func gelu() -> Tensor {
        let out = Tensor(uninitialized: shape)
        let n = count, x = data, o = out.data
        let invSqrt2: Float = 1 / Float(2).squareRoot()
        for i in 0..<n { o[i] = 0.5 * x[i] * (1 + erf(x[i] * invSqrt2)) }
        OperationObservation.report(.gelu(self), out)
        return out.recording([self]) { [self] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            let invSqrt2Pi: Float = 1 / (2 * Float.pi).squareRoot()
            for i in 0..<n {
                let v = x[i]
                let cdf = 0.5 * (1 + erf(v * invSqrt2))
                gx[i] += g[i] * (cdf + v * invSqrt2Pi * exp(-0.5 * v * v))
            }
        }
    }

    /// SiLU (swish): x·σ(x).
    public func silu() -> Tensor {
        let out = Tensor(uninitialized: shape)
        let n = count, x = data, o = out.data
        for i in 0..<n { o[i] = x[i] / (1 + exp(-x[i])) }
        OperationObservation.report(.silu(self), out)
        return out.recording([self]) { [self] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            for i in 0..<n {
                let s = 1 / (1 + exp(-x[i]))
                gx[i] += g[i] * s * (1 + x[i] * (1 - s))
            }
        }
    }

    /// Inverted dropout: zeroes each element with probability `p` and scales the rest by
    /// 1/(1-p) while training; the identity otherwise.
    public func dropout(_ p: Float, training: Bool, generator: inout SeededGenerator) throws -> Tensor {
        guard p >= 0, p < 1 else { throw TensorError("dropout: p = \(p); accepted: 0 <= p < 1") }
        guard training, p > 0 else { return self }
        let mask = Tensor(uninitialized: shape)
        let keep = 1 / (1 - p)
        let n = count, m = mask.data, x = data
        for i in 0..<n { m[i] = generator.nextFloat() < p ? 0 : keep }
        let out = Tensor(uninitialized: shape)
        let o = out.data
        VectorKernels.multiply(x, m, o, n)
        OperationObservation.report(.dropout(self, p: p), out)
        return out.recording([self]) { [self, mask] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            VectorKernels.multiplyAdd(g, mask.data, gx, n)
        }
    }
}

/// The sum of tensors of one shape (a DARTS node adds its incoming edges).
public func sum(_ tensors: [Tensor]) throws -> Tensor {
    guard let first = tensors.first else { throw TensorError("sum: no tensors given; pass at least one") }
    for t in tensors where t.shape != first.shape {
        throw TensorError("sum: shapes \(first.shape) and \(t.shape) differ; all tensors must have one shape")
    }
    if tensors.count == 1 { return first }
    let out = Tensor(uninitialized: first.shape)
    let n = first.count, o = out.data
    let inputs = tensors.map { UnsafePointer($0.data) }
    parallelChunks(n, minChunk: 1 << 16) { r in
        VectorKernels.add(inputs[0] + r.lowerBound, inputs[1] + r.lowerBound, o + r.lowerBound, r.count)
        for input in inputs.dropFirst(2) { VectorKernels.accumulate(input + r.lowerBound, o + r.lowerBound, r.count) }
    }
    OperationObservation.report(.add(tensors), out)
    return out.recording(tensors) { g, tape in
        for t in tensors { passGradient(g, n, to: t, tape) }
    }
}

/// Sends the gradient `g` of an addition unchanged to the addend `t`.
private func passGradient(_ g: UnsafePointer<Float>, _ n: Int, to t: Tensor, _ tape: GradientTape) {
    guard let (gt, fresh) = tape.gradientToWrite(for: t) else { return }
    parallelChunks(n, minChunk: 1 << 16) { r in
        let (source, target) = (g + r.lowerBound, gt + r.lowerBound)
        if fresh { VectorKernels.copy(source, target, r.count) } else { VectorKernels.accumulate(source, target, r.count) }
    }
}

/// Σᵢ weights[row, i] · inputs[i] over the non-nil inputs (a DARTS mixed operation; a nil input
/// stands for the `none` operation, whose output is zero). `weights` is 2-D; inputs share one shape.
public func weightedSum(_ inputs: [Tensor?], weights: Tensor, row: Int) throws -> Tensor {
    guard weights.rank == 2, row >= 0, row < weights.shape[0], weights.shape[1] == inputs.count else {
        throw TensorError("weightedSum: weights \(weights.shape), row \(row), \(inputs.count) inputs; accepted: 2-D weights with one column per input and 0 <= row < rows")
    }
    let present = inputs.enumerated().compactMap { i, t in t.map { (i, $0) } }
    guard let first = present.first?.1 else { throw TensorError("weightedSum: every input is nil; at least one operation must produce a tensor") }
    for (_, t) in present where t.shape != first.shape {
        throw TensorError("weightedSum: input shapes \(first.shape) and \(t.shape) differ")
    }
    let n = first.count
    let out = Tensor(zeros: first.shape)
    let w = weights.data + row * weights.shape[1]
    for (i, t) in present { axpy(n, w[i], t.data, out.data) }
    OperationObservation.report(.weightedSum(inputs, weights: weights, row: row), out)
    return out.recording([weights] + present.map { $0.1 }) { g, tape in
        let gw = tape.gradient(for: weights).map { $0 + row * weights.shape[1] }
        for (i, t) in present {
            if let gw { gw[i] += dot(n, g, t.data) }
            if let gt = tape.gradient(for: t) { axpy(n, w[i], g, gt) }
        }
    }
}
