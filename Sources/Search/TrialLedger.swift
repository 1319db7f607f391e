import NAS

/// A strategy's memory of what has been proposed or evaluated: the canonical genotypes seen
/// (to avoid duplicates) and the ids of finished trials already learnt from (so a trial told
/// twice, or told after being in the history, counts once).
struct TrialLedger {
    private(set) var seen: Set<Genotype> = []
    private(set) var finishedIDs: Set<Int> = []

    /// Notes a proposal.
    mutating func propose(_ genotype: Genotype) {
        seen.insert(SearchDomain.canonical(genotype))
    }

    /// Notes `trial`; true when it is a finished full-fidelity trial of `spaceName` not learnt
    /// from before, i.e. one the strategy should learn from now. A low-fidelity trial only marks
    /// its genotype as taken (its accuracy does not compare with full ones).
    mutating func learn(_ trial: Trial, spaceName: String) -> Bool {
        guard trial.genotype.spaceName == spaceName else { return false }
        seen.insert(SearchDomain.canonical(trial.genotype))
        guard trial.status.isFinished, !trial.isLowFidelity else { return false }
        return finishedIDs.insert(trial.id).inserted
    }
}
