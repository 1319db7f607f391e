// Matrix products through cblas_sgemm.

extension Tensor {
    /// The matrix product of a [M, K] and a [K, N] tensor.
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard rank == 2, other.rank == 2, shape[1] == other.shape[0] else {
            throw TensorError("matmul: shapes \(shape) and \(other.shape) do not chain; accepted: [M, K] and [K, N]")
        }
        let m = shape[0], k = shape[1], n = other.shape[1]
        let out = Tensor(uninitialized: [m, n])
        gemm(m: m, n: n, k: k, a: data, b: other.data, c: out.data)
        OperationObservation.report(.matmul(self, other), out)
        return out.recording([self, other]) { [self] g, tape in
            if let ga = tape.gradient(for: self) { gemm(transB: true, m: m, n: k, k: n, a: g, b: other.data, beta: 1, c: ga) }
            if let gb = tape.gradient(for: other) { gemm(transA: true, m: k, n: n, k: m, a: data, b: g, beta: 1, c: gb) }
        }
    }

    /// A fully connected layer: x [N, in] · weightᵀ [in, out] + bias [out].
    public func linear(weight: Tensor, bias: Tensor?) throws -> Tensor {
        guard rank == 2, weight.rank == 2, weight.shape[1] == shape[1] else {
            throw TensorError("linear: input \(shape) and weight \(weight.shape) do not match; accepted: input [N, in] and weight [out, in]")
        }
        let batch = shape[0], inputs = shape[1], outputs = weight.shape[0]
        if let bias, bias.shape != [outputs] {
            throw TensorError("linear: bias \(bias.shape) for \(outputs) outputs; accepted: [\(outputs)]")
        }
        MultiplyAddCounter.add(batch * outputs * (inputs + (bias == nil ? 0 : 1)))
        let out = Tensor(uninitialized: [batch, outputs])
        let o = out.data
        if let bias {
            for r in 0..<batch { (o + r * outputs).update(from: bias.data, count: outputs) }
        }
        gemm(transB: true, m: batch, n: outputs, k: inputs, a: data, b: weight.data, beta: bias == nil ? 0 : 1, c: o)
        OperationObservation.report(.linear(input: self, weight: weight, bias: bias), out)
        return out.recording([self, weight] + (bias.map { [$0] } ?? [])) { [self] g, tape in
            if let gx = tape.gradient(for: self) {
                gemm(m: batch, n: inputs, k: outputs, a: g, b: weight.data, beta: 1, c: gx)
            }
            if let gw = tape.gradient(for: weight) {
                gemm(transA: true, m: outputs, n: inputs, k: batch, a: g, b: data, beta: 1, c: gw)
            }
            if let bias, let gb = tape.gradient(for: bias) {
                for r in 0..<batch { let row = g + r * outputs; for j in 0..<outputs { gb[j] += row[j] } }
            }
        }
    }
}
