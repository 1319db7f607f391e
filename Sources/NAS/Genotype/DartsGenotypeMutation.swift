/// Slots, single-step mutations and random sampling of DARTS genotypes, for search strategies.
extension DartsGenotype {
    /// One (op, input) position: `position` 0..<8 in `cell`; it feeds node `position / 2`.
    public struct Slot: Hashable, Sendable {
        public let cell: Cell
        public let position: Int
        public init(cell: Cell, position: Int) {
            self.cell = cell
            self.position = position
        }
        /// The intermediate node (0..3) this slot feeds.
        public var node: Int { position / 2 }
        /// The other slot of the same node.
        public var sibling: Slot { Slot(cell: cell, position: position ^ 1) }
    }

    /// A single change: the op of one slot, or the input of one slot.
    public enum Mutation: Hashable, Sendable {
        case op(Slot, DartsOperation)
        case input(Slot, Int)

        /// The slot the mutation changes.
        public var slot: Slot {
            switch self {
            case .op(let slot, _), .input(let slot, _): return slot
            }
        }
    }

    /// All 16 slots: normal 0..<8, then reduce 0..<8.
    public static let slots: [Slot] = Cell.allCases.flatMap { cell in
        (0..<pairCount).map { Slot(cell: cell, position: $0) }
    }

    /// The (op, input) pair at `slot`.
    public subscript(slot: Slot) -> Edge {
        pairs(slot.cell)[slot.position]
    }

    /// Every valid single mutation: each slot's op changed to each of the other 6 non-none ops,
    /// and each slot's input changed to another input of its node that its sibling does not use
    /// (node i has i such choices). 120 in all.
    public func mutations() -> [Mutation] {
        var out: [Mutation] = []
        for slot in DartsGenotype.slots {
            let edge = self[slot]
            for op in DartsOperation.nonNone where op != edge.op { out.append(.op(slot, op)) }
        }
        for slot in DartsGenotype.slots {
            let current = self[slot].input, other = self[slot.sibling].input
            for input in 0..<(2 + slot.node) where input != current && input != other {
                out.append(.input(slot, input))
            }
        }
        return out
    }

    /// The genotype with `mutation` applied; throws when the result would be invalid (a `none`
    /// op, an input out of range or equal to the sibling's).
    public func applying(_ mutation: Mutation) throws -> DartsGenotype {
        let slot = mutation.slot
        var edges = pairs(slot.cell)
        switch mutation {
        case .op(_, let op): edges[slot.position].op = op
        case .input(_, let input): edges[slot.position].input = input
        }
        try DartsGenotype.validate(edges, cell: slot.cell)
        return slot.cell == .normal
            ? DartsGenotype(unchecked: edges, normalConcat, reduce, reduceConcat)
            : DartsGenotype(unchecked: normal, normalConcat, edges, reduceConcat)
    }

    /// All genotypes one valid mutation away, in `mutations()` order.
    public func neighbours() -> [DartsGenotype] {
        mutations().map { try! applying($0) }
    }

    /// A uniformly chosen neighbour.
    public func mutated(using rng: inout some RandomNumberGenerator) -> DartsGenotype {
        let all = mutations()
        return try! applying(all[Int.random(in: 0..<all.count, using: &rng)])
    }

    /// A random genotype: node i draws 2 distinct inputs among 0..<2+i (listed in increasing
    /// order) and, for each, one of the 7 non-none ops, independently and uniformly.
    public static func random(using rng: inout some RandomNumberGenerator) -> DartsGenotype {
        func cell() -> [Edge] {
            var edges: [Edge] = []
            for node in 0..<nodeCount {
                let a = Int.random(in: 0..<(2 + node), using: &rng)
                var b = Int.random(in: 0..<(1 + node), using: &rng)
                if b >= a { b += 1 }
                for input in [min(a, b), max(a, b)] {
                    let op = DartsOperation.nonNone[Int.random(in: 0..<DartsOperation.nonNone.count, using: &rng)]
                    edges.append(Edge(op, input))
                }
            }
            return edges
        }
        let normal = cell()
        let reduce = cell()
        return DartsGenotype(unchecked: normal, defaultConcat, reduce, defaultConcat)
    }
}
