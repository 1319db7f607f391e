// Depthwise convolution (groups == Cin == Cout) with direct kernels: im2col + GEMM wastes most
// of its time on these one-channel products, which is where PyTorch's CPU backend is slowest.
// Each worker copies one plane at a time into a zero-padded scratch plane, so the inner loops
// need no bounds checks. At stride 1 the output is computed on a grid as wide as the padded
// plane: every tap is then the same flat plane shifted by i·d·Wp + j·d, so whole planes (not
// short rows) run on SIMD vectors; the columns past the output width are dropped.

extension Tensor {
    /// x [N, C, H, W] convolved per channel with weight [C, 1, kh, kw]. `reluInput`: convolve
    /// max(0, x) instead (rectified while padding; the input gradient masked where x <= 0), so
    /// no rectified copy of x is kept for the backward pass.
    func depthwiseConv2d(weight: Tensor, geometry geo: ConvolutionGeometry, reluInput: Bool = false) -> Tensor {
        let channels = geo.inChannels, taps = geo.kernelHeight * geo.kernelWidth
        let layout = PaddedPlane(geo)
        let out = Tensor(uninitialized: [geo.batch, channels, geo.outHeight, geo.outWidth])
        let x = data, w = weight.data, o = out.data
        parallelRanges(geo.batch * channels) { _, planes in
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: layout.count + layout.wideCount)
            defer { padded.deallocate() }
            padded.update(repeating: 0, count: layout.count)
            for p in planes {
                layout.fill(padded, from: x + p * geo.inPlane, rectified: reluInput)
                depthwisePlaneForward(padded, w + (p % channels) * taps, o + p * geo.outPlane, layout, wide: padded + layout.count)
            }
        }
        return out.recording([self, weight]) { [self] g, tape in
            let gx = tape.gradient(for: self), gw = tape.gradient(for: weight)
            let partials = WorkerPartials(count: gw == nil ? 0 : weight.count, workers: parallelRangeCount(geo.batch * channels))
            parallelRanges(geo.batch * channels) { worker, planes in
                let padded = UnsafeMutablePointer<Float>.allocate(capacity: 2 * layout.count + layout.wideCount)
                defer { padded.deallocate() }
                padded.update(repeating: 0, count: 2 * layout.count + layout.wideCount)
                let gradPadded = padded + layout.count
                // Stride 1: the output gradient on the wide grid, zero in the dropped columns.
                let wide = geo.stride == 1 ? gradPadded + layout.count : nil
                let localGW = gw == nil ? nil : partials.zeroedBuffer(worker)
                for p in planes {
                    let c = p % channels
                    if let wide {
                        for oy in 0..<geo.outHeight { VectorKernels.copy(g + p * geo.outPlane + oy * geo.outWidth, wide + oy * layout.width, geo.outWidth) }
                    }
                    if let localGW {
                        layout.fill(padded, from: x + p * geo.inPlane, rectified: reluInput)
                        depthwisePlaneWeightGradient(padded, g + p * geo.outPlane, localGW + c * taps, layout, wide: wide)
                    }
                    if let gx {
                        gradPadded.update(repeating: 0, count: layout.count)
                        depthwisePlaneInputGradient(gradPadded, w + c * taps, g + p * geo.outPlane, layout, wide: wide)
                        if reluInput {
                            layout.moveInterior(of: gradPadded, to: gx + p * geo.inPlane, adding: true, where: x + p * geo.inPlane)
                        } else {
                            layout.addInterior(of: gradPadded, to: gx + p * geo.inPlane)
                        }
                    }
                }
            }
            if let gw { partials.sum(into: gw) }
        }
    }
}

/// A plane with `padding` zeros on every side, row length `width`.
struct PaddedPlane {
    let geo: ConvolutionGeometry
    let width: Int, height: Int
    /// Flat offsets of the taps in the padded plane.
    let tapOffsets: [Int]

    init(_ geo: ConvolutionGeometry) {
        self.geo = geo
        width = geo.width + 2 * geo.padding
        height = geo.height + 2 * geo.padding
        var offsets: [Int] = []
        for i in 0..<geo.kernelHeight { for j in 0..<geo.kernelWidth { offsets.append(i * geo.dilation * width + j * geo.dilation) } }
        tapOffsets = offsets
    }

    /// Elements of a padded plane plus the slack the last tap of the wide grid reads past it.
    var count: Int { width * height + geo.dilation * (geo.kernelWidth - 1) }
    /// Outputs on the wide grid (stride 1): output rows × padded width.
    var wideCount: Int { geo.outHeight * width }

    /// Copies an unpadded plane into the interior (the border stays zero).
    @inline(__always) func fill(_ padded: UnsafeMutablePointer<Float>, from src: UnsafePointer<Float>) {
        let origin = padded + geo.padding * width + geo.padding
        for y in 0..<geo.height { VectorKernels.copy(src + y * geo.width, origin + y * width, geo.width) }
    }

    /// Copies max(0, src) of an unpadded plane into the interior (the border stays zero).
    @inline(__always) func fillRectified(_ padded: UnsafeMutablePointer<Float>, from src: UnsafePointer<Float>) {
        let origin = padded + geo.padding * width + geo.padding
        for y in 0..<geo.height { VectorKernels.relu(src + y * geo.width, origin + y * width, geo.width) }
    }

    /// `fillRectified` when `rectified`, else `fill`.
    @inline(__always) func fill(_ padded: UnsafeMutablePointer<Float>, from src: UnsafePointer<Float>, rectified: Bool) {
        if rectified { fillRectified(padded, from: src) } else { fill(padded, from: src) }
    }

    /// Adds the interior of a padded plane to an unpadded one.
    @inline(__always) func addInterior(of padded: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>) {
        moveInterior(of: padded, to: dst, adding: true)
    }

    /// As `moveInterior`, but only where the unpadded plane `mask` is > 0 (ReLU's gradient):
    /// elsewhere the target is left as is (`adding`) or set to zero.
    @inline(__always) func moveInterior(of padded: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, adding: Bool,
                                        where mask: UnsafePointer<Float>) {
        let origin = padded + geo.padding * width + geo.padding
        for y in 0..<geo.height {
            let (g, m, d) = (origin + y * width, mask + y * geo.width, dst + y * geo.width)
            if adding { VectorKernels.reluBackward(m, g, d, geo.width) } else { VectorKernels.reluGradient(m, g, d, geo.width) }
        }
    }

    /// Adds (`adding`) or copies the interior of a padded plane to an unpadded one.
    @inline(__always) func moveInterior(of padded: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, adding: Bool) {
        let origin = padded + geo.padding * width + geo.padding
        for y in 0..<geo.height {
            if adding {
                VectorKernels.accumulate(origin + y * width, dst + y * geo.width, geo.width)
            } else {
                VectorKernels.copy(origin + y * width, dst + y * geo.width, geo.width)
            }
        }
    }
}

/// out[oy, ox] = Σ w[i, j] · xp[oy·s + i·d, ox·s + j·d] over a padded plane.
@inline(__always)
private func depthwisePlaneForward(_ xp: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>,
                                   _ layout: PaddedPlane, wide: UnsafeMutablePointer<Float>) {
    let geo = layout.geo
    let (kh, kw, d, s, wp, ow) = (geo.kernelHeight, geo.kernelWidth, geo.dilation, geo.stride, layout.width, geo.outWidth)
    if s == 1 {
        let n = layout.wideCount, taps = layout.tapOffsets.count
        var q = 0
        layout.tapOffsets.withUnsafeBufferPointer { offsets in
            while q + VectorKernels.width <= n {
                var acc = Vector(repeating: 0)
                for t in 0..<taps { acc += w[t] * VectorKernels.load(xp + offsets[t] + q) }
                VectorKernels.store(acc, wide + q)
                q += VectorKernels.width
            }
            while q < n {
                var acc: Float = 0
                for t in 0..<taps { acc += w[t] * xp[offsets[t] + q] }
                wide[q] = acc
                q += 1
            }
        }
        for oy in 0..<geo.outHeight { VectorKernels.copy(wide + oy * wp, o + oy * ow, ow) }
        return
    }
    for oy in 0..<geo.outHeight {
        let top = xp + oy * s * wp, dst = o + oy * ow
        var ox = 0
        while ox < ow {
            var acc: Float = 0
            for i in 0..<kh {
                let row = top + i * d * wp + ox * s
                for j in 0..<kw { acc += w[i * kw + j] * row[j * d] }
            }
            dst[ox] = acc
            ox += 1
        }
    }
}

/// gp[oy·s + i·d, ox·s + j·d] += w[i, j] · g[oy, ox] into a zeroed padded plane.
@inline(__always)
private func depthwisePlaneInputGradient(_ gp: UnsafeMutablePointer<Float>, _ w: UnsafePointer<Float>, _ g: UnsafePointer<Float>,
                                         _ layout: PaddedPlane, wide: UnsafePointer<Float>?) {
    let geo = layout.geo
    let (kh, kw, d, s, wp, ow) = (geo.kernelHeight, geo.kernelWidth, geo.dilation, geo.stride, layout.width, geo.outWidth)
    if let wide { // stride 1: `wide` holds g on the wide grid, zero past the output width
        for (t, offset) in layout.tapOffsets.enumerated() { VectorKernels.scaleAccumulate(wide, w[t], gp + offset, layout.wideCount) }
        return
    }
    for oy in 0..<geo.outHeight {
        let src = g + oy * ow
        for i in 0..<kh {
            let row = gp + (oy * s + i * d) * wp
            for j in 0..<kw {
                let tap = w[i * kw + j]
                let dst = row + j * d
                if s == 1 {
                    VectorKernels.scaleAccumulate(src, tap, dst, ow)
                } else {
                    for ox in 0..<ow { dst[ox * s] += tap * src[ox] }
                }
            }
        }
    }
}

/// gw[i, j] += Σ g[oy, ox] · xp[oy·s + i·d, ox·s + j·d] over a padded plane.
@inline(__always)
private func depthwisePlaneWeightGradient(_ xp: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ gw: UnsafeMutablePointer<Float>,
                                          _ layout: PaddedPlane, wide: UnsafePointer<Float>?) {
    let geo = layout.geo
    let (kh, kw, d, s, wp, ow) = (geo.kernelHeight, geo.kernelWidth, geo.dilation, geo.stride, layout.width, geo.outWidth)
    if let wide {
        for (t, offset) in layout.tapOffsets.enumerated() { gw[t] += VectorKernels.dot(wide, xp + offset, layout.wideCount) }
        return
    }
    for i in 0..<kh {
        for j in 0..<kw {
            var acc: Float = 0
            for oy in 0..<geo.outHeight {
                let row = xp + (oy * s + i * d) * wp + j * d, gr = g + oy * ow
                if s == 1 {
                    acc += VectorKernels.dot(gr, row, ow)
                } else {
                    for ox in 0..<ow { acc += gr[ox] * row[ox * s] }
                }
            }
            gw[i * kw + j] += acc
        }
    }
}
