import NAS

/// A strategy's memory of what has been proposed or evaluated: the canonical genotypes seen
/// (to avoid duplicates) and the ids of finished trials already learnt from (so a trial told
/// twice, or told after being in the history, counts once).
struct TrialLedger {
    private(set) var seen: Set<Genotype> = []
    private(set) var finishedIDs: Set<Int> = []
    /// Genotypes of trials told (running or finished): never released.
    private var told: Set<Genotype> = []

    /// Notes a proposal.
    mutating func propose(_ genotype: Genotype) {
        seen.insert(SearchDomain.canonical(genotype))
    }

    /// Forgets a proposal nobody evaluated (a pre-ranker's rejected candidate), so it may be
    /// proposed again; a genotype of a told trial stays seen. Returns whether it was forgotten.
    @discardableResult
    mutating func release(_ genotype: Genotype) -> Bool {
        let key = SearchDomain.canonical(genotype)
        guard !told.contains(key) else { return false }
        return seen.remove(key) != nil
    }

    /// Notes `trial`; true when it is a finished full-fidelity trial of `spaceName` not learnt
    /// from before, i.e. one the strategy should learn from now. A low-fidelity trial only marks
    /// its genotype as taken (its accuracy does not compare with full ones).
    mutating func learn(_ trial: Trial, spaceName: String) -> Bool {
        guard trial.genotype.spaceName == spaceName else { return false }
        seen.insert(SearchDomain.canonical(trial.genotype))
        told.insert(SearchDomain.canonical(trial.genotype))
        guard trial.status.isFinished, !trial.isLowFidelity else { return false }
        return finishedIDs.insert(trial.id).inserted
    }
}
