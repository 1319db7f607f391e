import NAS
import Tensor

/// Regularized (aging) evolution, after Real et al., "Regularized Evolution for Image
/// Classifier Architecture Search" (2019).
///
/// Until the population holds `populationSize` trials, proposals are random. Then each
/// proposal is a mutation of a tournament winner: `sampleSize` members drawn uniformly (with
/// replacement, as in the paper's code), the fittest is the parent, and the child differs by one
/// op or one input edge (NAS's single mutations; in a restricted domain, the nearest unseen
/// candidate). With `crossover`, two tournament winners are first crossed uniformly, then the
/// child is mutated. Every complete trial told joins the population and the oldest member
/// leaves (aging); pruned and failed trials do not join.
///
/// Switching in mid-run, the population starts as the best min(P, n) complete trials of the
/// history, ordered by id (oldest first, so the oldest leave first).
public final class RegularizedEvolution: SampleStrategy {
    public let name = "evolution"
    public let domain: SearchDomain
    /// P: members kept.
    public let populationSize: Int
    /// S: members drawn per tournament.
    public let sampleSize: Int
    /// Whether children come from uniform crossover of two winners before mutation.
    public let crossover: Bool
    /// The current population, oldest first.
    public private(set) var population: [Trial]
    private var ledger = TrialLedger()

    /// Evolution over `domain` with population P and tournament size S (defaults P=20, S=5;
    /// see `sizes(forBudget:)` for short runs). Throws unless 1 <= S <= P.
    public init(domain: SearchDomain, history: [Trial] = [], populationSize: Int = 20, sampleSize: Int = 5,
                crossover: Bool = false) throws {
        guard populationSize >= 1 else {
            throw SearchError("evolution population size must be at least 1; got \(populationSize)")
        }
        guard (1...populationSize).contains(sampleSize) else {
            throw SearchError("evolution tournament sample size must be in 1...\(populationSize) (the population "
                + "size); got \(sampleSize)")
        }
        self.domain = domain
        self.populationSize = populationSize
        self.sampleSize = sampleSize
        self.crossover = crossover
        var complete: [Trial] = []
        for trial in history where ledger.learn(trial, spaceName: domain.spaceName) {
            if trial.rankingFitness != nil { complete.append(trial) }
        }
        complete.sort { ($0.rankingFitness!, -$0.id) > ($1.rankingFitness!, -$1.id) }
        population = complete.prefix(populationSize).sorted { $0.id < $1.id }
    }

    /// Population and tournament sizes for a run of `budget` trials: P=10, S=3 (NAS-Bench-201's
    /// REA setting) below 100 trials, so evolution starts after 10 random trials; P=20, S=5
    /// from 100 on. On the NB201 subset benchmark (300 seeds) the two tie at 40 trials and
    /// 20/5 leads at 100 and 200.
    public static func sizes(forBudget budget: Int) -> (population: Int, sample: Int) {
        budget < 100 ? (10, 3) : (20, 5)
    }

    public func ask(using generator: inout SeededGenerator) throws -> Genotype {
        let child: Genotype
        if population.count < populationSize {
            child = domain.sample(using: &generator, avoiding: ledger.seen)
        } else if crossover {
            let a = tournament(using: &generator), b = tournament(using: &generator)
            let mixed = domain.crossover(a.genotype, b.genotype, using: &generator)
            child = domain.mutate(mixed, using: &generator, avoiding: ledger.seen)
        } else {
            let parent = tournament(using: &generator)
            child = domain.mutate(parent.genotype, using: &generator, avoiding: ledger.seen)
        }
        ledger.propose(child)
        return child
    }

    public func release(_ genotypes: [Genotype]) {
        for genotype in genotypes { ledger.release(genotype) }
    }

    public func tell(_ trial: Trial) {
        guard ledger.learn(trial, spaceName: domain.spaceName), trial.rankingFitness != nil else { return }
        population.append(trial)
        if population.count > populationSize { population.removeFirst(population.count - populationSize) }
    }

    /// The fittest of `sampleSize` members drawn with replacement (the earliest drawn on ties).
    /// With S = P the tournament is the whole population: the fittest member (the oldest on
    /// ties), so evolution climbs from the best trial, one unseen neighbour at a time.
    private func tournament(using generator: inout SeededGenerator) -> Trial {
        if sampleSize == populationSize {
            return population.reduce(population[0]) { $1.rankingFitness! > $0.rankingFitness! ? $1 : $0 }
        }
        var best = population[generator.nextInt(population.count)]
        for _ in 1..<sampleSize {
            let contender = population[generator.nextInt(population.count)]
            if contender.rankingFitness! > best.rankingFitness! { best = contender }
        }
        return best
    }
}
