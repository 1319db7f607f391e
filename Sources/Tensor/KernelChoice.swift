// Which kernel an operation with several implementations runs, as one function of its shape per
// operation. The operations switch on these choices and KernelDispatchTests checks every case of
// each, so a changed threshold moves a test shape to another kernel and fails the test instead
// of leaving a kernel untested.

/// The implementations of `conv2d` (Convolution.swift and the files it names).
enum ConvolutionKernel: CaseIterable {
    /// groups == Cin == Cout at stride 1: the direct depthwise kernel on the wide grid.
    case depthwiseWide
    /// groups == Cin == Cout at stride 2 or more: the direct depthwise kernel row by row.
    case depthwiseStrided
    /// groups 1, stride 1, a kernel larger than 1x1, `tapMinimumChannels` or more input channels:
    /// one GEMM per tap on the padded planes (TapConvolution.swift).
    case taps
    /// As `taps` with fewer input channels: im2col on the wide grid, one GEMM (WideGridConvolution.swift).
    case wideGrid
    /// 1x1 at stride 1 without padding (any groups): a GEMM on the input as it is.
    case pointwise
    /// Everything else (strided, grouped, dilated 1x1 with padding): im2col and a GEMM per image and group.
    case unfolded

    /// Whether `reluConv2d` runs on this kernel as one op, rectifying the input as it pads it
    /// (elsewhere it runs `relu()` then `conv2d`).
    var fusesReLU: Bool { self == .taps || self == .depthwiseWide || self == .depthwiseStrided }

    /// Below this many input channels the per-tap GEMMs are too thin and `wideGrid` runs instead.
    static let tapMinimumChannels = 8

    static func choose(_ geo: ConvolutionGeometry, outChannels: Int, groups: Int) -> ConvolutionKernel {
        if groups == geo.inChannels && outChannels == groups { return geo.stride == 1 ? .depthwiseWide : .depthwiseStrided }
        if groups == 1 && geo.stride == 1 && geo.kernelHeight * geo.kernelWidth > 1 {
            return geo.inChannels >= tapMinimumChannels ? .taps : .wideGrid
        }
        return geo.readsInputAsColumns ? .pointwise : .unfolded
    }
}

extension ConvolutionGeometry {
    /// A 1x1 window at stride 1 without padding: the input planes are already the column matrix.
    var readsInputAsColumns: Bool { kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == 0 }
}

/// The implementations of `maxPool2d`.
enum MaxPoolKernel: CaseIterable {
    /// 2x2 windows at stride 2 without padding: four comparisons, no bounds.
    case pairs
    /// Any square window, stride and padding: the window clipped to the image.
    case windows

    static func choose(kernel: Int, stride: Int, padding: Int) -> MaxPoolKernel {
        kernel == 2 && stride == 2 && padding == 0 ? .pairs : .windows
    }
}

/// The implementations of `avgPool2d`.
enum AveragePoolKernel: CaseIterable {
    /// 3x3 at stride 1 with padding 1 (the DARTS and NAS-Bench-201 operation): box sums of rows
    /// times the inverse window sizes.
    case boxSum3x3
    /// Any square window, stride and padding: the window clipped to the image.
    case windows

    static func choose(kernel: Int, stride: Int, padding: Int) -> AveragePoolKernel {
        kernel == 3 && stride == 1 && padding == 1 ? .boxSum3x3 : .windows
    }
}

/// How `gemm` runs a product C (m×n) = op(A)·op(B) with inner size k.
enum GEMMSplit: CaseIterable {
    /// One single-threaded OpenBLAS call: one thread, or a product too small to share.
    case single
    /// Blocks of C's rows (m ≥ n), one call each on the worker pool.
    case rows
    /// Blocks of C's columns (n > m), one call each on the worker pool.
    case columns

    /// Products of fewer floating-point operations than this run in one call.
    static let minimumSharedFlops = 2_000_000
    /// Each block has at least this many rows (or columns).
    static let blockMultiple = 16

    static func choose(m: Int, n: Int, k: Int, threads: Int) -> GEMMSplit {
        guard threads > 1, 2 * m * n * k >= minimumSharedFlops, max(m, n) >= 2 * blockMultiple else { return .single }
        return m >= n ? .rows : .columns
    }
}
