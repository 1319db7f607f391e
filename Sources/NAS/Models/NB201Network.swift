import Tensor

/// The NAS-Bench-201 macro network for one cell: a 3x3 stem to C channels with batch norm,
/// three stages of N cells at C, 2C and 4C channels joined by residual reduction blocks,
/// batch norm and ReLU, global average pooling and a linear classifier.
public final class NB201Network: Module {
    let stem: Sequential
    let body: [Module]
    let head: BatchNorm
    let classifier: Linear

    public init(architecture: NB201Architecture, channels: Int = 16, cellsPerStage: Int = 5, classes: Int = 10,
                inputChannels: Int = 3, generator: inout SeededGenerator) {
        stem = Sequential([Conv2d(inputChannels, channels, kernel: 3, padding: 1, generator: &generator), BatchNorm(channels)])
        var body: [Module] = []
        for stage in 0..<3 {
            let c = channels << stage
            if stage > 0 { body.append(NB201ResidualBlock(c / 2, c, generator: &generator)) }
            for _ in 0..<cellsPerStage { body.append(NB201Cell(architecture: architecture, channels: c, generator: &generator)) }
        }
        self.body = body
        head = BatchNorm(4 * channels)
        classifier = Linear(4 * channels, classes, generator: &generator)
    }

    /// NAS-Bench-201's TinyNetwork names: `stem.0`, `cells.i`, `lastact.0` (the head's batch norm), `classifier`.
    public override var namedChildren: [(name: String, module: Module)] {
        [("stem", stem)] + body.enumerated().map { ("cells.\($0.offset)", $0.element) } + [("lastact.0", head), ("classifier", classifier)]
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        var h = try stem(x)
        for block in body { h = try block(h) }
        return try classifier(head(h).relu().globalAvgPool())
    }
}

/// A NAS-Bench-201 cell: node k sums the operations on its edges from nodes 0..<k; node 3 is
/// the output. Every operation runs, as in NAS-Bench-201's InferCell.
final class NB201Cell: Module {
    let operations: [Module?]

    init(architecture: NB201Architecture, channels: Int, generator: inout SeededGenerator) {
        operations = architecture.ops.map { op -> Module? in
            switch op {
            case .none: return nil
            case .skipConnect: return Identity()
            case .norConv1x1: return ReLUConvBN(channels, channels, kernel: 1, stride: 1, padding: 0, affine: true, generator: &generator)
            case .norConv3x3: return ReLUConvBN(channels, channels, kernel: 3, stride: 1, padding: 1, affine: true, generator: &generator)
            case .avgPool3x3: return Pool2d(.average, kernel: 3, stride: 1, padding: 1)
            }
        }
    }

    /// InferCell's `layers.k` for edge k (`none` edges hold no module).
    override var namedChildren: [(name: String, module: Module)] {
        operations.enumerated().compactMap { k, op in op.map { ("layers.\(k)", $0) } }
    }

    override func forward(_ x: Tensor) throws -> Tensor {
        var nodes = [x]
        var edge = 0
        for _ in 1...3 {
            var terms: [Tensor] = []
            for input in nodes {
                if let op = operations[edge] { terms.append(try op(input)) }
                edge += 1
            }
            nodes.append(terms.isEmpty ? x.scaled(by: 0) : try sum(terms))
        }
        return nodes[3]
    }
}

/// NAS-Bench-201's ResNet basic block between stages: two 3x3 ReLUConvBN (the first with
/// stride 2) plus a 2x2 average-pool + 1x1 convolution shortcut.
final class NB201ResidualBlock: Module {
    let a: ReLUConvBN, b: ReLUConvBN
    let shortcut: Sequential

    init(_ inChannels: Int, _ outChannels: Int, generator: inout SeededGenerator) {
        a = ReLUConvBN(inChannels, outChannels, kernel: 3, stride: 2, padding: 1, affine: true, generator: &generator)
        b = ReLUConvBN(outChannels, outChannels, kernel: 3, stride: 1, padding: 1, affine: true, generator: &generator)
        shortcut = Sequential([Pool2d(.average, kernel: 2, stride: 2), Conv2d(inChannels, outChannels, kernel: 1, generator: &generator)])
    }

    /// ResNetBasicblock's names.
    override var namedChildren: [(name: String, module: Module)] { [("conv_a", a), ("conv_b", b), ("downsample", shortcut)] }
    override func forward(_ x: Tensor) throws -> Tensor { try b(a(x)) + shortcut(x) }
}
