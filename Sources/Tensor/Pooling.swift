// Max, average (padding excluded from the count, as count_include_pad=False) and global
// average pooling over NCHW batches.

extension Tensor {
    /// Max pooling with a square window; padded positions never win.
    public func maxPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Tensor {
        let geo = try ConvolutionGeometry(input: shape, kernelHeight: kernel, kernelWidth: kernel,
                                          stride: stride ?? kernel, padding: padding, dilation: 1, op: "maxPool2d")
        guard padding * 2 <= kernel else { throw TensorError("maxPool2d: padding \(padding) for kernel \(kernel); accepted: padding <= kernel / 2") }
        let planes = geo.batch * geo.inChannels
        let out = Tensor(uninitialized: [geo.batch, geo.inChannels, geo.outHeight, geo.outWidth])
        let winners = UnsafeMutablePointer<Int32>.allocate(capacity: max(out.count, 1))
        let x = data, o = out.data
        let (width, outWidth) = (geo.width, geo.outWidth)
        let pairs = MaxPoolKernel.choose(kernel: kernel, stride: geo.stride, padding: padding) == .pairs
        parallelFor(planes) { p in
            let xp = x + p * geo.inPlane, op = o + p * geo.outPlane, wp = winners + p * geo.outPlane
            if pairs {
                for oy in 0..<geo.outHeight {
                    let top = 2 * oy * width, bottom = top + width
                    for ox in 0..<outWidth {
                        var at = top + 2 * ox, best = xp[at]
                        if xp[top + 2 * ox + 1] > best { at = top + 2 * ox + 1; best = xp[at] }
                        if xp[bottom + 2 * ox] > best { at = bottom + 2 * ox; best = xp[at] }
                        if xp[bottom + 2 * ox + 1] > best { at = bottom + 2 * ox + 1; best = xp[at] }
                        op[oy * outWidth + ox] = best
                        wp[oy * outWidth + ox] = Int32(at)
                    }
                }
                return
            }
            for oy in 0..<geo.outHeight {
                let y0 = oy * geo.stride - padding, yA = max(y0, 0), yB = min(y0 + kernel, geo.height)
                for ox in 0..<outWidth {
                    let x0 = ox * geo.stride - padding, xA = max(x0, 0), xB = min(x0 + kernel, width)
                    var at = yA * width + xA, best = xp[at]
                    for y in yA..<yB {
                        let row = y * width
                        for xx in xA..<xB where xp[row + xx] > best { best = xp[row + xx]; at = row + xx }
                    }
                    op[oy * outWidth + ox] = best
                    wp[oy * outWidth + ox] = Int32(at)
                }
            }
        }
        let saved = Winners(winners)
        OperationObservation.report(.maxPool2d(self, kernel: kernel, stride: geo.stride, padding: padding), out)
        return out.recording([self]) { [self] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            parallelFor(planes) { p in
                let gp = g + p * geo.outPlane, gxp = gx + p * geo.inPlane, wp = saved.pointer + p * geo.outPlane
                for i in 0..<geo.outPlane { gxp[Int(wp[i])] += gp[i] }
            }
        }
    }

    /// Average pooling with a square window; each output divides by the positions inside the image.
    public func avgPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Tensor {
        let geo = try ConvolutionGeometry(input: shape, kernelHeight: kernel, kernelWidth: kernel,
                                          stride: stride ?? kernel, padding: padding, dilation: 1, op: "avgPool2d")
        guard padding * 2 <= kernel else { throw TensorError("avgPool2d: padding \(padding) for kernel \(kernel); accepted: padding <= kernel / 2") }
        let planes = geo.batch * geo.inChannels
        let out = Tensor(uninitialized: [geo.batch, geo.inChannels, geo.outHeight, geo.outWidth])
        let x = data, o = out.data
        defer { OperationObservation.report(.avgPool2d(self, kernel: kernel, stride: geo.stride, padding: padding), out) }
        if AveragePoolKernel.choose(kernel: kernel, stride: geo.stride, padding: padding) == .boxSum3x3 {
            return averagePool3x3(geo: geo, out: out)
        }
        parallelFor(planes) { p in
            let xp = x + p * geo.inPlane, op = o + p * geo.outPlane
            for oy in 0..<geo.outHeight {
                let y0 = oy * geo.stride - padding, yA = max(y0, 0), yB = min(y0 + kernel, geo.height)
                for ox in 0..<geo.outWidth {
                    let x0 = ox * geo.stride - padding, xA = max(x0, 0), xB = min(x0 + kernel, geo.width)
                    var total: Float = 0
                    for y in yA..<yB { for xx in xA..<xB { total += xp[y * geo.width + xx] } }
                    op[oy * geo.outWidth + ox] = total / Float((yB - yA) * (xB - xA))
                }
            }
        }
        return out.recording([self]) { [self] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            parallelFor(planes) { p in
                let gp = g + p * geo.outPlane, gxp = gx + p * geo.inPlane
                for oy in 0..<geo.outHeight {
                    let y0 = oy * geo.stride - padding, yA = max(y0, 0), yB = min(y0 + kernel, geo.height)
                    for ox in 0..<geo.outWidth {
                        let x0 = ox * geo.stride - padding, xA = max(x0, 0), xB = min(x0 + kernel, geo.width)
                        let share = gp[oy * geo.outWidth + ox] / Float((yB - yA) * (xB - xA))
                        for y in yA..<yB { for xx in xA..<xB { gxp[y * geo.width + xx] += share } }
                    }
                }
            }
        }
    }

    /// 3x3 average pooling at stride 1 with padding 1 (padding excluded), as box sums times the
    /// inverse window sizes; its backward pass is the same box sum of the scaled gradient.
    private func averagePool3x3(geo: ConvolutionGeometry, out: Tensor) -> Tensor {
        let (h, w, planes) = (geo.height, geo.width, geo.batch * geo.inChannels)
        let inverse = Tensor(uninitialized: [h, w])
        for y in 0..<h {
            for x in 0..<w {
                let rows = min(y + 1, h - 1) - max(y - 1, 0) + 1, cols = min(x + 1, w - 1) - max(x - 1, 0) + 1
                inverse.data[y * w + x] = 1 / Float(rows * cols)
            }
        }
        let x = data, o = out.data
        parallelRanges(planes) { _, range in
            let rowSums = UnsafeMutablePointer<Float>.allocate(capacity: h * w)
            defer { rowSums.deallocate() }
            for p in range {
                boxSum3x3(x + p * h * w, o + p * h * w, rowSums, h, w, accumulate: false)
                VectorKernels.multiply(o + p * h * w, inverse.data, o + p * h * w, h * w)
            }
        }
        return out.recording([self]) { [self] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            parallelRanges(planes) { _, range in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * h * w)
                defer { scratch.deallocate() }
                for p in range {
                    VectorKernels.multiply(g + p * h * w, inverse.data, scratch, h * w)
                    boxSum3x3(scratch, gx + p * h * w, scratch + h * w, h, w, accumulate: true)
                }
            }
        }
    }

    /// The mean over H and W: [N, C, H, W] → [N, C].
    public func globalAvgPool() throws -> Tensor {
        guard rank == 4 else { throw TensorError("globalAvgPool: input \(shape); accepted: [N, C, H, W]") }
        let planes = shape[0] * shape[1], plane = shape[2] * shape[3]
        let out = Tensor(uninitialized: [shape[0], shape[1]])
        let x = data, o = out.data, inv = 1 / Float(plane)
        for p in 0..<planes { let xp = x + p * plane; var s: Float = 0; for i in 0..<plane { s += xp[i] }; o[p] = s * inv }
        OperationObservation.report(.globalAvgPool(self), out)
        return out.recording([self]) { [self] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            for p in 0..<planes { let v = g[p] * inv, gp = gx + p * plane; for i in 0..<plane { gp[i] += v } }
        }
    }
}

/// The argmax positions a max-pooling result keeps for its backward pass.
private final class Winners {
    let pointer: UnsafeMutablePointer<Int32>
    init(_ pointer: UnsafeMutablePointer<Int32>) { self.pointer = pointer }
    deinit { pointer.deallocate() }
}

/// dst (+)= the sum of each 3x3 window of src (zero outside), through horizontal row sums.
private func boxSum3x3(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ rowSums: UnsafeMutablePointer<Float>,
                       _ h: Int, _ w: Int, accumulate: Bool) {
    for y in 0..<h {
        let s = src + y * w, r = rowSums + y * w
        if w == 1 { r[0] = s[0]; continue }
        r[0] = s[0] + s[1]
        for x in 1..<(w - 1) { r[x] = s[x - 1] + s[x] + s[x + 1] }
        r[w - 1] = s[w - 2] + s[w - 1]
    }
    for y in 0..<h {
        let d = dst + y * w
        if !accumulate { VectorKernels.copy(rowSums + y * w, d, w) } else { VectorKernels.accumulate(rowSums + y * w, d, w) }
        if y > 0 { VectorKernels.accumulate(rowSums + (y - 1) * w, d, w) }
        if y + 1 < h { VectorKernels.accumulate(rowSums + (y + 1) * w, d, w) }
    }
}
