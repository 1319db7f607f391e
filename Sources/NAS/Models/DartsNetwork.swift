import Tensor

/// The network of a DARTS genotype (DARTS's NetworkCIFAR without the auxiliary head): a 3x3
/// stem to 3C channels, L cells with reductions at L/3 and 2L/3 (channels doubling there),
/// global average pooling and a linear classifier.
public final class DartsNetwork: Module {
    let stem: Sequential
    let cells: [DartsCell]
    let classifier: Linear

    public init(genotype: DartsGenotype, channels: Int, layers: Int, classes: Int, inputChannels: Int,
                generator: inout SeededGenerator) {
        let stemChannels = 3 * channels
        stem = Sequential([Conv2d(inputChannels, stemChannels, kernel: 3, padding: 1, generator: &generator), BatchNorm(stemChannels)])
        var (previousPrevious, previous, current) = (stemChannels, stemChannels, channels)
        var reductionPrevious = false
        var cells: [DartsCell] = []
        for i in 0..<layers {
            let reduction = isReductionCell(i, layers: layers)
            if reduction { current *= 2 }
            let cell = DartsCell(genotype: genotype, previousPrevious: previousPrevious, previous: previous, channels: current,
                                 reduction: reduction, reductionPrevious: reductionPrevious, generator: &generator)
            cells.append(cell)
            reductionPrevious = reduction
            (previousPrevious, previous) = (previous, cell.outputChannels)
        }
        self.cells = cells
        classifier = Linear(previous, classes, generator: &generator)
    }

    /// DARTS's NetworkCIFAR names: `stem.0`, `cells.3._ops.1`, `classifier`.
    public override var namedChildren: [(name: String, module: Module)] {
        [("stem", stem)] + cells.enumerated().map { ("cells.\($0.offset)", $0.element) } + [("classifier", classifier)]
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        var s0 = try stem(x), s1 = s0
        for cell in cells { (s0, s1) = (s1, try cell.forward(s0, s1)) }
        return try classifier(s1.globalAvgPool())
    }
}

/// One discrete DARTS cell: each node adds two operations of earlier states; the output
/// concatenates the nodes of the genotype's concat list.
final class DartsCell: Module {
    let preprocess: (Module, Module)
    let operations: [Module?]
    let inputs: [Int]
    let strides: [Int]
    let concat: [Int]
    let outputChannels: Int

    init(genotype: DartsGenotype, previousPrevious: Int, previous: Int, channels: Int, reduction: Bool,
         reductionPrevious: Bool, generator: inout SeededGenerator) {
        preprocess = makeCellPreprocessing(previousPrevious: previousPrevious, previous: previous, channels: channels,
                                           reductionPrevious: reductionPrevious, affine: true, generator: &generator)
        let edges = genotype.pairs(reduction ? .reduce : .normal)
        var operations: [Module?] = []
        for edge in edges {
            let stride = reduction && edge.input < 2 ? 2 : 1
            operations.append(edge.op.makeModule(channels: channels, stride: stride, affine: true, searchPools: false, generator: &generator))
        }
        self.operations = operations
        inputs = edges.map(\.input)
        strides = edges.map { reduction && $0.input < 2 ? 2 : 1 }
        concat = genotype.concat(reduction ? .reduce : .normal)
        outputChannels = concat.count * channels
    }

    /// DARTS's Cell names: `preprocess0`, `preprocess1`, `_ops.k` for edge k (`none` edges hold no module).
    override var namedChildren: [(name: String, module: Module)] {
        [("preprocess0", preprocess.0), ("preprocess1", preprocess.1)]
            + operations.enumerated().compactMap { k, op in op.map { ("_ops.\(k)", $0) } }
    }

    func forward(_ s0: Tensor, _ s1: Tensor) throws -> Tensor {
        var states = [try preprocess.0(s0), try preprocess.1(s1)]
        for node in 0..<operations.count / 2 {
            let a = try apply(2 * node, states), b = try apply(2 * node + 1, states)
            states.append(try sum([a, b]))
        }
        return try concatChannels(concat.map { states[$0] })
    }

    private func apply(_ edge: Int, _ states: [Tensor]) throws -> Tensor {
        let x = states[inputs[edge]]
        guard let op = operations[edge] else { // `none`: zeros at the output resolution
            return try (strides[edge] == 1 ? x : x.stridedSpatialSlice(offset: 0, stride: strides[edge])).scaled(by: 0)
        }
        return try op(x)
    }
}
