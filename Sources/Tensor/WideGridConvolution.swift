// Stride-1 convolutions with kernels larger than 1x1 of inputs with few channels (the stems; wider
// inputs take TapConvolution.swift): im2col on the "wide grid". On a zero-padded plane, flattened, the input window of
// tap (i, j) for every output position is one contiguous run starting at i·d·Wp + j·d, if the
// output is computed Wp columns wide and the last columns are dropped. So each column-matrix row
// is one copy of a whole plane instead of Ho short row copies, and col2im is one vector add per
// row. The GEMM is Wp/Wo times wider (1.06x at 32x32, 1.25x at 8x8).

extension Tensor {
    func wideGridConv2d(weight: Tensor, geometry geo: ConvolutionGeometry) -> Tensor {
        let layout = PaddedPlane(geo)
        let (cin, cout) = (geo.inChannels, weight.shape[0])
        let taps = layout.tapOffsets.count, kSize = cin * taps
        let (wide, plane, wp) = (layout.wideCount, geo.outPlane, layout.width)
        let out = Tensor(uninitialized: [geo.batch, cout, geo.outHeight, geo.outWidth])
        let x = data, w = weight.data, o = out.data

        /// Pads image n's channels into `padded` and unfolds them into `col` [kSize, wide].
        func unfold(_ n: Int, _ padded: UnsafeMutablePointer<Float>, _ col: UnsafeMutablePointer<Float>) {
            for c in 0..<cin {
                let p = padded + c * layout.count
                layout.fill(p, from: x + (n * cin + c) * geo.inPlane)
                for (t, offset) in layout.tapOffsets.enumerated() { VectorKernels.copy(p + offset, col + (c * taps + t) * wide, wide) }
            }
        }

        parallelRanges(geo.batch) { _, images in
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: cin * layout.count)
            let col = UnsafeMutablePointer<Float>.allocate(capacity: kSize * wide)
            let result = UnsafeMutablePointer<Float>.allocate(capacity: cout * wide)
            defer { padded.deallocate(); col.deallocate(); result.deallocate() }
            padded.update(repeating: 0, count: cin * layout.count)
            for n in images {
                unfold(n, padded, col)
                gemmSerial(m: cout, n: wide, k: kSize, a: w, b: col, c: result)
                for co in 0..<cout {
                    for y in 0..<geo.outHeight { VectorKernels.copy(result + co * wide + y * wp, o + (n * cout + co) * plane + y * geo.outWidth, geo.outWidth) }
                }
            }
        }
        return out.recording([self, weight]) { [self] g, tape in
            let gx = tape.gradient(for: self), gw = tape.gradient(for: weight)
            let partials = WorkerPartials(count: gw == nil ? 0 : weight.count, workers: parallelRangeCount(geo.batch))
            parallelRanges(geo.batch) { worker, images in
                let padded = UnsafeMutablePointer<Float>.allocate(capacity: cin * layout.count)
                let col = UnsafeMutablePointer<Float>.allocate(capacity: kSize * wide)
                let gradWide = UnsafeMutablePointer<Float>.allocate(capacity: cout * wide)
                defer { padded.deallocate(); col.deallocate(); gradWide.deallocate() }
                padded.update(repeating: 0, count: cin * layout.count)
                gradWide.update(repeating: 0, count: cout * wide) // the dropped columns stay zero
                let localGW = gw == nil ? nil : partials.zeroedBuffer(worker)
                for n in images {
                    for co in 0..<cout {
                        for y in 0..<geo.outHeight {
                            VectorKernels.copy(g + (n * cout + co) * plane + y * geo.outWidth, gradWide + co * wide + y * wp, geo.outWidth)
                        }
                    }
                    if let localGW {
                        unfold(n, padded, col)
                        gemmSerial(transB: true, m: cout, n: kSize, k: wide, a: gradWide, b: col, beta: 1, c: localGW)
                    }
                    if let gx {
                        // col := Wᵀ · gradWide, then each row adds back onto its shifted padded plane.
                        gemmSerial(transA: true, m: kSize, n: wide, k: cout, a: w, b: gradWide, c: col)
                        padded.update(repeating: 0, count: cin * layout.count)
                        for c in 0..<cin {
                            let p = padded + c * layout.count
                            for (t, offset) in layout.tapOffsets.enumerated() { VectorKernels.accumulate(col + (c * taps + t) * wide, p + offset, wide) }
                            layout.addInterior(of: p, to: gx + (n * cin + c) * geo.inPlane)
                        }
                        padded.update(repeating: 0, count: cin * layout.count)
                    }
                }
            }
            if let gw { partials.sum(into: gw) }
        }
    }
}
