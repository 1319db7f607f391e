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

    public override var children: [Module] { [conv, norm] }
    public override func forward(_ x: Tensor) throws -> Tensor {
        // ReLU fused into the convolution where it can be (Tensor.reluConv2d); relu() then conv2d otherwise.
        try norm(x.reluConv2d(weight: conv.weight, bias: conv.bias, stride: conv.stride, padding: conv.padding,
                              dilation: conv.dilation, groups: conv.groups))
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

    public override var children: [Module] { [depthwise, pointwise, norm] }
    public override func forward(_ x: Tensor) throws -> Tensor { try norm(pointwise(depthwise(x.relu()))) }
}

/// Two stacked depthwise-separable blocks, the first carrying the stride (DARTS's SepConv).
public final class SeparableConvolution: Module {
    let first: DilatedConvolution
    let second: DilatedConvolution

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, padding: Int, affine: Bool,
                generator: inout SeededGenerator) {
        first = DilatedConvolution(inChannels, inChannels, kernel: kernel, stride: stride, padding: padding, dilation: 1,
                                   affine: affine, generator: &generator)
        second = DilatedConvolution(inChannels, outChannels, kernel: kernel, stride: 1, padding: padding, dilation: 1,
                                    affine: affine, generator: &generator)
    }

    public override var children: [Module] { [first, second] }
    public override func forward(_ x: Tensor) throws -> Tensor { try second(first(x)) }
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

    public override var children: [Module] { [even, odd, norm] }
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
