import Tensor

/// DARTS's `AuxiliaryHeadCIFAR`, a training-only classifier on the features of cell 2L/3:
/// ReLU, average pooling to 2x2, a 1x1 convolution to 128 channels, batch norm, ReLU, a 2x2
/// convolution to 768 channels, batch norm, ReLU, and a linear layer to the classes. DARTS pools
/// 8x8 features (32x32 CIFAR images) with a 5x5 window at stride 3; for features of side S this
/// head uses a window of min(5, S-1) at stride S - window (5 at stride 2 on Fashion-MNIST's 7x7),
/// which gives 2x2 for every S ≥ 2 (1x1 for S = 1, with a 1x1 second convolution).
public final class AuxiliaryHead: Module {
    let features: Sequential
    let classifier: Linear
    /// The pooling window and stride chosen for the feature size.
    public let poolKernel: Int, poolStride: Int

    /// A head for `channels` feature maps of `height` x `width` and `classes` classes.
    public init(channels: Int, height: Int, width: Int, classes: Int, generator: inout SeededGenerator) {
        let side = max(1, min(height, width))
        poolKernel = side >= 2 ? min(5, side - 1) : 1
        poolStride = max(1, side - poolKernel)
        let pooledHeight = (height - poolKernel) / poolStride + 1, pooledWidth = (width - poolKernel) / poolStride + 1
        let kernel = min(2, pooledHeight, pooledWidth)
        features = Sequential([
            Activation(.relu),
            Pool2d(.average, kernel: poolKernel, stride: poolStride),
            Conv2d(channels, 128, kernel: 1, generator: &generator),
            BatchNorm(128),
            Activation(.relu),
            Conv2d(128, 768, kernel: kernel, generator: &generator),
            BatchNorm(768),
            Activation(.relu),
        ])
        classifier = Linear(768 * (pooledHeight - kernel + 1) * (pooledWidth - kernel + 1), classes, generator: &generator)
    }

    /// DARTS's names: `features.2.weight`, `classifier.weight`.
    public override var namedChildren: [(name: String, module: Module)] { [("features", features), ("classifier", classifier)] }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try classifier(try features(x).flattened())
    }
}
