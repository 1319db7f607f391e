import NAS
import Tensor

/// Hyperband (Li et al. 2018): successive-halving brackets of `HyperbandSchedule`, cycled from
/// the most aggressive (many cheap evaluations, the best 1/η promoted rung by rung to the full
/// fidelity) to plain full evaluations, then again.
///
/// New configurations of a bracket's first rung come from `sampler` one at a time, when they are
/// asked for (random search by default; a model-based sampler or a pre-ranked one makes BOHB-like
/// variants); the sampler learns from full-fidelity results only. A rung is complete when every
/// configuration issued for it has been told back; its best ⌊n·η^−(i+1)⌋ by fitness (failed and
/// pruned ones never) go on to the next level. When the open brackets have nothing to issue (their
/// rungs wait for results from other workers), the next bracket opens, so `ask` never blocks.
/// A configuration whose trial never comes back (the storage gave the claim to a queued
/// architecture) leaves its bracket open; later brackets go on.
public final class Hyperband: MultiFidelityStrategy {
    /// The name the command line and snapshots use.
    public static let strategyName = "hyperband"
    public let name = Hyperband.strategyName
    public let schedule: HyperbandSchedule
    /// Where new configurations come from.
    public let sampler: SampleStrategy
    public var domain: SearchDomain { sampler.domain }
    public var levels: [Int] { schedule.levels }
    public var population: [Trial] { sampler.population }

    /// A bracket being run: its current rung, what is still to issue and what is awaited.
    final class Run {
        let bracket: HyperbandSchedule.Bracket
        var rung = 0
        /// Promoted configurations not issued yet (rungs after the first).
        var toIssue: [Genotype] = []
        /// New configurations still to draw (first rung).
        var newLeft: Int
        var outstanding: Set<Genotype> = []
        var results: [(genotype: Genotype, value: Double?, order: Int)] = []
        init(_ bracket: HyperbandSchedule.Bracket) {
            self.bracket = bracket
            newLeft = bracket.rungs[0].configurations
        }
        var level: Int { bracket.rungs[rung].level }
        var hasWork: Bool { newLeft > 0 || !toIssue.isEmpty }
    }

    private(set) var runs: [Run] = []
    /// How many brackets have opened (the next is `schedule.brackets[opened % count]`).
    public private(set) var bracketsOpened = 0
    private var toldIDs: Set<Int> = []
    private var resultOrder = 0

    /// Hyperband over `schedule`, drawing new configurations from `sampler`.
    public init(schedule: HyperbandSchedule, sampler: SampleStrategy) {
        self.schedule = schedule
        self.sampler = sampler
    }

    /// The brackets running now: (s, current rung, its level, configurations awaited).
    public var openBrackets: [(s: Int, rung: Int, level: Int, awaited: Int)] {
        runs.map { ($0.bracket.s, $0.rung, $0.level, $0.outstanding.count) }
    }

    public func ask(using generator: inout SeededGenerator) throws -> Genotype {
        try askWithFidelity(using: &generator).genotype
    }

    public func askWithFidelity(using generator: inout SeededGenerator) throws -> (genotype: Genotype, fidelity: Int) {
        let run: Run
        if let open = runs.first(where: \.hasWork) {
            run = open
        } else {
            let brackets = schedule.brackets
            run = Run(brackets[bracketsOpened % brackets.count])
            bracketsOpened += 1
            runs.append(run)
        }
        let genotype: Genotype
        if !run.toIssue.isEmpty {
            genotype = run.toIssue.removeFirst()
        } else {
            genotype = SearchDomain.canonical(try sampler.ask(using: &generator))
            run.newLeft -= 1
        }
        run.outstanding.insert(genotype)
        return (genotype, run.level)
    }

    public func tell(_ trial: Trial) {
        sampler.tell(trial)
        guard trial.status.isFinished, toldIDs.insert(trial.id).inserted else { return }
        let genotype = SearchDomain.canonical(trial.genotype)
        let level = trial.fidelity ?? schedule.levels.last!
        guard let run = runs.first(where: { $0.level == level && $0.outstanding.contains(genotype) }) else { return }
        run.outstanding.remove(genotype)
        let value = trial.status == .complete ? (trial.fitness ?? trial.accuracy).flatMap { $0.isFinite ? $0 : nil } : nil
        run.results.append((genotype, value, resultOrder))
        resultOrder += 1
        if run.outstanding.isEmpty && !run.hasWork { finishRung(run) }
    }

    /// Promotes the best of a complete rung to the next, or closes the bracket after its last rung.
    private func finishRung(_ run: Run) {
        let next = run.rung + 1
        let ranked = run.results.compactMap { r in r.value.map { (r.genotype, $0, r.order) } }
            .sorted { ($0.1, -$0.2) > ($1.1, -$1.2) }
        guard next < run.bracket.rungs.count, !ranked.isEmpty else {
            runs.removeAll { $0 === run }
            return
        }
        run.rung = next
        run.results = []
        run.toIssue = ranked.prefix(run.bracket.rungs[next].configurations).map(\.0)
    }
}
