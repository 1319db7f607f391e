/// A discrete DARTS cell pair: for the normal and the reduction cell, 8 (op, input) pairs —
/// intermediate node i (0..3) takes pairs 2i and 2i+1 — and the nodes concatenated as output.
///
/// Inputs: 0 and 1 are the cell inputs c_{k-2} and c_{k-1}; input j >= 2 is node j-2. Node i may
/// read inputs 0..<2+i. A valid genotype uses no `none` op and reads two distinct inputs per node
/// (as DARTS derivation does). Values are always valid: the initializer validates.
public struct DartsGenotype: Hashable, Sendable {
    /// One (op, input) pair: the op applied to the edge from `input` into its node.
    public struct Edge: Hashable, Sendable {
        public var op: DartsOperation
        public var input: Int
        public init(_ op: DartsOperation, _ input: Int) {
            self.op = op
            self.input = input
        }
    }

    /// Which of the two cells.
    public enum Cell: String, CaseIterable, Hashable, Sendable {
        case normal, reduce
    }

    /// Intermediate nodes per cell.
    public static let nodeCount = 4
    /// (op, input) pairs per cell: 2 per node.
    public static let pairCount = 8
    /// The default output concatenation: all four intermediate nodes.
    public static let defaultConcat = [2, 3, 4, 5]

    public private(set) var normal: [Edge]
    public private(set) var normalConcat: [Int]
    public private(set) var reduce: [Edge]
    public private(set) var reduceConcat: [Int]

    /// Builds and validates a genotype; throws a `GenotypeError` naming the cell, pair and node.
    public init(normal: [Edge], normalConcat: [Int] = DartsGenotype.defaultConcat,
                reduce: [Edge], reduceConcat: [Int] = DartsGenotype.defaultConcat) throws {
        try DartsGenotype.validate(normal, cell: .normal)
        try DartsGenotype.validate(reduce, cell: .reduce)
        try DartsGenotype.validateConcat(normalConcat, cell: .normal)
        try DartsGenotype.validateConcat(reduceConcat, cell: .reduce)
        self.init(unchecked: normal, normalConcat, reduce, reduceConcat)
    }

    init(unchecked normal: [Edge], _ normalConcat: [Int], _ reduce: [Edge], _ reduceConcat: [Int]) {
        self.normal = normal
        self.normalConcat = normalConcat
        self.reduce = reduce
        self.reduceConcat = reduceConcat
    }

    /// The pairs of one cell.
    public func pairs(_ cell: Cell) -> [Edge] { cell == .normal ? normal : reduce }

    /// The output concatenation of one cell.
    public func concat(_ cell: Cell) -> [Int] { cell == .normal ? normalConcat : reduceConcat }

    /// The same architecture with each node's two pairs ordered by input, so that genotypes that
    /// differ only in pair order inside a node compare equal.
    public var canonical: DartsGenotype {
        func sortNodes(_ edges: [Edge]) -> [Edge] {
            var out = edges
            for node in 0..<DartsGenotype.nodeCount {
                let a = out[2 * node], b = out[2 * node + 1]
                if (b.input, b.op.index) < (a.input, a.op.index) {
                    out[2 * node] = b
                    out[2 * node + 1] = a
                }
            }
            return out
        }
        return DartsGenotype(unchecked: sortNodes(normal), normalConcat, sortNodes(reduce), reduceConcat)
    }

    // MARK: validation

    /// A problem with one pair at `position` of `cell`, or nil. Shared with the parsers, which add
    /// character offsets.
    static func pairProblem(_ edge: Edge, cell: Cell, position: Int) -> String? {
        let node = position / 2
        let place = "\(cell.rawValue)[\(position)] (node \(node), edge \(position % 2))"
        if edge.op == .none {
            return "\(place): operation 'none' is not allowed in a DARTS genotype (derivation drops it); "
                + "valid operations: \(DartsOperation.validNamesList)"
        }
        if edge.input < 0 || edge.input >= 2 + node {
            return "\(place): input \(edge.input) is out of range; node \(node) may take inputs 0...\(1 + node) "
                + "(0 and 1 are the cell inputs c_{k-2} and c_{k-1}, j >= 2 is node j-2)"
        }
        return nil
    }

    static func countProblem(_ count: Int, cell: Cell) -> String? {
        if count == pairCount { return nil }
        return "\(cell.rawValue) has \(count) (op, input) pair\(count == 1 ? "" : "s"); expected \(pairCount) "
            + "(2 for each of the \(nodeCount) intermediate nodes)"
    }

    static func validate(_ edges: [Edge], cell: Cell) throws {
        if let problem = countProblem(edges.count, cell: cell) { throw GenotypeError(problem) }
        for (position, edge) in edges.enumerated() {
            if let problem = pairProblem(edge, cell: cell, position: position) { throw GenotypeError(problem) }
        }
        for node in 0..<nodeCount where edges[2 * node].input == edges[2 * node + 1].input {
            throw GenotypeError("\(cell.rawValue)[\(2 * node)] and \(cell.rawValue)[\(2 * node + 1)] (node \(node)) "
                + "both take input \(edges[2 * node].input); a node's two edges must come from distinct inputs")
        }
    }

    static func validateConcat(_ concat: [Int], cell: Cell) throws {
        let name = "\(cell.rawValue)_concat \(concat)"
        if concat.isEmpty {
            throw GenotypeError("\(name) is empty; expected intermediate nodes 2...5, e.g. [2, 3, 4, 5]")
        }
        if let bad = concat.first(where: { !(2..<(2 + nodeCount)).contains($0) }) {
            throw GenotypeError("\(name): \(bad) is not an intermediate node; expected values in 2...5, e.g. [2, 3, 4, 5]")
        }
        if Set(concat).count != concat.count {
            throw GenotypeError("\(name) repeats a node; each node may be concatenated once")
        }
    }

    // MARK: the supernet's edges

    /// Edges of the DARTS supernet cell: node i has 2+i incoming edges, 14 in all.
    public static let supernetEdgeCount = 14

    /// Index of the supernet edge into `node` (0..3) from `input` (0..<2+node): the row of that
    /// edge in alpha and in the heatmap.
    public static func supernetEdgeIndex(node: Int, input: Int) -> Int {
        2 * node + node * (node - 1) / 2 + input
    }

    /// Labels of the 14 supernet edges, "2<-0" ... "5<-4" (nodes numbered as inputs are).
    public static let supernetEdgeLabels: [String] = (0..<nodeCount).flatMap { node in
        (0..<(2 + node)).map { "\(node + 2)<-\($0)" }
    }

    /// For each of the 14 supernet edges of `cell`, the op this genotype keeps on it (nil when the
    /// edge is dropped).
    public func supernetOps(_ cell: Cell) -> [DartsOperation?] {
        var ops = [DartsOperation?](repeating: nil, count: DartsGenotype.supernetEdgeCount)
        for (position, edge) in pairs(cell).enumerated() {
            ops[DartsGenotype.supernetEdgeIndex(node: position / 2, input: edge.input)] = edge.op
        }
        return ops
    }

    // MARK: canonical genotypes

    /// DARTS (first order), from the DARTS paper's genotypes.py.
    public static let dartsV1 = try! DartsGenotype(
        normal: [Edge(.sepConv3x3, 1), Edge(.sepConv3x3, 0), Edge(.skipConnect, 0), Edge(.sepConv3x3, 1),
                 Edge(.skipConnect, 0), Edge(.sepConv3x3, 1), Edge(.sepConv3x3, 0), Edge(.skipConnect, 2)],
        reduce: [Edge(.maxPool3x3, 0), Edge(.maxPool3x3, 1), Edge(.skipConnect, 2), Edge(.maxPool3x3, 0),
                 Edge(.maxPool3x3, 0), Edge(.skipConnect, 2), Edge(.skipConnect, 2), Edge(.avgPool3x3, 0)])

    /// DARTS (second order), from the DARTS paper's genotypes.py (there also named `DARTS`).
    public static let dartsV2 = try! DartsGenotype(
        normal: [Edge(.sepConv3x3, 0), Edge(.sepConv3x3, 1), Edge(.sepConv3x3, 0), Edge(.sepConv3x3, 1),
                 Edge(.sepConv3x3, 1), Edge(.skipConnect, 0), Edge(.skipConnect, 0), Edge(.dilConv3x3, 2)],
        reduce: [Edge(.maxPool3x3, 0), Edge(.maxPool3x3, 1), Edge(.skipConnect, 2), Edge(.maxPool3x3, 1),
                 Edge(.maxPool3x3, 0), Edge(.skipConnect, 2), Edge(.skipConnect, 2), Edge(.maxPool3x3, 1)])
}

// MARK: Codable (the JSON form without "space": pairs are [op, input] arrays)

extension DartsGenotype.Edge: Codable {
    public init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        let name = try c.decode(String.self)
        let input = try c.decode(Int.self)
        guard let op = DartsOperation(rawValue: name) else {
            throw GenotypeError("genotype JSON at \(genotypeCodingPath(decoder.codingPath)): unknown DARTS operation "
                + "'\(name)'; valid operations: \(DartsOperation.validNamesList)")
        }
        self.init(op, input)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(op.rawValue)
        try c.encode(input)
    }
}

extension DartsGenotype: Codable {
    enum CodingKeys: String, CodingKey {
        case normal, reduce
        case normalConcat = "normal_concat"
        case reduceConcat = "reduce_concat"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            normal: c.decode([Edge].self, forKey: .normal),
            normalConcat: c.decodeIfPresent([Int].self, forKey: .normalConcat) ?? DartsGenotype.defaultConcat,
            reduce: c.decode([Edge].self, forKey: .reduce),
            reduceConcat: c.decodeIfPresent([Int].self, forKey: .reduceConcat) ?? DartsGenotype.defaultConcat)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(normal, forKey: .normal)
        try c.encode(normalConcat, forKey: .normalConcat)
        try c.encode(reduce, forKey: .reduce)
        try c.encode(reduceConcat, forKey: .reduceConcat)
    }
}

/// "normal[3]" style rendering of a Codable path.
func genotypeCodingPath(_ path: [CodingKey]) -> String {
    if path.isEmpty { return "top level" }
    var out = ""
    for key in path {
        if let i = key.intValue { out += "[\(i)]" } else { out += out.isEmpty ? key.stringValue : ".\(key.stringValue)" }
    }
    return out
}
