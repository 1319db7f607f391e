import NAS
import Tensor

/// Random search: every proposal drawn uniformly from the domain, skipping genotypes already
/// proposed or evaluated while unseen ones are easy to find.
public final class RandomSearch: SampleStrategy {
    public let name = "random"
    public let domain: SearchDomain
    private var ledger = TrialLedger()

    /// Random search over `domain`; `history` only marks genotypes as taken.
    public init(domain: SearchDomain, history: [Trial] = []) {
        self.domain = domain
        for trial in history { _ = ledger.learn(trial, spaceName: domain.spaceName) }
    }

    public func ask(using generator: inout SeededGenerator) throws -> Genotype {
        let genotype = domain.sample(using: &generator, avoiding: ledger.seen)
        ledger.propose(genotype)
        return genotype
    }

    public func release(_ genotypes: [Genotype]) {
        for genotype in genotypes { ledger.release(genotype) }
    }

    public func tell(_ trial: Trial) {
        _ = ledger.learn(trial, spaceName: domain.spaceName)
    }
}
