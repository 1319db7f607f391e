import Dispatch
import NAS
import Tensor

/// Zero-cost pre-ranking (Abdelfattah et al. 2021): for every proposal, asks the wrapped
/// strategy for `poolSize` candidates, scores each untrained network with synflow (no data; the
/// network built as it would be trained, weights seeded 0) and proposes the best, so only the
/// most promising of many candidates is trained. Candidates not chosen count as proposed for the
/// wrapped strategy (it will not offer them again); results are told to it unchanged.
public final class ZeroCostPreRanking: SampleStrategy {
    /// The strategy whose proposals are ranked.
    public let inner: SampleStrategy
    /// Candidates scored per proposal.
    public let poolSize: Int
    /// A zero-cost warm start: only this many proposals are pre-ranked, later ones are the
    /// wrapped strategy's own (nil: every proposal). Synflow finds the region of good cells;
    /// the strategy's own moves then refine there, where synflow would keep steering to the
    /// cells with the most convolutions instead.
    public let warmStart: Int?
    /// Proposals pre-ranked so far.
    public private(set) var rankedProposals = 0
    /// Candidates scored and not chosen during a warm start: released to the wrapped strategy when
    /// it ends, so its own moves may reach them (a cell beside the best may have lost its pool).
    private var rejected: [Genotype] = []
    /// [C, H, W] of one input image and the class count of the networks scored.
    public let inputShape: [Int]
    public let classes: Int
    private let space: SearchSpace
    /// The log-synflow scores of the last pool, in the order asked (for the log and tests).
    public private(set) var lastScores: [(genotype: Genotype, logSynflow: Double)] = []
    /// Wall time of the last `ask` (building and scoring the pool), in seconds.
    public private(set) var lastSeconds = 0.0

    public var name: String { inner.name }
    public var domain: SearchDomain { inner.domain }
    public var population: [Trial] { inner.population }

    /// Ranks `inner`'s proposals in pools of `poolSize` (at least 1). Throws when the domain
    /// does not name the space its networks are built from.
    public init(_ inner: SampleStrategy, poolSize: Int, inputShape: [Int], classes: Int, warmStart: Int? = nil) throws {
        guard let space = inner.domain.space else {
            throw SearchError("zero-cost pre-ranking needs to build the candidates' networks; the \(inner.domain.spaceName) candidates have no space to build them in")
        }
        guard poolSize >= 1 else { throw SearchError("pre-ranking pool of \(poolSize); accepted: 1 or more candidates") }
        self.inner = inner
        self.poolSize = poolSize
        guard warmStart.map({ $0 >= 0 }) ?? true else {
            throw SearchError("pre-ranking warm start of \(warmStart!) proposals; accepted: 0 or more")
        }
        self.warmStart = warmStart
        self.inputShape = inputShape
        self.classes = classes
        self.space = space
    }

    public func ask(using generator: inout SeededGenerator) throws -> Genotype {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { lastSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        lastScores = []
        if let warmStart, rankedProposals >= warmStart {
            if !rejected.isEmpty { inner.release(rejected); rejected = [] }
            return try inner.ask(using: &generator)
        }
        rankedProposals += 1
        var best: (genotype: Genotype, score: Double)?
        for _ in 0..<poolSize {
            let candidate = try inner.ask(using: &generator)
            if lastScores.contains(where: { $0.genotype == candidate }) { continue }
            var weights = SeededGenerator(seed: 0)
            let network = try space.build(candidate, inputShape: inputShape, classes: classes, generator: &weights)
            let score = try ZeroCostProxy.logSynflow(model: network, inputShape: inputShape)
            lastScores.append((candidate, score))
            if best == nil || score > best!.score { best = (candidate, score) }
        }
        if warmStart != nil { rejected += lastScores.map(\.genotype).filter { $0 != best!.genotype } }
        return best!.genotype
    }

    public func tell(_ trial: Trial) { inner.tell(trial) }
    public func release(_ genotypes: [Genotype]) { inner.release(genotypes) }
}
