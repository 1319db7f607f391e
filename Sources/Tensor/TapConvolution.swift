// Stride-1 convolutions of inputs with several channels (the 3x3 convolutions of NAS-Bench-201):
// one small GEMM per kernel tap, on the wide grid of WideGridConvolution.swift. With an image's
// zero-padded channels as the rows of a matrix (row stride: one padded plane), the inputs that
// tap t = (i, j) meets at every output position of the wide grid are the same matrix shifted by
// i·d·Wp + j·d. So, with W_t = weight[:, :, i, j] ([Cout, Cin]) and X_t that shifted matrix,
//
//     out = Σ_t W_t · X_t,    grad X_t += W_tᵀ · grad out,    grad W_t = grad out · X_tᵀ,
//
// each a GEMM that reads its operands in place: no column matrix is built, and at these sizes
// OpenBLAS runs its small-matrix kernels, which do not pack their operands either.

extension Tensor {
    /// Cross-correlation of x [N, Cin, H, W] with weight [Cout, Cin, kh, kw] at stride 1, as
    /// `conv2d` with groups 1 and no bias. `reluInput`: convolve max(0, x) instead of x (the
    /// ReLU is applied while padding, and its gradient mask while writing the input gradient).
    func tapConv2d(weight: Tensor, geometry geo: ConvolutionGeometry, reluInput: Bool = false) -> Tensor {
        let layout = PaddedPlane(geo)
        let (cin, cout) = (geo.inChannels, weight.shape[0])
        let (wide, wp, padded) = (layout.wideCount, layout.width, layout.count)
        let out = Tensor(uninitialized: [geo.batch, cout, geo.outHeight, geo.outWidth])
        let x = data, o = out.data

        /// Copies image n's channels into the interiors of `planes` (their borders stay zero).
        func pad(_ n: Int, into planes: UnsafeMutablePointer<Float>) {
            if reluInput {
                for c in 0..<cin { layout.fillRectified(planes + c * padded, from: x + (n * cin + c) * geo.inPlane) }
            } else {
                for c in 0..<cin { layout.fill(planes + c * padded, from: x + (n * cin + c) * geo.inPlane) }
            }
        }

        let tapWeights = TapMajorWeights(weight, taps: layout.tapOffsets.count)
        parallelRanges(geo.batch) { _, images in
            let planes = UnsafeMutablePointer<Float>.allocate(capacity: cin * padded)
            let result = UnsafeMutablePointer<Float>.allocate(capacity: cout * wide)
            defer { planes.deallocate(); result.deallocate() }
            planes.update(repeating: 0, count: cin * padded)
            for n in images {
                pad(n, into: planes)
                for (t, offset) in layout.tapOffsets.enumerated() {
                    gemmSerial(m: cout, n: wide, k: cin, a: tapWeights.tap(t), b: planes + offset, ldb: padded,
                               beta: t == 0 ? 0 : 1, c: result)
                }
                for co in 0..<cout {
                    let target = o + (n * cout + co) * geo.outPlane
                    for y in 0..<geo.outHeight { VectorKernels.copy(result + co * wide + y * wp, target + y * geo.outWidth, geo.outWidth) }
                }
            }
        }
        return out.recording([self, weight]) { [self] g, tape in
            let gxWrite = tape.gradientToWrite(for: self), gw = tape.gradient(for: weight)
            let tapWeights = TapMajorWeights(weight, taps: layout.tapOffsets.count)
            let partials = WorkerPartials(count: gw == nil ? 0 : weight.count, workers: parallelRangeCount(geo.batch))
            parallelRanges(geo.batch) { worker, images in
                let planes = UnsafeMutablePointer<Float>.allocate(capacity: cin * padded)
                let gradPlanes = UnsafeMutablePointer<Float>.allocate(capacity: gxWrite == nil ? 0 : cin * padded)
                let gradWide = UnsafeMutablePointer<Float>.allocate(capacity: cout * wide)
                defer { planes.deallocate(); gradPlanes.deallocate(); gradWide.deallocate() }
                planes.update(repeating: 0, count: cin * padded)
                gradWide.update(repeating: 0, count: cout * wide) // the dropped columns stay zero
                let localGW = gw == nil ? nil : partials.zeroedBuffer(worker) // tap-major, as tapWeights
                for n in images {
                    for co in 0..<cout {
                        let source = g + (n * cout + co) * geo.outPlane
                        for y in 0..<geo.outHeight { VectorKernels.copy(source + y * geo.outWidth, gradWide + co * wide + y * wp, geo.outWidth) }
                    }
                    if let localGW {
                        pad(n, into: planes)
                        for (t, offset) in layout.tapOffsets.enumerated() {
                            gemmSerial(transB: true, m: cout, n: cin, k: wide, a: gradWide, b: planes + offset, ldb: padded,
                                       beta: 1, c: localGW + t * cout * cin)
                        }
                    }
                    if let (gx, fresh) = gxWrite {
                        // The padded gradient planes collect every tap's contribution; their interiors are gx.
                        gradPlanes.update(repeating: 0, count: cin * padded)
                        for (t, offset) in layout.tapOffsets.enumerated() {
                            gemmSerial(transA: true, m: cin, n: wide, k: cout, a: tapWeights.tap(t), b: gradWide,
                                       beta: 1, c: gradPlanes + offset, ldc: padded)
                        }
                        for c in 0..<cin {
                            let offset = (n * cin + c) * geo.inPlane
                            if reluInput {
                                layout.moveInterior(of: gradPlanes + c * padded, to: gx + offset, adding: !fresh, where: x + offset)
                            } else {
                                layout.moveInterior(of: gradPlanes + c * padded, to: gx + offset, adding: !fresh)
                            }
                        }
                    }
                }
            }
            guard let gw else { return }
            let sum = TapMajorWeights(zeroedLike: weight, taps: layout.tapOffsets.count)
            partials.sum(into: sum.values)
            sum.addWeightMajor(into: gw)
        }
    }
}

/// A convolution weight [Cout, Cin, kh, kw] rearranged tap by tap: [kh·kw, Cout, Cin].
private final class TapMajorWeights {
    let values: UnsafeMutablePointer<Float>
    private let taps: Int, outChannels: Int, inChannels: Int

    /// `weight` rearranged.
    init(_ weight: Tensor, taps: Int) {
        (self.taps, outChannels, inChannels) = (taps, weight.shape[0], weight.shape[1])
        values = UnsafeMutablePointer<Float>.allocate(capacity: weight.count)
        let w = weight.data
        for co in 0..<outChannels {
            for ci in 0..<inChannels {
                for t in 0..<taps { values[(t * outChannels + co) * inChannels + ci] = w[(co * inChannels + ci) * taps + t] }
            }
        }
    }

    /// Zeros shaped like `weight` rearranged.
    init(zeroedLike weight: Tensor, taps: Int) {
        (self.taps, outChannels, inChannels) = (taps, weight.shape[0], weight.shape[1])
        values = UnsafeMutablePointer<Float>.allocate(capacity: weight.count)
        values.initialize(repeating: 0, count: weight.count)
    }

    deinit { values.deallocate() }

    /// W_t, [Cout, Cin].
    func tap(_ t: Int) -> UnsafeMutablePointer<Float> { values + t * outChannels * inChannels }

    /// Adds these values into a weight-major [Cout, Cin, kh, kw] buffer.
    func addWeightMajor(into target: UnsafeMutablePointer<Float>) {
        for co in 0..<outChannels {
            for ci in 0..<inChannels {
                for t in 0..<taps { target[(co * inChannels + ci) * taps + t] += values[(t * outChannels + co) * inChannels + ci] }
            }
        }
    }
}
