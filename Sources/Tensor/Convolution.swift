// 2-D convolution: dense and grouped through per-image im2col + GEMM on parallel workers,
// stride-1 kernels larger than 1x1 on the wide grid (TapConvolution.swift, WideGridConvolution.swift),
// depthwise through a direct kernel (DepthwiseConvolution.swift); `ConvolutionKernel` chooses.

extension Tensor {
    /// 2-D convolution of x [N, Cin, H, W] with weight [Cout, Cin/groups, kh, kw] and an optional
    /// bias [Cout], as PyTorch's `F.conv2d`.
    public func conv2d(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1
    ) throws -> Tensor {
        let out = try convolution(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
                                  reluInput: false)
        OperationObservation.report(.conv2d(input: self, weight: weight, bias: bias, stride: stride, padding: padding,
                                            dilation: dilation, groups: groups), out)
        return out
    }

    /// `relu().conv2d(...)` in one op where the convolution can rectify its input as it reads it
    /// (the kernels whose `ConvolutionKernel.fusesReLU`: taps and depthwise): no rectified
    /// copy of x is stored, and the backward pass masks the input gradient as it writes it. (A 1x1
    /// convolution fused the same way, rectifying each image into a worker buffer, measured no faster.)
    /// Other shapes, and runs under an `OperationObserver` (which must see every ReLU output),
    /// take `relu()` then `conv2d`.
    public func reluConv2d(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1
    ) throws -> Tensor {
        let geometry = weight.rank == 4
            ? try? ConvolutionGeometry(input: shape, kernelHeight: weight.shape[2], kernelWidth: weight.shape[3],
                                       stride: stride, padding: padding, dilation: dilation, op: "reluConv2d") : nil
        guard let geometry, ConvolutionKernel.choose(geometry, outChannels: weight.shape[0], groups: groups).fusesReLU,
              !OperationObservation.isActive else {
            return try relu().conv2d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
        }
        return try convolution(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
                               reluInput: true)
    }

    /// `conv2d`, of max(0, x) when `reluInput` (only on kernels that fuse it; see `reluConv2d`).
    private func convolution(
        weight: Tensor, bias: Tensor?, stride: Int, padding: Int, dilation: Int, groups: Int, reluInput: Bool
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
        let kernel = ConvolutionKernel.choose(geo, outChannels: outChannels, groups: groups)
        precondition(!reluInput || kernel.fusesReLU, "conv2d: a rectified input is only fused into the tap and depthwise kernels")
        switch kernel {
        case .depthwiseWide, .depthwiseStrided: out = depthwiseConv2d(weight: weight, geometry: geo, reluInput: reluInput)
        case .taps: out = tapConv2d(weight: weight, geometry: geo, reluInput: reluInput)
        case .wideGrid: out = wideGridConv2d(weight: weight, geometry: geo)
        case .pointwise, .unfolded: out = denseConv2d(weight: weight, geometry: geo, groups: groups)
        }
        guard let bias else { return out }
        return try out.addingChannelBias(bias)
    }

    /// Adds bias[c] to every element of channel c of an [N, C, H, W] tensor.
    func addingChannelBias(_ bias: Tensor) throws -> Tensor {
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        let out = Tensor(uninitialized: shape)
        let x = data, o = out.data, b = bias.data
        for i in 0..<n * c { VectorKernels.affine(x + i * plane, o + i * plane, plane, scale: 1, shift: b[i % c]) }
        return out.recording([self, bias]) { [self] g, tape in
            if let gx = tape.gradient(for: self) { axpy(count, 1, g, gx) }
            if let gb = tape.gradient(for: bias) {
                for i in 0..<n * c { gb[i % c] += VectorKernels.sum(g + i * plane, plane) }
            }
        }
    }

    /// Each worker takes a contiguous run of images and, per image and group, unfolds the input
    /// into a column buffer of its own (a pointwise stride-1 convolution reads the input as is)
    /// and multiplies: out[n, g] = W[g] · col. The backward pass unfolds again instead of keeping
    /// the columns, so memory stays at one column buffer per worker.
    func denseConv2d(weight: Tensor, geometry geo: ConvolutionGeometry, groups: Int) -> Tensor {
        let outChannels = weight.shape[0]
        let cinG = geo.inChannels / groups, coutG = outChannels / groups
        let kSize = cinG * geo.kernelHeight * geo.kernelWidth
        let plane = geo.outPlane
        let direct = geo.readsInputAsColumns
        let out = Tensor(uninitialized: [geo.batch, outChannels, geo.outHeight, geo.outWidth])
        let x = data, w = weight.data, o = out.data
        parallelRanges(geo.batch) { _, images in
            let col = direct ? nil : UnsafeMutablePointer<Float>.allocate(capacity: kSize * plane)
            defer { col?.deallocate() }
            for n in images {
                for g in 0..<groups {
                    let input = x + (n * geo.inChannels + g * cinG) * geo.inPlane
                    if let col { im2col(input, geo, channels: cinG, col) }
                    gemmSerial(m: coutG, n: plane, k: kSize, a: w + g * coutG * kSize, b: col ?? input,
                               c: o + (n * outChannels + g * coutG) * plane)
                }
            }
        }
        return out.recording([self, weight]) { [self] gOut, tape in
            let gxWrite = tape.gradientToWrite(for: self), gw = tape.gradient(for: weight)
            let partials = WorkerPartials(count: gw == nil ? 0 : weight.count, workers: parallelRangeCount(geo.batch))
            parallelRanges(geo.batch) { worker, images in
                let col = direct ? nil : UnsafeMutablePointer<Float>.allocate(capacity: kSize * plane)
                let gradCol = gxWrite == nil || direct ? nil : UnsafeMutablePointer<Float>.allocate(capacity: kSize * plane)
                defer { col?.deallocate(); gradCol?.deallocate() }
                let localGW = gw == nil ? nil : partials.zeroedBuffer(worker)
                for n in images {
                    for g in 0..<groups {
                        let input = x + (n * geo.inChannels + g * cinG) * geo.inPlane
                        let gradOut = gOut + (n * outChannels + g * coutG) * plane
                        if let localGW {
                            if let col { im2col(input, geo, channels: cinG, col) }
                            gemmSerial(transB: true, m: coutG, n: kSize, k: plane, a: gradOut, b: col ?? input,
                                       beta: 1, c: localGW + g * coutG * kSize)
                        }
                        if let (gx, fresh) = gxWrite {
                            let gradInput = gx + (n * geo.inChannels + g * cinG) * geo.inPlane
                            if let gradCol {
                                gemmSerial(transA: true, m: kSize, n: plane, k: coutG, a: w + g * coutG * kSize, b: gradOut, c: gradCol)
                                if fresh { gradInput.update(repeating: 0, count: cinG * geo.inPlane) }
                                col2im(gradCol, geo, channels: cinG, gradInput)
                            } else {
                                gemmSerial(transA: true, m: kSize, n: plane, k: coutG, a: w + g * coutG * kSize, b: gradOut,
                                           beta: fresh ? 0 : 1, c: gradInput)
                            }
                        }
                    }
                }
            }
            if let gw { partials.sum(into: gw) }
        }
    }
}

/// Unfolds `channels` planes of one image into the column matrix [channels·kh·kw, Ho·Wo];
/// positions in the padding are zero.
func im2col(_ x: UnsafePointer<Float>, _ geo: ConvolutionGeometry, channels: Int, _ col: UnsafeMutablePointer<Float>) {
    let (kh, kw, s, w, ow, plane) = (geo.kernelHeight, geo.kernelWidth, geo.stride, geo.width, geo.outWidth, geo.outPlane)
    for c in 0..<channels {
        let input = x + c * geo.inPlane
        for i in 0..<kh {
            let rowOffset = i * geo.dilation
            let (yLo, yHi) = geo.validRows(offset: rowOffset)
            for j in 0..<kw {
                let colOffset = j * geo.dilation
                let (xLo, xHi) = geo.validColumns(offset: colOffset)
                let dst = col + ((c * kh + i) * kw + j) * plane
                if yLo > 0 { dst.update(repeating: 0, count: yLo * ow) }
                if yHi < geo.outHeight { (dst + yHi * ow).update(repeating: 0, count: (geo.outHeight - yHi) * ow) }
                for oy in yLo..<yHi {
                    let src = input + (oy * s - geo.padding + rowOffset) * w + colOffset - geo.padding
                    let d = dst + oy * ow
                    for ox in 0..<xLo { d[ox] = 0 }
                    if s == 1 {
                        if xHi > xLo { VectorKernels.copy(src + xLo, d + xLo, xHi - xLo) }
                    } else {
                        for ox in xLo..<xHi { d[ox] = src[ox * s] }
                    }
                    for ox in xHi..<ow { d[ox] = 0 }
                }
            }
        }
    }
}

/// Folds a column matrix of one image back, adding each entry into the input position it came from.
func col2im(_ col: UnsafePointer<Float>, _ geo: ConvolutionGeometry, channels: Int, _ gx: UnsafeMutablePointer<Float>) {
    let (kh, kw, s, w, ow, plane) = (geo.kernelHeight, geo.kernelWidth, geo.stride, geo.width, geo.outWidth, geo.outPlane)
    for c in 0..<channels {
        let target = gx + c * geo.inPlane
        for i in 0..<kh {
            let rowOffset = i * geo.dilation
            let (yLo, yHi) = geo.validRows(offset: rowOffset)
            for j in 0..<kw {
                let colOffset = j * geo.dilation
                let (xLo, xHi) = geo.validColumns(offset: colOffset)
                let src = col + ((c * kh + i) * kw + j) * plane
                for oy in yLo..<yHi {
                    let dst = target + (oy * s - geo.padding + rowOffset) * w + colOffset - geo.padding
                    let g = src + oy * ow
                    if s == 1 {
                        if xHi > xLo { VectorKernels.accumulate(g + xLo, dst + xLo, xHi - xLo) }
                    } else {
                        for ox in xLo..<xHi { dst[ox * s] += g[ox] }
                    }
                }
            }
        }
    }
}
