@testable import Tensor

/// Textbook loops of the tensor core's operations, for comparing the kernels with their definitions.
enum ReferenceOperations {
    /// Cross-correlation of x [N, Cin, H, W] with w [Cout, Cin/groups, kh, kw], as `F.conv2d`.
    static func conv2d(_ x: Tensor, _ w: Tensor, stride: Int, padding: Int, dilation: Int, groups: Int) -> [Float] {
        let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, cinG, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let oh = (h + 2 * padding - dilation * (kh - 1) - 1) / stride + 1
        let ow = (wd + 2 * padding - dilation * (kw - 1) - 1) / stride + 1
        var out = [Float](repeating: 0, count: n * cout * oh * ow)
        let coutG = cout / groups
        for b in 0..<n { for co in 0..<cout { for oy in 0..<oh { for ox in 0..<ow {
            var s: Float = 0
            let g = co / coutG
            for ci in 0..<cinG { for i in 0..<kh { for j in 0..<kw {
                let iy = oy * stride - padding + i * dilation, ix = ox * stride - padding + j * dilation
                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                s += x.data[((b * cin + g * cinG + ci) * h + iy) * wd + ix] * w.data[((co * cinG + ci) * kh + i) * kw + j]
            } } }
            out[((b * cout + co) * oh + oy) * ow + ox] = s
        } } } }
        return out
    }

    /// Max (or, with `average`, the mean over the positions inside the image) of each square
    /// window of every plane of x [N, C, H, W].
    static func pool2d(_ x: Tensor, kernel: Int, stride: Int, padding: Int, average: Bool) -> [Float] {
        let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        let oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1
        var out: [Float] = []
        for p in 0..<planes { for oy in 0..<oh { for ox in 0..<ow {
            var values: [Float] = []
            for i in 0..<kernel { for j in 0..<kernel {
                let iy = oy * stride - padding + i, ix = ox * stride - padding + j
                if iy >= 0, iy < h, ix >= 0, ix < w { values.append(x.data[(p * h + iy) * w + ix]) }
            } }
            out.append(average ? values.reduce(0, +) / Float(values.count) : values.max()!)
        } } }
        return out
    }

    /// C = op(A)·op(B) in double precision, A and B row-major.
    static func matmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false) -> [Float] {
        (0..<m * n).map { index in
            let (i, j) = (index / n, index % n)
            var s = 0.0
            for p in 0..<k { s += Double(transA ? a[p * m + i] : a[i * k + p]) * Double(transB ? b[j * k + p] : b[p * n + j]) }
            return Float(s)
        }
    }
}
