import Foundation
import NAS

/// How TPE sees genotypes: a flat list of independent parameters, and the encoding of a
/// genotype as one number per parameter (NaN where a parameter is inactive or unknown).
///
/// - nb201: 6 categorical parameters, one per edge (5 ops).
/// - darts: per cell and node, the node's two inputs as one categorical parameter (the
///   unordered pair of distinct inputs: 1, 3, 6, 10 choices for nodes 0-3, so every proposal
///   is valid) and the op of each of its two slots (7 choices; slot 2i is the edge from the
///   smaller input): 24 parameters for the 16 (op, input) slots.
/// - chain space: each searchable parameter; choices categorical, ints and floats numeric
///   (log ranges on log scale, ints on their step grid; log ints as Optuna does, over
///   [log(low - 0.5), log(high + 0.5)] and rounded).
/// - chain candidate set: each key categorical over the values the candidates use.
struct TPEParameterSpace {
    enum Kind: Equatable {
        case categorical(Int)
        case numeric(low: Double, high: Double, step: Double?)
    }

    struct Parameter {
        var name: String
        var kind: Kind
    }

    private enum Layout {
        case nb201
        case darts
        case chain(ChainSpace)
        case chainKeys([String], values: [[ChainValue]])
    }

    let parameters: [Parameter]
    private let layout: Layout

    /// Node i's input pairs (a < b < 2 + i) in lexicographic order.
    private static let inputPairs: [[(Int, Int)]] = (0..<DartsGenotype.nodeCount).map { node in
        (0..<(2 + node)).flatMap { a in ((a + 1)..<(2 + node)).map { b in (a, b) } }
    }

    init(domain: SearchDomain) {
        switch domain.spaceName {
        case "nb201":
            layout = .nb201
            parameters = NB201Architecture.edgeLabels.map { Parameter(name: $0, kind: .categorical(NB201Operation.allCases.count)) }
        case "darts":
            layout = .darts
            parameters = DartsGenotype.Cell.allCases.flatMap { cell in
                (0..<DartsGenotype.nodeCount).flatMap { node in [
                    Parameter(name: "\(cell.rawValue).node\(node).inputs", kind: .categorical(Self.inputPairs[node].count)),
                    Parameter(name: "\(cell.rawValue)[\(2 * node)].op", kind: .categorical(DartsOperation.nonNone.count)),
                    Parameter(name: "\(cell.rawValue)[\(2 * node + 1)].op", kind: .categorical(DartsOperation.nonNone.count)),
                ] }
            }
        default:
            if let candidates = domain.candidates {
                var keys: [String] = []
                var values: [String: [ChainValue]] = [:]
                for case .chain(let assignment) in candidates {
                    for key in assignment.keys.sorted() {
                        if values[key] == nil { keys.append(key); values[key] = [] }
                        if !values[key]!.contains(assignment[key]!) { values[key]!.append(assignment[key]!) }
                    }
                }
                keys.sort()
                layout = .chainKeys(keys, values: keys.map { values[$0]! })
                parameters = keys.map { Parameter(name: $0, kind: .categorical(values[$0]!.count)) }
            } else if case .chain(let space)? = domain.space {
                layout = .chain(space)
                parameters = space.parameters.filter(\.isSearchable).map { p in
                    switch p.domain {
                    case .choice(let values):
                        return Parameter(name: p.name, kind: .categorical(values.count))
                    case .int(let low, let high, let step, let log):
                        return log
                            ? Parameter(name: p.name, kind: .numeric(low: Foundation.log(Double(low) - 0.5),
                                                                     high: Foundation.log(Double(high) + 0.5), step: nil))
                            : Parameter(name: p.name, kind: .numeric(low: Double(low),
                                                                     high: Double(low + (high - low) / step * step),
                                                                     step: Double(step)))
                    case .float(let low, let high, let log):
                        return log
                            ? Parameter(name: p.name, kind: .numeric(low: Foundation.log(low), high: Foundation.log(high), step: nil))
                            : Parameter(name: p.name, kind: .numeric(low: low, high: high, step: nil))
                    case .fixed:
                        return Parameter(name: p.name, kind: .categorical(1))
                    }
                }
            } else {
                layout = .chainKeys([], values: [])
                parameters = []
            }
        }
    }

    /// One number per parameter: the choice index, or the (log-scaled) value; NaN when the
    /// parameter is inactive, or the genotype is of another space or uses an unknown value.
    func encode(_ genotype: Genotype) -> [Double] {
        var out = [Double](repeating: .nan, count: parameters.count)
        switch (layout, genotype) {
        case (.nb201, .nb201(let a)):
            for edge in 0..<NB201Architecture.edgeCount { out[edge] = Double(a.ops[edge].index) }
        case (.darts, .darts(let raw)):
            let g = raw.canonical
            for (c, cell) in DartsGenotype.Cell.allCases.enumerated() {
                let edges = g.pairs(cell)
                for node in 0..<DartsGenotype.nodeCount {
                    let base = c * 12 + node * 3
                    let first = edges[2 * node], second = edges[2 * node + 1]
                    if let pair = Self.inputPairs[node].firstIndex(where: { $0 == (first.input, second.input) }) {
                        out[base] = Double(pair)
                    }
                    out[base + 1] = Double(DartsOperation.nonNone.firstIndex(of: first.op) ?? 0)
                    out[base + 2] = Double(DartsOperation.nonNone.firstIndex(of: second.op) ?? 0)
                }
            }
        case (.chain(let space), .chain(let assignment)):
            for (i, p) in space.parameters.filter(\.isSearchable).enumerated() {
                guard let given = assignment[p.name], let value = p.normalized(given) else { continue }
                switch p.domain {
                case .choice(let values): out[i] = values.firstIndex(of: value).map(Double.init) ?? .nan
                case .int(_, _, _, let log): out[i] = log ? Foundation.log(value.doubleValue!) : value.doubleValue!
                case .float(_, _, let log): out[i] = log ? Foundation.log(value.doubleValue!) : value.doubleValue!
                case .fixed: out[i] = 0
                }
            }
        case (.chainKeys(let keys, let values), .chain(let assignment)):
            for (i, key) in keys.enumerated() {
                if let value = assignment[key], let index = values[i].firstIndex(of: value) { out[i] = Double(index) }
            }
        default:
            break
        }
        return out
    }

    /// The genotype whose parameters `draw(i)` chooses, asked in order and only for active
    /// parameters (a chain depth decides which later parameters exist). Not for chain
    /// candidate sets, which are scored rather than drawn.
    func decode(_ draw: (Int) -> Double) -> Genotype {
        switch layout {
        case .nb201:
            let ops = (0..<NB201Architecture.edgeCount).map { NB201Operation.allCases[Int(draw($0))] }
            return .nb201(try! NB201Architecture(ops: ops))
        case .darts:
            func cell(_ c: Int) -> [DartsGenotype.Edge] {
                (0..<DartsGenotype.nodeCount).flatMap { node -> [DartsGenotype.Edge] in
                    let base = c * 12 + node * 3
                    let (a, b) = Self.inputPairs[node][Int(draw(base))]
                    return [DartsGenotype.Edge(DartsOperation.nonNone[Int(draw(base + 1))], a),
                            DartsGenotype.Edge(DartsOperation.nonNone[Int(draw(base + 2))], b)]
                }
            }
            let normal = cell(0)
            let reduce = cell(1)
            return .darts(try! DartsGenotype(normal: normal, reduce: reduce))
        case .chain(let space):
            let searchable = space.parameters.filter(\.isSearchable)
            let index = Dictionary(uniqueKeysWithValues: searchable.enumerated().map { ($1.name, $0) })
            var out: [String: ChainValue] = [:]
            for p in space.parameters where p.isActive(in: out) {
                guard let i = index[p.name] else {
                    switch p.domain {
                    case .fixed(let value): out[p.name] = value
                    case .choice(let values): out[p.name] = values[0]
                    case .int(let low, _, _, _): out[p.name] = .int(low)
                    case .float(let low, _, _): out[p.name] = .double(low)
                    }
                    continue
                }
                let x = draw(i)
                switch p.domain {
                case .choice(let values): out[p.name] = values[Int(x)]
                case .int(let low, let high, _, let log):
                    out[p.name] = .int(min(max(Int((log ? exp(x) : x).rounded()), low), high))
                case .float(let low, let high, let log):
                    out[p.name] = .double(min(max(log ? exp(x) : x, low), high))
                case .fixed(let value): out[p.name] = value
                }
            }
            return .chain(out)
        case .chainKeys:
            preconditionFailure("chain candidate sets are scored, not decoded")
        }
    }
}
