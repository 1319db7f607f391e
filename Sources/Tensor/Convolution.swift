// 2-D convolution: dense and grouped through im2col + one GEMM over the whole batch,
// depthwise through a direct kernel (DepthwiseConvolution.swift).

extension Tensor {
    /// 2-D convolution of x [N, Cin, H, W] with weight [Cout, Cin/groups, kh, kw] and an optional
    /// bias [Cout], as PyTorch's `F.conv2d`.
    public func conv2d(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1
    ) throws -> Tensor {
        guard weight.rank == 4 else { throw TensorError("conv2d: weight \(weight.shape); accepted: [Cout, Cin/groups, kh, kw]") }
        let geo = try ConvolutionGeometry(input: shape, kernelHeight: weight.shape[2], kernelWidth: weight.shape[3],
                                          stride: stride, padding: padding, dilation: dilation, op: "conv2d")
        let outChannels = weight.shape[0]
        guard groups >= 1, geo.inChannels % groups == 0, outChannels % groups == 0, weight.shape[1] * groups == geo.inChannels else {
            throw TensorError("conv2d: input \(shape), weight \(weight.shape), groups \(groups); accepted: Cin and Cout divisible by groups and weight [Cout, Cin/groups, kh, kw]")
        }
        if let bias, bias.shape != [outChannels] {
            throw TensorError("conv2d: bias \(bias.shape) for \(outChannels) output channels; accepted: [\(outChannels)]")
        }
        MultiplyAddCounter.add(geo.batch * outChannels * geo.outPlane * (weight.count / outChannels + (bias == nil ? 0 : 1)))
        let out: Tensor
        if groups == geo.inChannels && outChannels == groups {
            out = depthwiseConv2d(weight: weight, geometry: geo)
        } else {
            out = denseConv2d(weight: weight, geometry: geo, groups: groups)
        }
        guard let bias else { return out }
        return try out.addingChannelBias(bias)
    }

    /// Adds bias[c] to every element of channel c of an [N, C, H, W] tensor.
    func addingChannelBias(_ bias: Tensor) throws -> Tensor {
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        let out = Tensor(uninitialized: shape)
        let x = data, o = out.data, b = bias.data
        for i in 0..<n * c { let v = b[i % c], xp = x + i * plane, op = o + i * plane; for p in 0..<plane { op[p] = xp[p] + v } }
        return out.recording([self, bias]) { [self] g, tape in
            if let gx = tape.gradient(for: self) { axpy(count, 1, g, gx) }
            if let gb = tape.gradient(for: bias) {
                for i in 0..<n * c { let gp = g + i * plane; var s: Float = 0; for p in 0..<plane { s += gp[p] }; gb[i % c] += s }
            }
        }
    }

    private func denseConv2d(weight: Tensor, geometry geo: ConvolutionGeometry, groups: Int) -> Tensor {
        let outChannels = weight.shape[0]
        let cinG = geo.inChannels / groups, coutG = outChannels / groups
        let kSize = cinG * geo.kernelHeight * geo.kernelWidth
        let columns = geo.batch * geo.outPlane
        let out = Tensor(uninitialized: [geo.batch, outChannels, geo.outHeight, geo.outWidth])
        // Column matrices of every group [groups][kSize, N·HWo] are kept for the weight gradient.
        let cols = Tensor(uninitialized: [groups, kSize, columns])
        let product = Tensor(uninitialized: [outChannels, columns])
        for g in 0..<groups {
            let col = cols.data + g * kSize * columns
            im2col(data, geo, channelOffset: g * cinG, channels: cinG, col)
            gemm(m: coutG, n: columns, k: kSize, a: weight.data + g * coutG * kSize, b: col,
                 c: product.data + g * coutG * columns)
        }
        scatterChannelsFirst(product.data, to: out.data, channels: outChannels, batch: geo.batch, plane: geo.outPlane)
        return out.recording([self, weight]) { [self] gOut, tape in
            let gx = tape.gradient(for: self), gw = tape.gradient(for: weight)
            let gradProduct = Tensor(uninitialized: [outChannels, columns])
            gatherChannelsFirst(gOut, into: gradProduct.data, channels: outChannels, batch: geo.batch, plane: geo.outPlane)
            let gradCol = gx == nil ? nil : Tensor(uninitialized: [kSize, columns])
            for g in 0..<groups {
                let gp = gradProduct.data + g * coutG * columns
                if let gw {
                    gemm(transB: true, m: coutG, n: kSize, k: columns, a: gp, b: cols.data + g * kSize * columns,
                         beta: 1, c: gw + g * coutG * kSize)
                }
                if let gx, let gradCol {
                    gemm(transA: true, m: kSize, n: columns, k: coutG, a: weight.data + g * coutG * kSize, b: gp, c: gradCol.data)
                    col2im(gradCol.data, geo, channelOffset: g * cinG, channels: cinG, gx)
                }
            }
        }
    }
}

/// [C, N·P] (GEMM output) → [N, C, P] (NCHW).
func scatterChannelsFirst(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, channels: Int, batch: Int, plane: Int) {
    parallelFor(batch) { n in
        for c in 0..<channels { (dst + (n * channels + c) * plane).update(from: src + (c * batch + n) * plane, count: plane) }
    }
}

/// [N, C, P] (NCHW) → [C, N·P].
func gatherChannelsFirst(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, channels: Int, batch: Int, plane: Int) {
    parallelFor(batch) { n in
        for c in 0..<channels { (dst + (c * batch + n) * plane).update(from: src + (n * channels + c) * plane, count: plane) }
    }
}

/// Unfolds channels `channelOffset..<channelOffset+channels` of every image into the column
/// matrix [channels·kh·kw, N·Ho·Wo]; positions in the padding are zero.
func im2col(_ x: UnsafePointer<Float>, _ geo: ConvolutionGeometry, channelOffset: Int, channels: Int, _ col: UnsafeMutablePointer<Float>) {
    let kh = geo.kernelHeight, kw = geo.kernelWidth
    let columns = geo.batch * geo.outPlane
    let (s, w, ow) = (geo.stride, geo.width, geo.outWidth)
    parallelFor(channels * kh) { task in
        let c = task / kh, i = task % kh
        let rowOffset = i * geo.dilation
        let (yLo, yHi) = geo.validRows(offset: rowOffset)
        for j in 0..<kw {
            let colOffset = j * geo.dilation
            let (xLo, xHi) = geo.validColumns(offset: colOffset)
            let row = col + ((c * kh + i) * kw + j) * columns
            for n in 0..<geo.batch {
                let plane = x + (n * geo.inChannels + channelOffset + c) * geo.inPlane
                let dst = row + n * geo.outPlane
                if yLo > 0 { dst.update(repeating: 0, count: yLo * ow) }
                if yHi < geo.outHeight { (dst + yHi * ow).update(repeating: 0, count: (geo.outHeight - yHi) * ow) }
                for oy in yLo..<yHi {
                    let src = plane + (oy * s - geo.padding + rowOffset) * w + colOffset - geo.padding
                    let d = dst + oy * ow
                    for ox in 0..<xLo { d[ox] = 0 }
                    if s == 1 {
                        if xHi > xLo { (d + xLo).update(from: src + xLo, count: xHi - xLo) }
                    } else {
                        for ox in xLo..<xHi { d[ox] = src[ox * s] }
                    }
                    for ox in xHi..<ow { d[ox] = 0 }
                }
            }
        }
    }
}

/// Folds a column matrix back, adding each entry into the input position it came from.
func col2im(_ col: UnsafePointer<Float>, _ geo: ConvolutionGeometry, channelOffset: Int, channels: Int, _ gx: UnsafeMutablePointer<Float>) {
    let kh = geo.kernelHeight, kw = geo.kernelWidth
    let columns = geo.batch * geo.outPlane
    let (s, w, ow) = (geo.stride, geo.width, geo.outWidth)
    parallelFor(channels) { c in
        for i in 0..<kh {
            let rowOffset = i * geo.dilation
            let (yLo, yHi) = geo.validRows(offset: rowOffset)
            for j in 0..<kw {
                let colOffset = j * geo.dilation
                let (xLo, xHi) = geo.validColumns(offset: colOffset)
                let row = col + ((c * kh + i) * kw + j) * columns
                for n in 0..<geo.batch {
                    let plane = gx + (n * geo.inChannels + channelOffset + c) * geo.inPlane
                    let src = row + n * geo.outPlane
                    for oy in yLo..<yHi {
                        let dst = plane + (oy * s - geo.padding + rowOffset) * w + colOffset - geo.padding
                        let g = src + oy * ow
                        if s == 1 {
                            for ox in xLo..<xHi { dst[ox] += g[ox] }
                        } else {
                            for ox in xLo..<xHi { dst[ox * s] += g[ox] }
                        }
                    }
                }
            }
        }
    }
}
