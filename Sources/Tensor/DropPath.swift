import Foundation

// DARTS's drop path (`utils.drop_path`): whole samples of a batch dropped at once.

extension Tensor {
    /// While training, zeroes each sample of the batch (the first dimension) with probability
    /// `p` and scales the samples it keeps by 1/(1-p), so the mean is preserved: DARTS's
    /// `x.div_(keep_prob); x.mul_(bernoulli(keep_prob) of shape [N, 1, 1, 1])`. The identity
    /// when not training or when `p` is 0. One draw of `generator` per sample.
    public func dropPath(_ p: Float, training: Bool, generator: inout SeededGenerator) throws -> Tensor {
        guard p >= 0, p < 1 else { throw TensorError("dropPath: p = \(p); accepted: 0 <= p < 1") }
        guard training, p > 0 else { return self }
        guard rank >= 1, shape[0] >= 1 else { throw TensorError("dropPath: shape \(shape); accepted: a batch [N, ...] with N >= 1") }
        let keep = 1 - p
        let factors = (0..<shape[0]).map { _ in generator.nextFloat() < keep ? 1 / keep : 0 }
        let out = Tensor(uninitialized: shape)
        let samples = factors.count, per = samples == 0 ? 0 : count / samples
        let x = data, o = out.data
        for n in 0..<samples {
            VectorKernels.affine(x + n * per, o + n * per, per, scale: factors[n], shift: 0)
        }
        OperationObservation.report(.dropPath(self, p: p), out)
        return out.recording([self]) { [self] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            for n in 0..<samples where factors[n] != 0 { axpy(per, factors[n], g + n * per, gx + n * per) }
        }
    }
}
