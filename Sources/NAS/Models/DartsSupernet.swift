import Foundation
import Tensor

/// The DARTS search network (model_search.py): every edge of every cell is a mixed operation,
/// the softmax(alpha)-weighted sum of all candidate operations; normal cells share one alpha
/// matrix and reduction cells another ([edges, operations], 14 edges for 4 nodes). Batch norms
/// inside the operations have no affine parameters, as in DARTS.
public final class DartsSupernet: Module {
    /// The candidate operations, in alpha column order.
    public let operations: [DartsOperation]
    public let steps: Int
    /// Architecture weights of normal and reduction cells, [edges, operations] each.
    public let alphaNormal: Tensor
    public let alphaReduce: Tensor
    let stem: Sequential
    let cells: [SearchCell]
    let classifier: Linear

    public init(channels: Int, layers: Int, classes: Int, inputChannels: Int, steps: Int = 4, multiplier: Int = 4,
                stemMultiplier: Int = 3, operations: [DartsOperation] = DartsOperation.allCases,
                generator: inout SeededGenerator) {
        self.operations = operations
        self.steps = steps
        let stemChannels = stemMultiplier * channels
        stem = Sequential([Conv2d(inputChannels, stemChannels, kernel: 3, padding: 1, generator: &generator), BatchNorm(stemChannels)])
        var (previousPrevious, previous, current) = (stemChannels, stemChannels, channels)
        var reductionPrevious = false
        var cells: [SearchCell] = []
        for i in 0..<layers {
            let reduction = isReductionCell(i, layers: layers)
            if reduction { current *= 2 }
            cells.append(SearchCell(steps: steps, multiplier: multiplier, previousPrevious: previousPrevious, previous: previous,
                                    channels: current, reduction: reduction, reductionPrevious: reductionPrevious,
                                    operations: operations, generator: &generator))
            reductionPrevious = reduction
            (previousPrevious, previous) = (previous, multiplier * current)
        }
        self.cells = cells
        classifier = Linear(previous, classes, generator: &generator)
        let edges = (0..<steps).reduce(0) { $0 + 2 + $1 }
        alphaNormal = Initializer.normal([edges, operations.count], std: 1e-3, generator: &generator)
        alphaReduce = Initializer.normal([edges, operations.count], std: 1e-3, generator: &generator)
    }

    public override var children: [Module] { [stem] + cells + [classifier] }

    /// The network weights (everything but the alphas), for the weight optimizer.
    public var weights: [Tensor] { parameters }
    /// The architecture parameters, for the alpha optimizer.
    public var architecture: [Tensor] { [alphaNormal, alphaReduce] }

    public override func forward(_ x: Tensor) throws -> Tensor {
        let normal = try alphaNormal.softmax(), reduce = try alphaReduce.softmax()
        var s0 = try stem(x), s1 = s0
        for cell in cells { (s0, s1) = (s1, try cell.forward(s0, s1, weights: cell.reduction ? reduce : normal)) }
        return try classifier(s1.globalAvgPool())
    }

    /// softmax(alpha) per edge for the normal or reduction cell, rows edges and columns `operations`.
    public func operationWeights(_ cell: DartsGenotype.Cell) -> [[Float]] {
        let alpha = cell == .normal ? alphaNormal : alphaReduce
        let weights = GradMode.withoutGrad { try? alpha.softmax() }!
        let columns = operations.count
        return (0..<alpha.shape[0]).map { row in Array(weights.scalars[row * columns..<(row + 1) * columns]) }
    }

    /// The discrete genotype DARTS derives: for each node, the two incoming edges whose strongest
    /// non-`none` operation weighs most, each with that operation.
    public func derivedGenotype() throws -> DartsGenotype {
        func derive(_ cell: DartsGenotype.Cell) -> [DartsGenotype.Edge] {
            let weights = operationWeights(cell)
            var edges: [DartsGenotype.Edge] = []
            var row = 0
            for node in 0..<steps {
                let candidates = (0..<(2 + node)).map { input -> (Int, DartsOperation, Float) in
                    var best: (DartsOperation, Float) = (.none, -.infinity)
                    for (k, op) in operations.enumerated() where op != .none && weights[row + input][k] > best.1 {
                        best = (op, weights[row + input][k])
                    }
                    return (input, best.0, best.1)
                }
                for (input, op, _) in candidates.sorted(by: { $0.2 > $1.2 }).prefix(2) {
                    edges.append(DartsGenotype.Edge(op, input))
                }
                row += 2 + node
            }
            return edges
        }
        let concat = Array(2..<(2 + steps))
        return try DartsGenotype(normal: derive(.normal), normalConcat: concat, reduce: derive(.reduce), reduceConcat: concat)
    }
}

/// A search cell: node i sums mixed operations over all earlier states (2 + i edges).
final class SearchCell: Module {
    let reduction: Bool
    let steps: Int, multiplier: Int
    let preprocess: (Module, Module)
    /// Per edge, one module per candidate operation (nil for `none`).
    let edges: [[Module?]]

    init(steps: Int, multiplier: Int, previousPrevious: Int, previous: Int, channels: Int, reduction: Bool,
         reductionPrevious: Bool, operations: [DartsOperation], generator: inout SeededGenerator) {
        self.reduction = reduction
        self.steps = steps
        self.multiplier = multiplier
        preprocess = makeCellPreprocessing(previousPrevious: previousPrevious, previous: previous, channels: channels,
                                           reductionPrevious: reductionPrevious, affine: false, generator: &generator)
        var edges: [[Module?]] = []
        for node in 0..<steps {
            for input in 0..<(2 + node) {
                let stride = reduction && input < 2 ? 2 : 1
                edges.append(operations.map {
                    $0.makeModule(channels: channels, stride: stride, affine: false, searchPools: true, generator: &generator)
                })
            }
        }
        self.edges = edges
    }

    override var children: [Module] { [preprocess.0, preprocess.1] + edges.flatMap { $0.compactMap { $0 } } }

    func forward(_ s0: Tensor, _ s1: Tensor, weights: Tensor) throws -> Tensor {
        var states = [try preprocess.0(s0), try preprocess.1(s1)]
        var edge = 0
        for _ in 0..<steps {
            var terms: [Tensor] = []
            for state in states {
                let outputs = try edges[edge].map { try $0?(state) }
                terms.append(try weightedSum(outputs, weights: weights, row: edge))
                edge += 1
            }
            states.append(try sum(terms))
        }
        return try concatChannels(Array(states.suffix(multiplier)))
    }
}
