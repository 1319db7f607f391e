import Tensor

/// The network of a DARTS genotype (DARTS's NetworkCIFAR): a 3x3 stem to 3C channels, L cells
/// with reductions at L/3 and 2L/3 (channels doubling there), global average pooling and a
/// linear classifier. For retraining it can carry DARTS's auxiliary head after cell 2L/3 and
/// drop path on the cell edges; both act in training mode only.
public final class DartsNetwork: Module, DropPathNetwork, AuxiliaryHeadNetwork {
    let stem: Sequential
    let cells: [DartsCell]
    let classifier: Linear
    /// DARTS's auxiliary head on the output of cell `auxiliaryCell` (2L/3), when built with one.
    let auxiliary: AuxiliaryHead?
    let auxiliaryCell: Int
    public var dropPathProbability: Float = 0
    private var dropPathGenerator = SeededGenerator(seed: 0)
    private var auxiliaryLogits: Tensor?

    /// `auxiliaryHeadFor`: the input images' [height, width] to build the auxiliary head for
    /// (nil: no head). The head's weights are drawn after all others, so the network's own
    /// weights are the same with and without it.
    public init(genotype: DartsGenotype, channels: Int, layers: Int, classes: Int, inputChannels: Int,
                generator: inout SeededGenerator, auxiliaryHeadFor imageSize: [Int]? = nil) {
        let stemChannels = 3 * channels
        stem = Sequential([Conv2d(inputChannels, stemChannels, kernel: 3, padding: 1, generator: &generator), BatchNorm(stemChannels)])
        var (previousPrevious, previous, current) = (stemChannels, stemChannels, channels)
        var reductionPrevious = false
        var cells: [DartsCell] = []
        auxiliaryCell = 2 * layers / 3
        var (height, width) = (imageSize?.first ?? 1, imageSize?.last ?? 1)
        var auxiliaryInput = (channels: 0, height: 0, width: 0)
        for i in 0..<layers {
            let reduction = isReductionCell(i, layers: layers)
            if reduction { current *= 2; (height, width) = ((height + 1) / 2, (width + 1) / 2) }
            let cell = DartsCell(genotype: genotype, previousPrevious: previousPrevious, previous: previous, channels: current,
                                 reduction: reduction, reductionPrevious: reductionPrevious, generator: &generator)
            cells.append(cell)
            reductionPrevious = reduction
            (previousPrevious, previous) = (previous, cell.outputChannels)
            if i == auxiliaryCell { auxiliaryInput = (cell.outputChannels, height, width) }
        }
        self.cells = cells
        classifier = Linear(previous, classes, generator: &generator)
        auxiliary = imageSize == nil ? nil : AuxiliaryHead(channels: auxiliaryInput.channels, height: auxiliaryInput.height,
                                                           width: auxiliaryInput.width, classes: classes, generator: &generator)
    }

    /// DARTS's NetworkCIFAR names: `stem.0`, `cells.3._ops.1`, `classifier`, `auxiliary_head`
    /// (training-only: saved models leave it out).
    public override var namedChildren: [(name: String, module: Module)] {
        [("stem", stem)] + cells.enumerated().map { ("cells.\($0.offset)", $0.element) } + [("classifier", classifier)]
            + (auxiliary.map { [("auxiliary_head", $0)] } ?? [])
    }

    public var auxiliaryHead: Module? { auxiliary }

    public func takeAuxiliaryLogits() -> Tensor? {
        defer { auxiliaryLogits = nil }
        return auxiliaryLogits
    }

    public func seedDropPath(_ seed: UInt64) { dropPathGenerator = SeededGenerator(seed: seed) }

    public override func forward(_ x: Tensor) throws -> Tensor {
        auxiliaryLogits = nil
        let dropPath = isTraining ? dropPathProbability : 0
        var s0 = try stem(x), s1 = s0
        for (i, cell) in cells.enumerated() {
            (s0, s1) = (s1, try cell.forward(s0, s1, dropPath: dropPath, generator: &dropPathGenerator))
            if i == auxiliaryCell, isTraining, let auxiliary { auxiliaryLogits = try auxiliary(s1) }
        }
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

    /// `dropPath` > 0 (training only): DARTS's drop path on the output of every edge whose
    /// operation is not the identity (skip_connect at stride 1); `none` edges are zero anyway.
    func forward(_ s0: Tensor, _ s1: Tensor, dropPath: Float = 0, generator: inout SeededGenerator) throws -> Tensor {
        var states = [try preprocess.0(s0), try preprocess.1(s1)]
        for node in 0..<operations.count / 2 {
            let a = try apply(2 * node, states, dropPath: dropPath, generator: &generator)
            let b = try apply(2 * node + 1, states, dropPath: dropPath, generator: &generator)
            states.append(try sum([a, b]))
        }
        return try concatChannels(concat.map { states[$0] })
    }

    private func apply(_ edge: Int, _ states: [Tensor], dropPath: Float, generator: inout SeededGenerator) throws -> Tensor {
        let x = states[inputs[edge]]
        guard let op = operations[edge] else { // `none`: zeros at the output resolution
            return try (strides[edge] == 1 ? x : x.stridedSpatialSlice(offset: 0, stride: strides[edge])).scaled(by: 0)
        }
        let y = try op(x)
        guard dropPath > 0, !(op is Identity) else { return y }
        return try y.dropPath(dropPath, training: true, generator: &generator)
    }
}
