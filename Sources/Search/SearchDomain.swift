import NAS
import Tensor

/// Where a sample-based strategy looks: a whole `SearchSpace`, or a finite candidate set (a
/// tabular benchmark's architectures, a user's shortlist) that restricts the space.
///
/// In a restricted domain strategies only ever propose candidates: sampling draws a candidate,
/// mutation moves to the nearest other candidates (for nb201 the neighbours one edge away when
/// the set has any, else the fewest differing edges; for darts the fewest differing slots; for
/// chain the fewest differing parameters), and TPE scores candidates of the set.
///
/// Genotypes are compared in canonical form (`SearchDomain.canonical`), so DARTS genotypes that
/// differ only in the order of a node's two pairs count as one.
public struct SearchDomain: Sendable {
    /// The space, when the domain is a whole space or the caller named the candidates' space.
    public let space: SearchSpace?
    /// The candidates of a restricted domain (canonical, duplicates dropped, in the given order);
    /// nil for a whole space.
    public let candidates: [Genotype]?
    /// "darts", "nb201" or "chain".
    public let spaceName: String
    /// Candidate → its position in `candidates`.
    let candidateIndex: [Genotype: Int]

    /// The whole of `space`.
    public init(space: SearchSpace) {
        self.space = space
        self.candidates = nil
        self.spaceName = space.name
        self.candidateIndex = [:]
    }

    /// The finite set `candidates` (at least one, all of one space; duplicates are dropped).
    /// With `space`, every candidate must belong to it (chain assignments are validated).
    public init(candidates: [Genotype], space: SearchSpace? = nil) throws {
        guard let first = candidates.first else {
            throw SearchError("a candidate set needs at least one architecture; got none")
        }
        let name = space?.name ?? first.spaceName
        var unique: [Genotype] = []
        var index: [Genotype: Int] = [:]
        for (i, genotype) in candidates.enumerated() {
            guard genotype.spaceName == name else {
                throw SearchError("candidate \(i + 1) (\(genotype.summary.prefix(60))) is a \(genotype.spaceName) "
                    + "architecture; the candidate set is \(name) (all candidates must come from one space)")
            }
            if case .chain(let chainSpace)? = space, case .chain(let values) = genotype {
                do { try chainSpace.validate(values) } catch {
                    throw SearchError("candidate \(i + 1): \(error)")
                }
            }
            let key = SearchDomain.canonical(genotype)
            if index[key] == nil {
                index[key] = unique.count
                unique.append(key)
            }
        }
        self.space = space
        self.candidates = unique
        self.spaceName = name
        self.candidateIndex = index
    }

    /// Whether the domain is a finite candidate set.
    public var isRestricted: Bool { candidates != nil }

    /// "the nb201 space" or "724 nb201 candidates", for status lines and errors.
    public var summary: String {
        if let candidates { return "\(candidates.count) \(spaceName) candidate\(candidates.count == 1 ? "" : "s")" }
        return "the \(spaceName) space"
    }

    /// The form genotypes are compared in: DARTS genotypes with each node's pairs ordered by
    /// input; other genotypes as they are.
    public static func canonical(_ genotype: Genotype) -> Genotype {
        if case .darts(let g) = genotype { return .darts(g.canonical) }
        return genotype
    }

    /// Whether `genotype` is in the domain: one of the candidates, or of the space's kind (chain
    /// assignments must validate against the space).
    public func contains(_ genotype: Genotype) -> Bool {
        if candidates != nil { return candidateIndex[SearchDomain.canonical(genotype)] != nil }
        guard genotype.spaceName == spaceName else { return false }
        if case .chain(let chainSpace)? = space, case .chain(let values) = genotype {
            return (try? chainSpace.validate(values)) != nil
        }
        return true
    }

    /// A uniformly random member, preferring ones not in `avoiding` (canonical genotypes): a
    /// restricted domain draws among the unseen candidates while any are left; a whole space
    /// retries a few times.
    public func sample(using generator: inout SeededGenerator, avoiding: Set<Genotype> = []) -> Genotype {
        if let candidates {
            // Rejection first: as uniform over the unseen as the filter below, without walking
            // every candidate (a 15,625-cell table two-thirds seen cost a millisecond a trial).
            // With up to 15/16 of them seen, all 64 draws miss less than 2 % of the time.
            if avoiding.count < candidates.count - candidates.count / 16 {
                for _ in 0..<64 {
                    let pick = candidates[generator.nextInt(candidates.count)]
                    if !avoiding.contains(pick) { return pick }
                }
            }
            let unseen = candidates.filter { !avoiding.contains($0) }
            let pool = unseen.isEmpty ? candidates : unseen
            return pool[generator.nextInt(pool.count)]
        }
        guard let space else { preconditionFailure("a domain is a space or a candidate set") }
        var pick = SearchDomain.canonical(space.sample(using: &generator))
        for _ in 0..<8 where avoiding.contains(pick) {
            pick = SearchDomain.canonical(space.sample(using: &generator))
        }
        return pick
    }

    /// The candidates closest to `genotype` (by `distance`), one drawn uniformly among ties:
    /// candidates in `avoiding` are passed over while others remain, and with `excludingItself`
    /// so is `genotype`. In a whole space, `genotype` itself.
    public func nearest(to genotype: Genotype, using generator: inout SeededGenerator,
                        avoiding: Set<Genotype> = [], excludingItself: Bool = false) -> Genotype {
        guard let candidates else { return SearchDomain.canonical(genotype) }
        let key = SearchDomain.canonical(genotype)
        func closest(skipping avoid: Set<Genotype>) -> [Int] {
            var best = Int.max
            var ties: [Int] = []
            for (i, candidate) in candidates.enumerated() {
                if excludingItself && candidate == key { continue }
                if avoid.contains(candidate) { continue }
                let d = SearchDomain.canonicalDistance(key, candidate)
                if d < best {
                    best = d
                    ties.removeAll(keepingCapacity: true)
                    ties.append(i)
                } else if d == best {
                    ties.append(i)
                }
            }
            return ties
        }
        var ties = closest(skipping: avoiding)
        if ties.isEmpty && !avoiding.isEmpty { ties = closest(skipping: []) }
        if ties.isEmpty { return key }
        return candidates[ties[generator.nextInt(ties.count)]]
    }

    /// How far apart two genotypes are: differing edges (nb201), differing (op, input) slots of
    /// the canonical forms (darts), differing parameters (chain); `Int.max` across spaces.
    public static func distance(_ a: Genotype, _ b: Genotype) -> Int {
        canonicalDistance(canonical(a), canonical(b))
    }

    /// `distance` of two genotypes already in canonical form.
    static func canonicalDistance(_ a: Genotype, _ b: Genotype) -> Int {
        switch (a, b) {
        case let (.nb201(x), .nb201(y)):
            var d = 0
            for edge in 0..<NB201Architecture.edgeCount where x.ops[edge] != y.ops[edge] { d += 1 }
            return d
        case let (.darts(x), .darts(y)):
            var d = 0
            for cell in DartsGenotype.Cell.allCases {
                let px = x.pairs(cell), py = y.pairs(cell)
                for i in 0..<DartsGenotype.pairCount where px[i] != py[i] { d += 1 }
            }
            return d
        case let (.chain(x), .chain(y)):
            var d = 0
            for (key, value) in x where y[key] != value { d += 1 }
            for key in y.keys where x[key] == nil { d += 1 }
            return d
        default:
            return Int.max
        }
    }
}

extension SearchDomain {
    /// An architecture a user typed or pasted (JSON, a DARTS or an NB201 string), parsed in
    /// `space` and checked against the domain: a restricted domain (a tabular benchmark's
    /// cells) accepts only its candidates.
    public func parseArchitecture(_ text: String, space: SearchSpace) throws -> Genotype {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw SearchError("no architecture given; accepted: a genotype JSON, a DARTS or an NB201 string") }
        let genotype = try space.parse(trimmed)
        guard contains(genotype) else {
            throw SearchError("\(genotype.summary.prefix(80)) is not among the \(summary) this study searches")
        }
        return genotype
    }
}
