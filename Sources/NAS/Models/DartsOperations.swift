import Tensor

extension DartsOperation {
    /// The module for this operation on `channels` channels, or nil for `none` (whose output is
    /// zero and is left out of sums). `searchPools` follows pools with a non-affine batch norm,
    /// as DARTS's supernet MixedOp does.
    func makeModule(channels: Int, stride: Int, affine: Bool, searchPools: Bool, generator: inout SeededGenerator) -> Module? {
        switch self {
        case .none:
            return nil
        case .maxPool3x3, .avgPool3x3:
            let pool = Pool2d(self == .maxPool3x3 ? .max : .average, kernel: 3, stride: stride, padding: 1)
            return searchPools ? Sequential([pool, BatchNorm(channels, affine: false)]) : pool
        case .skipConnect:
            return stride == 1 ? Identity() : FactorizedReduce(channels, channels, affine: affine, generator: &generator)
        case .sepConv3x3:
            return SeparableConvolution(channels, channels, kernel: 3, stride: stride, padding: 1, affine: affine, generator: &generator)
        case .sepConv5x5:
            return SeparableConvolution(channels, channels, kernel: 5, stride: stride, padding: 2, affine: affine, generator: &generator)
        case .dilConv3x3:
            return DilatedConvolution(channels, channels, kernel: 3, stride: stride, padding: 2, dilation: 2, affine: affine, generator: &generator)
        case .dilConv5x5:
            return DilatedConvolution(channels, channels, kernel: 5, stride: stride, padding: 4, dilation: 2, affine: affine, generator: &generator)
        }
    }
}

/// The cell's preprocessing of its two inputs: a 1x1 ReLUConvBN, or a factorized reduction when
/// the previous cell reduced (so c_{k-2} is at twice the resolution).
func makeCellPreprocessing(previousPrevious: Int, previous: Int, channels: Int, reductionPrevious: Bool, affine: Bool,
                           generator: inout SeededGenerator) -> (Module, Module) {
    let first: Module = reductionPrevious
        ? FactorizedReduce(previousPrevious, channels, affine: affine, generator: &generator)
        : ReLUConvBN(previousPrevious, channels, kernel: 1, stride: 1, padding: 0, affine: affine, generator: &generator)
    let second = ReLUConvBN(previous, channels, kernel: 1, stride: 1, padding: 0, affine: affine, generator: &generator)
    return (first, second)
}

/// Where the macro network reduces: cells L/3 and 2L/3.
func isReductionCell(_ index: Int, layers: Int) -> Bool { index == layers / 3 || index == 2 * layers / 3 }
