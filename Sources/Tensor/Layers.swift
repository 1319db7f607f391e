// The standard layers, each a thin Module over one tensor operation.

/// 2-D convolution with an optional bias, both initialised as PyTorch's `nn.Conv2d` is
/// (U(−1/√fanIn, 1/√fanIn), fanIn = inChannels/groups·kernel²).
public final class Conv2d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int, padding: Int, dilation: Int, groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = false, generator: inout SeededGenerator) {
        let fanIn = inChannels / groups * kernel * kernel
        weight = Initializer.pytorchDefault([outChannels, inChannels / groups, kernel, kernel], fanIn: fanIn, generator: &generator)
        self.bias = bias ? Initializer.pytorchDefault([outChannels], fanIn: fanIn, generator: &generator) : nil
        self.stride = stride; self.padding = padding; self.dilation = dilation; self.groups = groups
    }

    public override var namedOwnParameters: [(name: String, tensor: Tensor)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try x.conv2d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// Batch normalisation over channels with running statistics (buffers) and optional affine parameters.
public final class BatchNorm: Module {
    public let weight: Tensor?, bias: Tensor?
    public let runningMean: Tensor, runningVar: Tensor
    public let momentum: Float, epsilon: Float
    /// Forward passes in training mode so far (PyTorch's `num_batches_tracked`; it does not
    /// change the arithmetic here, where momentum is always set).
    public var batchesTracked: Int64 = 0

    public init(_ channels: Int, affine: Bool = true, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        weight = affine ? Tensor(repeating: 1, shape: [channels], requiresGrad: true) : nil
        bias = affine ? Tensor(zeros: [channels], requiresGrad: true) : nil
        runningMean = Tensor(zeros: [channels])
        runningVar = Tensor(repeating: 1, shape: [channels])
        self.momentum = momentum; self.epsilon = epsilon
    }

    public override var namedOwnParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight), ("bias", bias)].compactMap { name, t in t.map { (name, $0) } }
    }
    public override var namedOwnBuffers: [(name: String, tensor: Tensor)] { [("running_mean", runningMean), ("running_var", runningVar)] }

    public override func forward(_ x: Tensor) throws -> Tensor {
        if isTraining { batchesTracked += 1 }
        return try x.batchNorm(weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                        training: isTraining, momentum: momentum, epsilon: epsilon)
    }
}

/// A fully connected layer (PyTorch's default uniform initialisation, bound 1/√fanIn).
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, generator: inout SeededGenerator) {
        weight = Initializer.pytorchDefault([outFeatures, inFeatures], fanIn: inFeatures, generator: &generator)
        self.bias = bias ? Initializer.pytorchDefault([outFeatures], fanIn: inFeatures, generator: &generator) : nil
    }

    public override var namedOwnParameters: [(name: String, tensor: Tensor)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try (x.rank == 2 ? x : x.flattened()).linear(weight: weight, bias: bias)
    }
}

/// An element-wise activation.
public final class Activation: Module {
    /// The activations the layer-wise spaces offer.
    public enum Kind: String, CaseIterable, Codable { case relu, gelu, silu }
    public let kind: Kind
    public init(_ kind: Kind) { self.kind = kind }
    public override func forward(_ x: Tensor) throws -> Tensor {
        switch kind {
        case .relu: return x.relu()
        case .gelu: return x.gelu()
        case .silu: return x.silu()
        }
    }
}

/// Max or average pooling with a square window.
public final class Pool2d: Module {
    public enum Kind { case max, average }
    public let kind: Kind, kernel: Int, stride: Int, padding: Int
    public init(_ kind: Kind, kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.kind = kind; self.kernel = kernel; self.stride = stride ?? kernel; self.padding = padding
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        switch kind {
        case .max: return try x.maxPool2d(kernel: kernel, stride: stride, padding: padding)
        case .average: return try x.avgPool2d(kernel: kernel, stride: stride, padding: padding)
        }
    }
}

/// Global average pooling to [N, C].
public final class GlobalAvgPool: Module {
    public override func forward(_ x: Tensor) throws -> Tensor { try x.globalAvgPool() }
}

/// [N, ...] to [N, rest] (`nn.Flatten`).
public final class Flatten: Module {
    public override func forward(_ x: Tensor) throws -> Tensor { try x.flattened() }
}

/// Inverted dropout with its own seeded generator.
public final class Dropout: Module {
    public let p: Float
    private var generator: SeededGenerator
    public init(_ p: Float, generator: inout SeededGenerator) { self.p = p; self.generator = generator.fork() }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.dropout(p, training: isTraining, generator: &generator) }
}

/// Modules applied in order.
public final class Sequential: Module {
    public let layers: [Module]
    public init(_ layers: [Module]) { self.layers = layers }
    public override var children: [Module] { layers }
    /// "0", "1", ... as in `nn.Sequential`.
    public override var namedChildren: [(name: String, module: Module)] { layers.enumerated().map { (String($0.offset), $0.element) } }
    public override func forward(_ x: Tensor) throws -> Tensor {
        var h = x
        for layer in layers { h = try layer(h) }
        return h
    }
}
