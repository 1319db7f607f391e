// Reshaping, channel concatenation and slicing, strided spatial slicing (NCHW).

extension Tensor {
    /// The same elements under another shape (one dimension may be -1 and is inferred).
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var target = newShape
        let known = target.filter { $0 != -1 }.reduce(1, *)
        if let unknown = target.firstIndex(of: -1) {
            guard target.filter({ $0 == -1 }).count == 1, known > 0, count % known == 0 else {
                throw TensorError("reshape: cannot infer -1 in \(newShape) for \(count) elements of \(shape)")
            }
            target[unknown] = count / known
        }
        guard target.reduce(1, *) == count, target.allSatisfy({ $0 >= 0 }) else {
            throw TensorError("reshape: \(shape) has \(count) elements; \(newShape) holds \(target.reduce(1, *))")
        }
        let out = Tensor(sharing: storage, shape: target)
        let n = count
        OperationObservation.report(.reshape(self, shape: target), out)
        return out.recording([self]) { [self] g, tape in
            if let gx = tape.gradient(for: self) { for i in 0..<n { gx[i] += g[i] } }
        }
    }

    /// [N, ...] to [N, rest].
    public func flattened() throws -> Tensor { try reshaped([shape.first ?? 1, -1]) }

    fileprivate func requireImage(_ op: String) throws {
        guard rank == 4 else { throw TensorError("\(op): shape \(shape); accepted: an image batch [N, C, H, W]") }
    }

    /// Channels `start..<end` of an [N, C, H, W] tensor.
    public func sliceChannels(_ range: Range<Int>) throws -> Tensor {
        try requireImage("sliceChannels")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        guard range.lowerBound >= 0, range.upperBound <= c, !range.isEmpty else {
            throw TensorError("sliceChannels: range \(range) of \(c) channels; accepted: a non-empty range within 0..<\(c)")
        }
        let plane = h * w, take = range.count * plane
        let out = Tensor(uninitialized: [n, range.count, h, w])
        for b in 0..<n { (out.data + b * take).update(from: data + (b * c + range.lowerBound) * plane, count: take) }
        OperationObservation.report(.sliceChannels(self, range: range), out)
        return out.recording([self]) { [self] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            for b in 0..<n { axpy(take, 1, g + b * take, gx + (b * c + range.lowerBound) * plane) }
        }
    }

    /// x[:, :, offset::stride, offset::stride] (factorized reduction's shifted path, `none` op).
    public func stridedSpatialSlice(offset: Int, stride: Int) throws -> Tensor {
        try requireImage("stridedSpatialSlice")
        guard stride >= 1, offset >= 0, offset < shape[2], offset < shape[3] else {
            throw TensorError("stridedSpatialSlice: offset \(offset), stride \(stride) for \(shape); accepted: stride >= 1 and offset < H, W")
        }
        let (nc, h, w) = (shape[0] * shape[1], shape[2], shape[3])
        let oh = (h - offset + stride - 1) / stride, ow = (w - offset + stride - 1) / stride
        let out = Tensor(uninitialized: [shape[0], shape[1], oh, ow])
        let x = data, o = out.data
        for p in 0..<nc {
            let xp = x + p * h * w, op = o + p * oh * ow
            for i in 0..<oh { for j in 0..<ow { op[i * ow + j] = xp[(offset + i * stride) * w + offset + j * stride] } }
        }
        OperationObservation.report(.stridedSpatialSlice(self, offset: offset, stride: stride), out)
        return out.recording([self]) { [self] g, tape in
            guard let gx = tape.gradient(for: self) else { return }
            for p in 0..<nc {
                let gp = gx + p * h * w, gop = g + p * oh * ow
                for i in 0..<oh { for j in 0..<ow { gp[(offset + i * stride) * w + offset + j * stride] += gop[i * ow + j] } }
            }
        }
    }
}

/// Concatenation of [N, Cᵢ, H, W] tensors along channels.
public func concatChannels(_ tensors: [Tensor]) throws -> Tensor {
    guard let first = tensors.first else { throw TensorError("concatChannels: no tensors given") }
    for t in tensors where t.rank != 4 || t.shape[0] != first.shape[0] || t.shape[2...] != first.shape[2...] {
        throw TensorError("concatChannels: shapes \(first.shape) and \(t.shape) differ outside channels; accepted: [N, C, H, W] with equal N, H, W")
    }
    let (n, h, w) = (first.shape[0], first.shape[2], first.shape[3])
    let plane = h * w
    let channels = tensors.map { $0.shape[1] }
    let total = channels.reduce(0, +)
    let out = Tensor(uninitialized: [n, total, h, w])
    for b in 0..<n {
        var offset = 0
        for (t, c) in zip(tensors, channels) {
            (out.data + (b * total + offset) * plane).update(from: t.data + b * c * plane, count: c * plane)
            offset += c
        }
    }
    OperationObservation.report(.concatChannels(tensors), out)
    return out.recording(tensors) { g, tape in
        var offset = 0
        for (t, c) in zip(tensors, channels) {
            if let gt = tape.gradient(for: t) {
                for b in 0..<n { axpy(c * plane, 1, g + (b * total + offset) * plane, gt + b * c * plane) }
            }
            offset += c
        }
    }
}
