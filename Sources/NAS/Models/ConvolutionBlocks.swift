import Tensor

// The convolution blocks DARTS and NAS-Bench-201 build cells from (DARTS's operations.py).

/// ReLU → convolution → batch norm (DARTS's ReLUConvBN, NAS-Bench-201's nor_conv_kxk).
public final class ReLUConvBN: Module {
    let conv: Conv2d
    let norm: BatchNorm

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, padding: Int, affine: Bool,
                generator: inout SeededGenerator) {
        conv = Conv2d(inChannels, outChannels, kernel: kernel, stride: stride, padding: padding, generator: &generator)
        norm = BatchNorm(outChannels, affine: affine)
    }

    /// DARTS's and NAS-Bench-201's `op = nn.Sequential(ReLU, Conv2d, BatchNorm2d)`.
    public override var namedChildren: [(name: String, module: Module)] { [("op.1", conv), ("op.2", norm)] }
    public override func forward(_ x: Tensor) throws -> Tensor {
        try norm(conv.rectifiedForward(x))
    }
}

/// ReLU → depthwise (dilated) convolution → 1x1 convolution → batch norm (DARTS's DilConv).
public final class DilatedConvolution: Module {
    let depthwise: Conv2d
    let pointwise: Conv2d
    let norm: BatchNorm

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, padding: Int, dilation: Int,
                affine: Bool, generator: inout SeededGenerator) {
        depthwise = Conv2d(inChannels, inChannels, kernel: kernel, stride: stride, padding: padding,
                           dilation: dilation, groups: inChannels, generator: &generator)
        pointwise = Conv2d(inChannels, outChannels, kernel: 1, generator: &generator)
        norm = BatchNorm(outChannels, affine: affine)
    }

    /// DARTS's DilConv: `op = nn.Sequential(ReLU, Conv2d (depthwise), Conv2d (1x1), BatchNorm2d)`.
    public override var namedChildren: [(name: String, module: Module)] { [("op.1", depthwise), ("op.2", pointwise), ("op.3", norm)] }
    public override func forward(_ x: Tensor) throws -> Tensor { try norm(pointwise(depthwise.rectifiedForward(x))) }
}

extension Conv2d {
    /// The convolution of relu(x): one fused op where the kernel can rectify as it reads
    /// (`Tensor.reluConv2d`), relu() then the convolution otherwise.
    func rectifiedForward(_ x: Tensor) throws -> Tensor {
        try x.reluConv2d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// Two stacked depthwise-separable blocks (ReLU → depthwise → 1x1 → batch norm, twice), the
/// first carrying the stride (DARTS's SepConv).
public final class SeparableConvolution: Module {
    let depthwise1: Conv2d, pointwise1: Conv2d, norm1: BatchNorm
    let depthwise2: Conv2d, pointwise2: Conv2d, norm2: BatchNorm

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, padding: Int, affine: Bool,
                generator: inout SeededGenerator) {
        depthwise1 = Conv2d(inChannels, inChannels, kernel: kernel, stride: stride, padding: padding, groups: inChannels, generator: &generator)
        pointwise1 = Conv2d(inChannels, inChannels, kernel: 1, generator: &generator)
        norm1 = BatchNorm(inChannels, affine: affine)
        depthwise2 = Conv2d(inChannels, inChannels, kernel: kernel, stride: 1, padding: padding, groups: inChannels, generator: &generator)
        pointwise2 = Conv2d(inChannels, outChannels, kernel: 1, generator: &generator)
        norm2 = BatchNorm(outChannels, affine: affine)
    }

    /// DARTS's `op = nn.Sequential(ReLU, Conv2d, Conv2d, BatchNorm2d, ReLU, Conv2d, Conv2d, BatchNorm2d)`.
    public override var namedChildren: [(name: String, module: Module)] {
        [("op.1", depthwise1), ("op.2", pointwise1), ("op.3", norm1), ("op.5", depthwise2), ("op.6", pointwise2), ("op.7", norm2)]
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        let h = try norm1(pointwise1(depthwise1.rectifiedForward(x)))
        return try norm2(pointwise2(depthwise2.rectifiedForward(h)))
    }
}

/// Halves the resolution without losing half the pixels: two 1x1 stride-2 convolutions, one
/// shifted by a pixel, concatenated (DARTS's FactorizedReduce).
public final class FactorizedReduce: Module {
    let even: Conv2d
    let odd: Conv2d
    let norm: BatchNorm

    public init(_ inChannels: Int, _ outChannels: Int, affine: Bool, generator: inout SeededGenerator) {
        precondition(outChannels % 2 == 0, "FactorizedReduce needs an even channel count, got \(outChannels)")
        even = Conv2d(inChannels, outChannels / 2, kernel: 1, stride: 2, generator: &generator)
        odd = Conv2d(inChannels, outChannels / 2, kernel: 1, stride: 1, generator: &generator)
        norm = BatchNorm(outChannels, affine: affine)
    }

    /// DARTS's FactorizedReduce names.
    public override var namedChildren: [(name: String, module: Module)] { [("conv_1", even), ("conv_2", odd), ("bn", norm)] }
    public override func forward(_ x: Tensor) throws -> Tensor {
        let r = x.relu()
        // x[:, :, 1:, 1:] through a stride-2 1x1 convolution samples the odd pixels.
        return try norm(concatChannels([even(r), odd(r.stridedSpatialSlice(offset: 1, stride: 2))]))
    }
}

/// The identity (skip_connect at stride 1).
public final class Identity: Module {
    public override func forward(_ x: Tensor) throws -> Tensor { x }
}
