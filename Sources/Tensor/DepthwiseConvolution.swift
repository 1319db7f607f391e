// Depthwise convolution (groups == Cin == Cout) with a direct kernel: im2col + GEMM wastes most
// of its time on these one-channel products, which is where PyTorch's CPU backend is slowest.

extension Tensor {
    /// x [N, C, H, W] convolved per channel with weight [C, 1, kh, kw].
    func depthwiseConv2d(weight: Tensor, geometry geo: ConvolutionGeometry) -> Tensor {
        let channels = geo.inChannels
        let out = Tensor(zeros: [geo.batch, channels, geo.outHeight, geo.outWidth])
        let x = data, w = weight.data, o = out.data
        parallelFor(geo.batch * channels) { p in
            depthwisePlaneForward(x + p * geo.inPlane, w + (p % channels) * geo.kernelHeight * geo.kernelWidth, o + p * geo.outPlane, geo)
        }
        return out.recording([self, weight]) { [self] g, tape in
            if let gx = tape.gradient(for: self) {
                parallelFor(geo.batch * channels) { p in
                    depthwisePlaneInputGradient(g + p * geo.outPlane, w + (p % channels) * geo.kernelHeight * geo.kernelWidth, gx + p * geo.inPlane, geo)
                }
            }
            if let gw = tape.gradient(for: weight) {
                let taps = geo.kernelHeight * geo.kernelWidth
                parallelFor(channels) { c in
                    for n in 0..<geo.batch {
                        let p = n * channels + c
                        depthwisePlaneWeightGradient(g + p * geo.outPlane, x + p * geo.inPlane, gw + c * taps, geo)
                    }
                }
            }
        }
    }
}

/// out[oy, ox] += Σ w[i, j] · x[oy·s − p + i·d, ox·s − p + j·d] for one plane.
@inline(__always)
private func depthwisePlaneForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ geo: ConvolutionGeometry) {
    let (s, width, ow) = (geo.stride, geo.width, geo.outWidth)
    for i in 0..<geo.kernelHeight {
        let rowOffset = i * geo.dilation
        let (yLo, yHi) = geo.validRows(offset: rowOffset)
        for j in 0..<geo.kernelWidth {
            let colOffset = j * geo.dilation
            let (xLo, xHi) = geo.validColumns(offset: colOffset)
            let tap = w[i * geo.kernelWidth + j]
            for oy in yLo..<yHi {
                let src = x + (oy * s - geo.padding + rowOffset) * width + colOffset - geo.padding
                let dst = o + oy * ow
                if s == 1 {
                    for ox in xLo..<xHi { dst[ox] += tap * src[ox] }
                } else {
                    for ox in xLo..<xHi { dst[ox] += tap * src[ox * s] }
                }
            }
        }
    }
}

/// gx[iy, ix] += Σ w[i, j] · g[oy, ox] over the outputs each input position fed.
@inline(__always)
private func depthwisePlaneInputGradient(_ g: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>, _ geo: ConvolutionGeometry) {
    let (s, width, ow) = (geo.stride, geo.width, geo.outWidth)
    for i in 0..<geo.kernelHeight {
        let rowOffset = i * geo.dilation
        let (yLo, yHi) = geo.validRows(offset: rowOffset)
        for j in 0..<geo.kernelWidth {
            let colOffset = j * geo.dilation
            let (xLo, xHi) = geo.validColumns(offset: colOffset)
            let tap = w[i * geo.kernelWidth + j]
            for oy in yLo..<yHi {
                let dst = gx + (oy * s - geo.padding + rowOffset) * width + colOffset - geo.padding
                let src = g + oy * ow
                if s == 1 {
                    for ox in xLo..<xHi { dst[ox] += tap * src[ox] }
                } else {
                    for ox in xLo..<xHi { dst[ox * s] += tap * src[ox] }
                }
            }
        }
    }
}

/// gw[i, j] += Σ g[oy, ox] · x[oy·s − p + i·d, ox·s − p + j·d] for one plane.
@inline(__always)
private func depthwisePlaneWeightGradient(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ gw: UnsafeMutablePointer<Float>, _ geo: ConvolutionGeometry) {
    let (s, width, ow) = (geo.stride, geo.width, geo.outWidth)
    for i in 0..<geo.kernelHeight {
        let rowOffset = i * geo.dilation
        let (yLo, yHi) = geo.validRows(offset: rowOffset)
        for j in 0..<geo.kernelWidth {
            let colOffset = j * geo.dilation
            let (xLo, xHi) = geo.validColumns(offset: colOffset)
            var acc: Float = 0
            for oy in yLo..<yHi {
                let src = x + (oy * s - geo.padding + rowOffset) * width + colOffset - geo.padding
                let gr = g + oy * ow
                if s == 1 {
                    for ox in xLo..<xHi { acc += gr[ox] * src[ox] }
                } else {
                    for ox in xLo..<xHi { acc += gr[ox] * src[ox * s] }
                }
            }
            gw[i * geo.kernelWidth + j] += acc
        }
    }
}
