/// The sizes of one 2-D convolution or pooling window over an NCHW batch.
struct ConvolutionGeometry {
    let batch: Int, inChannels: Int, height: Int, width: Int
    let kernelHeight: Int, kernelWidth: Int
    let stride: Int, padding: Int, dilation: Int
    let outHeight: Int, outWidth: Int

    init(input: [Int], kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int, dilation: Int, op: String) throws {
        guard input.count == 4 else { throw TensorError("\(op): input \(input); accepted: an image batch [N, C, H, W]") }
        guard stride >= 1, padding >= 0, dilation >= 1, kernelHeight >= 1, kernelWidth >= 1 else {
            throw TensorError("\(op): kernel \(kernelHeight)x\(kernelWidth), stride \(stride), padding \(padding), dilation \(dilation); accepted: kernel, stride, dilation >= 1 and padding >= 0")
        }
        batch = input[0]; inChannels = input[1]; height = input[2]; width = input[3]
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.stride = stride; self.padding = padding; self.dilation = dilation
        outHeight = (height + 2 * padding - dilation * (kernelHeight - 1) - 1) / stride + 1
        outWidth = (width + 2 * padding - dilation * (kernelWidth - 1) - 1) / stride + 1
        guard height + 2 * padding >= dilation * (kernelHeight - 1) + 1, width + 2 * padding >= dilation * (kernelWidth - 1) + 1 else {
            throw TensorError("\(op): a \(kernelHeight)x\(kernelWidth) window (dilation \(dilation), padding \(padding)) does not fit input \(input)")
        }
    }

    var inPlane: Int { height * width }
    var outPlane: Int { outHeight * outWidth }

    /// The output columns `lo..<hi` whose input column ox·stride − padding + offset lies inside the row.
    @inline(__always) func validColumns(offset: Int) -> (Int, Int) {
        let shift = offset - padding
        var lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride
        var hi = width - 1 - shift < 0 ? 0 : (width - 1 - shift) / stride + 1
        lo = min(lo, outWidth); hi = min(max(hi, lo), outWidth)
        return (lo, hi)
    }

    /// The output rows whose input row lies inside the image for kernel row offset `offset`.
    @inline(__always) func validRows(offset: Int) -> (Int, Int) {
        let shift = offset - padding
        var lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride
        var hi = height - 1 - shift < 0 ? 0 : (height - 1 - shift) / stride + 1
        lo = min(lo, outHeight); hi = min(max(hi, lo), outHeight)
        return (lo, hi)
    }
}
