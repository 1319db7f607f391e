import NAS

/// How often each operation appears on each edge among a group of trials (evolution's
/// population, or the top trials), for the Operations heatmap when the strategy is sample-based.
/// Rows are edges, columns operations; every row sums to 1.
///
/// - darts: two matrices, "normal" and "reduce", 14 supernet edges (`DartsGenotype.supernetEdgeLabels`)
///   × 8 ops in `DartsOperation` order; an edge a genotype does not use counts as `none`.
/// - nb201: one matrix, "cell", 6 edges × 5 ops in `NB201Operation` order.
public struct OperationFrequencies: Equatable, Sendable {
    /// One heatmap.
    public struct Matrix: Equatable, Sendable {
        /// "normal", "reduce" or "cell".
        public var title: String
        public var rowLabels: [String]
        public var columnLabels: [String]
        /// values[row][column], each row summing to 1.
        public var values: [[Double]]
    }

    /// "darts" or "nb201".
    public var spaceName: String
    public var matrices: [Matrix]
    /// How many trials were counted.
    public var trialCount: Int
}

/// Op frequencies over the `top` best complete trials of `trials` (all of them when `top` <= 0),
/// in the space of the best trial; nil when there is none, or for chain spaces (no edges).
public func operationFrequencies(trials: [Trial], top: Int) -> OperationFrequencies? {
    var complete = trials.filter { $0.rankingFitness != nil }
    complete.sort { ($0.rankingFitness!, -$0.id) > ($1.rankingFitness!, -$1.id) }
    guard let space = complete.first?.genotype.spaceName else { return nil }
    let chosen = complete.filter { $0.genotype.spaceName == space }.prefix(top > 0 ? top : complete.count)
    let n = Double(chosen.count)
    switch space {
    case "darts":
        let matrices = DartsGenotype.Cell.allCases.map { cell -> OperationFrequencies.Matrix in
            var values = [[Double]](repeating: [Double](repeating: 0, count: DartsOperation.allCases.count),
                                    count: DartsGenotype.supernetEdgeCount)
            for trial in chosen {
                guard case .darts(let g) = trial.genotype else { continue }
                for (edge, op) in g.supernetOps(cell).enumerated() { values[edge][(op ?? .none).index] += 1 / n }
            }
            return .init(title: cell.rawValue, rowLabels: DartsGenotype.supernetEdgeLabels,
                         columnLabels: DartsOperation.allCases.map(\.rawValue), values: values)
        }
        return OperationFrequencies(spaceName: space, matrices: matrices, trialCount: chosen.count)
    case "nb201":
        var values = [[Double]](repeating: [Double](repeating: 0, count: NB201Operation.allCases.count),
                                count: NB201Architecture.edgeCount)
        for trial in chosen {
            guard case .nb201(let a) = trial.genotype else { continue }
            for (edge, op) in a.ops.enumerated() { values[edge][op.index] += 1 / n }
        }
        let matrix = OperationFrequencies.Matrix(title: "cell", rowLabels: NB201Architecture.edgeLabels,
                                                 columnLabels: NB201Operation.allCases.map(\.rawValue), values: values)
        return OperationFrequencies(spaceName: space, matrices: [matrix], trialCount: chosen.count)
    default:
        return nil
    }
}
