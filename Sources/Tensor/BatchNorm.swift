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
        // Workers take ranges of images (the ranges the convolutions around use, so the data is
        // still in their caches) and per-channel sums are combined in worker order.
        let sums = ChannelSums(channels: c, workers: parallelRangeCount(n))
        if training {
            // One pass over values shifted by the channel's first one (no cancellation when the
            // mean is large against the spread).
            parallelRanges(n) { worker, images in
                for b in images {
                    for ch in 0..<c {
                        let (s, q) = VectorKernels.shiftedMoments(x + (b * c + ch) * plane, plane, shift: x[ch * plane])
                        sums.add(s, q, channel: ch, worker: worker)
                    }
                }
            }
        }
        let scale = UnsafeMutablePointer<Float>.allocate(capacity: 2 * c), shift = scale + c
        defer { scale.deallocate() }
        for ch in 0..<c {
            if training {
                let (s, q) = sums.total(channel: ch)
                let shiftedMean = s / Double(m)
                let variance = max(q / Double(m) - shiftedMean * shiftedMean, 0)
                mean[ch] = Float(Double(x[ch * plane]) + shiftedMean)
                invStd[ch] = 1 / (Float(variance) + epsilon).squareRoot()
                runningMean.data[ch] = (1 - momentum) * runningMean.data[ch] + momentum * mean[ch]
                runningVar.data[ch] = (1 - momentum) * runningVar.data[ch] + momentum * Float(variance * Double(m) / Double(m - 1))
            } else {
                mean[ch] = runningMean.data[ch]
                invStd[ch] = 1 / (runningVar.data[ch] + epsilon).squareRoot()
            }
            scale[ch] = invStd[ch] * (gamma?[ch] ?? 1)
            shift[ch] = (beta?[ch] ?? 0) - mean[ch] * scale[ch]
        }
        parallelRanges(n) { _, images in
            for b in images {
                for ch in 0..<c {
                    VectorKernels.affine(x + (b * c + ch) * plane, o + (b * c + ch) * plane, plane, scale: scale[ch], shift: shift[ch])
                }
            }
        }
        let buffers = BatchNormSaved(mean: mean, invStd: invStd)
        let inputs = [self] + [weight, bias].compactMap { $0 }
        OperationObservation.report(.batchNorm(input: self, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                                               epsilon: epsilon, training: training), out)
        return out.recording(inputs) { [self] g, tape in
            let gxWrite = tape.gradientToWrite(for: self)
            let gGamma = weight.flatMap { tape.gradient(for: $0) }, gBeta = bias.flatMap { tape.gradient(for: $0) }
            // Σ g and Σ g·(x − mean) per channel, then gx from them.
            let moments = ChannelSums(channels: c, workers: parallelRangeCount(n))
            parallelRanges(n) { worker, images in
                for b in images {
                    for ch in 0..<c {
                        let offset = (b * c + ch) * plane
                        let (sg, sgx) = VectorKernels.gradientMoments(g + offset, x + offset, plane, mean: buffers.mean[ch])
                        moments.add(sg, sgx, channel: ch, worker: worker)
                    }
                }
            }
            let coefficients = UnsafeMutablePointer<Float>.allocate(capacity: 3 * c)
            defer { coefficients.deallocate() }
            let (meanG, meanGXhat, gscale) = (coefficients, coefficients + c, coefficients + 2 * c)
            for ch in 0..<c {
                let (sumG, sumGX) = moments.total(channel: ch)
                let sumGXhat = Float(sumGX) * buffers.invStd[ch]
                gBeta?[ch] += Float(sumG)
                gGamma?[ch] += sumGXhat
                // Training: gx = scale · (g − mean g − x̂ · mean(g·x̂)); evaluation: gx = scale · g.
                meanG[ch] = training ? Float(sumG) / Float(m) : 0
                meanGXhat[ch] = training ? sumGXhat / Float(m) : 0
                gscale[ch] = buffers.invStd[ch] * (gamma?[ch] ?? 1)
            }
            guard let (gx, fresh) = gxWrite else { return }
            parallelRanges(n) { _, images in
                for b in images {
                    for ch in 0..<c {
                        let offset = (b * c + ch) * plane
                        VectorKernels.batchNormBackward(g + offset, x + offset, gx + offset, plane, mean: buffers.mean[ch], inv: buffers.invStd[ch],
                                                        meanG: meanG[ch], meanGXhat: meanGXhat[ch], scale: gscale[ch], accumulate: !fresh)
                    }
                }
            }
        }
    }
}

/// Two running sums per channel, one set per worker, added up in worker order (so results do
/// not depend on which worker finishes first).
private final class ChannelSums {
    private let channels: Int, workers: Int
    private let values: UnsafeMutablePointer<Double>

    init(channels: Int, workers: Int) {
        (self.channels, self.workers) = (channels, workers)
        values = UnsafeMutablePointer<Double>.allocate(capacity: 2 * channels * workers)
        values.initialize(repeating: 0, count: 2 * channels * workers)
    }
    deinit { values.deallocate() }

    /// Adds (a, b) to `channel`'s sums of `worker`; each worker calls from its own thread only.
    @inline(__always) func add(_ a: Float, _ b: Float, channel: Int, worker: Int) {
        let p = values + 2 * (worker * channels + channel)
        p[0] += Double(a); p[1] += Double(b)
    }

    /// `channel`'s sums over all workers.
    func total(channel: Int) -> (Double, Double) {
        var a: Double = 0, b: Double = 0
        for worker in 0..<workers { let p = values + 2 * (worker * channels + channel); a += p[0]; b += p[1] }
        return (a, b)
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
