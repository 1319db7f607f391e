import Foundation

extension Tensor {
    /// Batch normalisation of an [N, C, H, W] (or [N, C]) tensor over N, H and W per channel.
    ///
    /// Training uses the batch statistics and updates the running buffers in place
    /// (running = (1 - momentum)·running + momentum·batch, unbiased variance, as PyTorch);
    /// evaluation uses the running buffers. `weight` and `bias` ([C]) are optional (affine=False).
    public func batchNorm(
        weight: Tensor?, bias: Tensor?, runningMean: Tensor, runningVar: Tensor,
        training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5
    ) throws -> Tensor {
        guard rank == 4 || rank == 2 else { throw TensorError("batchNorm: shape \(shape); accepted: [N, C, H, W] or [N, C]") }
        let n = shape[0], c = shape[1], plane = rank == 4 ? shape[2] * shape[3] : 1
        for (name, t) in [("weight", weight), ("bias", bias), ("runningMean", runningMean), ("runningVar", runningVar)] {
            if let t, t.shape != [c] { throw TensorError("batchNorm: \(name) \(t.shape) for \(c) channels; accepted: [\(c)]") }
        }
        let m = n * plane
        if training && m <= 1 { throw TensorError("batchNorm: training needs more than one value per channel, got input \(shape)") }
        let out = Tensor(uninitialized: shape)
        let mean = UnsafeMutablePointer<Float>.allocate(capacity: c)
        let invStd = UnsafeMutablePointer<Float>.allocate(capacity: c)
        let x = data, o = out.data
        let gamma = weight?.data, beta = bias?.data
        parallelFor(c) { ch in
            var mu: Float, inv: Float
            if training {
                var s: Double = 0, ss: Double = 0
                for b in 0..<n { s += Double(VectorKernels.sum(x + (b * c + ch) * plane, plane)) }
                let meanD = s / Double(m)
                for b in 0..<n { ss += Double(VectorKernels.squaredDeviation(x + (b * c + ch) * plane, plane, mean: Float(meanD))) }
                let variance = ss / Double(m)
                mu = Float(meanD)
                inv = 1 / (Float(variance) + epsilon).squareRoot()
                runningMean.data[ch] = (1 - momentum) * runningMean.data[ch] + momentum * mu
                runningVar.data[ch] = (1 - momentum) * runningVar.data[ch] + momentum * Float(variance * Double(m) / Double(m - 1))
            } else {
                mu = runningMean.data[ch]
                inv = 1 / (runningVar.data[ch] + epsilon).squareRoot()
            }
            mean[ch] = mu; invStd[ch] = inv
            let scale = inv * (gamma?[ch] ?? 1), shift = (beta?[ch] ?? 0) - mu * scale
            for b in 0..<n { VectorKernels.affine(x + (b * c + ch) * plane, o + (b * c + ch) * plane, plane, scale: scale, shift: shift) }
        }
        let buffers = BatchNormSaved(mean: mean, invStd: invStd)
        let inputs = [self] + [weight, bias].compactMap { $0 }
        return out.recording(inputs) { [self] g, tape in
            let gx = tape.gradient(for: self)
            let gGamma = weight.flatMap { tape.gradient(for: $0) }, gBeta = bias.flatMap { tape.gradient(for: $0) }
            parallelFor(c) { ch in
                let mu = buffers.mean[ch], inv = buffers.invStd[ch]
                var sumG: Float = 0, sumGXhat: Float = 0
                for b in 0..<n {
                    let (a, d) = VectorKernels.gradientMoments(g + (b * c + ch) * plane, x + (b * c + ch) * plane, plane, mean: mu)
                    sumG += a; sumGXhat += d
                }
                sumGXhat *= inv
                gBeta?[ch] += sumG
                gGamma?[ch] += sumGXhat
                guard let gx else { return }
                let gscale = inv * (gamma?[ch] ?? 1)
                if training {
                    let meanG = sumG / Float(m), meanGXhat = sumGXhat / Float(m)
                    for b in 0..<n {
                        let offset = (b * c + ch) * plane
                        VectorKernels.batchNormBackward(g + offset, x + offset, gx + offset, plane, mean: mu, inv: inv,
                                                        meanG: meanG, meanGXhat: meanGXhat, scale: gscale)
                    }
                } else {
                    for b in 0..<n { axpy(plane, gscale, g + (b * c + ch) * plane, gx + (b * c + ch) * plane) }
                }
            }
        }
    }
}

/// Per-channel statistics a batch-norm result keeps for its backward pass.
private final class BatchNormSaved {
    let mean: UnsafeMutablePointer<Float>
    let invStd: UnsafeMutablePointer<Float>
    init(mean: UnsafeMutablePointer<Float>, invStd: UnsafeMutablePointer<Float>) {
        self.mean = mean; self.invStd = invStd
    }
    deinit { mean.deallocate(); invStd.deallocate() }
}
