import Tensor

// How each space's network splits into timed pieces. Each walk mirrors its builder's forward
// pass (DartsNetwork, NB201Network, ChainNetwork): change one, change the other.

/// The resolution after a stride-2 operation with "same" padding: ⌈h / 2⌉.
private func halved(_ h: Int) -> Int { (h + 1) / 2 }

extension SearchSpace {
    /// The timed pieces of `genotype`'s network for inputs `inputShape` ([C, H, W]), in forward
    /// order, repeats included.
    func latencyItems(_ genotype: Genotype, inputShape: [Int], classes: Int) throws -> [LatencyItem] {
        switch (self, genotype) {
        case let (.darts(channels, layers), .darts(g)):
            return DartsLatencyWalk(channels: channels, layers: layers, inputShape: inputShape, classes: classes,
                                    concat: { g.concat($0).count }).items { cell, reduction in
                g.pairs(reduction ? .reduce : .normal).map { ($0.op, $0.input) }
            }
        case let (.nb201(channels, cells), .nb201(a)):
            return NB201LatencyWalk(channels: channels, cellsPerStage: cells, inputShape: inputShape, classes: classes)
                .items(cellItems: { c, h, w in NB201LatencyWalk.cellItems(a, channels: c, height: h, width: w) })
        case let (.chain(space), .chain(values)):
            return try chainLatencyItems(space.resolve(values), inputShape: inputShape, classes: classes)
        default:
            throw NASError("a \(genotype.spaceName) genotype has no latency in the \(name) space")
        }
    }

    /// Every piece an architecture of the space can contain at this input (darts with the
    /// default concatenation of 4 nodes, nb201), without repeats; nil for chain, whose pieces
    /// are profiled as architectures need them.
    func allLatencyItems(inputShape: [Int], classes: Int) -> [LatencyItem]? {
        var items: [LatencyItem]
        switch self {
        case let .darts(channels, layers):
            let walk = DartsLatencyWalk(channels: channels, layers: layers, inputShape: inputShape, classes: classes,
                                        concat: { _ in DartsGenotype.defaultConcat.count })
            // Every operation on an edge from a cell input (0) and from a node (2).
            items = walk.items { _, _ in DartsOperation.allCases.flatMap { [($0, 0), ($0, 2)] } }
        case let .nb201(channels, cells):
            let walk = NB201LatencyWalk(channels: channels, cellsPerStage: cells, inputShape: inputShape, classes: classes)
            items = walk.items(cellItems: { c, h, w in
                let ops = NB201Operation.allCases.filter { $0 != .none }.map {
                    LatencyItem(kind: .nb201Op($0), channels: c, height: h, width: w)
                }
                return ops + [.zeros(stride: 1), .sum(terms: 2), .sum(terms: 3)].map {
                    LatencyItem(kind: $0, channels: c, height: h, width: w)
                }
            })
        case .chain:
            return nil
        }
        var seen = Set<String>()
        items = items.filter { seen.insert($0.key).inserted }
        return items
    }
}

/// The darts macro network (DartsNetwork): stem, L cells with reductions at L/3 and 2L/3, head.
struct DartsLatencyWalk {
    let channels: Int, layers: Int, inputShape: [Int], classes: Int
    /// Nodes concatenated by a normal (false) or reduction (true) cell.
    let concat: (DartsGenotype.Cell) -> Int

    /// The items of the network whose cell `index` (reduction or not) has `edges` (op, input).
    func items(_ edges: (_ index: Int, _ reduction: Bool) -> [(DartsOperation, Int)]) -> [LatencyItem] {
        let (inChannels, height, width) = (inputShape[0], inputShape[1], inputShape[2])
        let stemChannels = 3 * channels
        var items = [LatencyItem(kind: .stem(outChannels: stemChannels), channels: inChannels, height: height, width: width)]
        var (previousPrevious, previous, current) = (stemChannels, stemChannels, channels)
        var (ppSize, pSize) = ((height, width), (height, width))
        var reductionPrevious = false
        for i in 0..<layers {
            let reduction = isReductionCell(i, layers: layers)
            if reduction { current *= 2 }
            items.append(reductionPrevious
                ? LatencyItem(kind: .factorizedReduce(outChannels: current), channels: previousPrevious, height: ppSize.0, width: ppSize.1)
                : LatencyItem(kind: .reluConvBN(outChannels: current, kernel: 1), channels: previousPrevious, height: ppSize.0, width: ppSize.1))
            items.append(LatencyItem(kind: .reluConvBN(outChannels: current, kernel: 1), channels: previous, height: pSize.0, width: pSize.1))
            let outSize = reduction ? (halved(pSize.0), halved(pSize.1)) : pSize
            for (op, input) in edges(i, reduction) {
                let stride = reduction && input < 2 ? 2 : 1
                let size = input < 2 ? pSize : outSize
                let kind: LatencyItem.Kind = op == .none ? .zeros(stride: stride) : .dartsOp(op, stride: stride)
                items.append(LatencyItem(kind: kind, channels: current, height: size.0, width: size.1))
            }
            for _ in 0..<DartsGenotype.nodeCount {
                items.append(LatencyItem(kind: .sum(terms: 2), channels: current, height: outSize.0, width: outSize.1))
            }
            let parts = concat(reduction ? .reduce : .normal)
            items.append(LatencyItem(kind: .concat(parts: parts), channels: current, height: outSize.0, width: outSize.1))
            reductionPrevious = reduction
            (previousPrevious, previous) = (previous, parts * current)
            (ppSize, pSize) = (pSize, outSize)
        }
        items.append(LatencyItem(kind: .dartsHead(classes: classes), channels: previous, height: pSize.0, width: pSize.1))
        return items
    }
}

/// The NAS-Bench-201 macro network (NB201Network): stem, three stages of N cells joined by
/// residual blocks, head.
struct NB201LatencyWalk {
    let channels: Int, cellsPerStage: Int, inputShape: [Int], classes: Int

    func items(cellItems: (_ channels: Int, _ height: Int, _ width: Int) -> [LatencyItem]) -> [LatencyItem] {
        var (h, w) = (inputShape[1], inputShape[2])
        var items = [LatencyItem(kind: .stem(outChannels: channels), channels: inputShape[0], height: h, width: w)]
        for stage in 0..<3 {
            let c = channels << stage
            if stage > 0 {
                items.append(LatencyItem(kind: .nb201Residual(outChannels: c), channels: c / 2, height: h, width: w))
                (h, w) = (halved(h), halved(w))
            }
            for _ in 0..<cellsPerStage { items += cellItems(c, h, w) }
        }
        items.append(LatencyItem(kind: .nb201Head(classes: classes), channels: 4 * channels, height: h, width: w))
        return items
    }

    /// One cell: every operation that runs, the node sums, and zeros for a node without inputs.
    static func cellItems(_ arch: NB201Architecture, channels c: Int, height h: Int, width w: Int) -> [LatencyItem] {
        var items: [LatencyItem] = []
        var edge = 0
        for node in 1...3 {
            var terms = 0
            for _ in 0..<node {
                let op = arch.ops[edge]
                if op != .none {
                    items.append(LatencyItem(kind: .nb201Op(op), channels: c, height: h, width: w))
                    terms += 1
                }
                edge += 1
            }
            if terms == 0 { items.append(LatencyItem(kind: .zeros(stride: 1), channels: c, height: h, width: w)) }
            if terms >= 2 { items.append(LatencyItem(kind: .sum(terms: terms), channels: c, height: h, width: w)) }
        }
        return items
    }
}

/// A chain network (ChainNetwork): conv layers, the head, linear layers, the classifier.
func chainLatencyItems(_ architecture: ChainArchitecture, inputShape: [Int], classes: Int) throws -> [LatencyItem] {
    var items: [LatencyItem] = []
    var (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
    var features: Int? = nil
    func flatten() -> Int {
        items.append(LatencyItem(kind: .chainHead(architecture.head), channels: c, height: h, width: w))
        return architecture.head == .avgpool ? c : c * h * w
    }
    for layer in architecture.layers {
        switch layer.kind {
        case .conv:
            guard features == nil else {
                throw NASError("chain layer '\(layer.name)': a conv layer after a linear layer; conv layers come first")
            }
            // What the timing depends on only (no name; dropout is off in evaluation).
            let timed = ChainLayer(name: "", kind: .conv, kernel: layer.kernel ?? 3, width: layer.width, stride: layer.stride,
                                   pool: layer.pool, norm: layer.norm, activation: layer.activation, dropout: 0)
            items.append(LatencyItem(kind: .chainConv(timed), channels: c, height: h, width: w))
            c = layer.width
            h = (h - 1) / layer.stride + 1
            w = (w - 1) / layer.stride + 1
            if layer.pool != .none { h /= 2; w /= 2 }
        case .linear:
            if features == nil { features = flatten() }
            items.append(LatencyItem(kind: .chainLinear(units: layer.width, activation: layer.activation),
                                     channels: features!, height: 1, width: 1))
            features = layer.width
        }
    }
    let last = features ?? flatten()
    items.append(LatencyItem(kind: .chainLinear(units: classes, activation: nil), channels: last, height: 1, width: 1))
    return items
}
