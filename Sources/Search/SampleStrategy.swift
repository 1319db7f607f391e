import NAS
import Tensor

/// A sample-based search strategy: it proposes candidates (`ask`) and learns from finished
/// trials (`tell`). Strategies never touch threads, locks or storage; the engine drives them.
///
/// Every strategy is built from the trials so far (any strategy's, in any order) and a
/// `SearchDomain`, so switching strategy mid-run carries knowledge over: evolution seeds its
/// population from the best trials, TPE fits on all of them, random search avoids them.
/// Trials of another space than the domain's are ignored.
public protocol SampleStrategy: AnyObject {
    /// "random", "evolution" or "tpe": the name the command line and snapshots use.
    var name: String { get }
    /// Where the strategy proposes.
    var domain: SearchDomain { get }
    /// Proposes the next candidate, drawing all randomness from `generator` (same generator
    /// state and same trials told → same proposal). Avoids already-evaluated genotypes where a
    /// few retries can.
    func ask(using generator: inout SeededGenerator) throws -> Genotype
    /// Learns from a finished trial (complete, pruned or failed); running trials only mark
    /// their genotype as taken. Telling the same trial id twice has no further effect.
    func tell(_ trial: Trial)
    /// Takes back proposals that were never evaluated (a pre-ranker's rejected candidates), so
    /// they may be proposed again. Genotypes of trials told stay taken.
    func release(_ genotypes: [Genotype])
    /// The trials the strategy currently builds on (evolution's population, oldest first);
    /// empty for strategies without one.
    var population: [Trial] { get }
}

extension SampleStrategy {
    public var population: [Trial] { [] }
    public func release(_ genotypes: [Genotype]) {}

    /// The heatmap's op frequencies for this strategy: over its population when it has one,
    /// else over the `top` best complete trials of `history`.
    public func operationFrequencies(history: [Trial], top: Int = 20) -> OperationFrequencies? {
        let current = population
        if !current.isEmpty { return Search.operationFrequencies(trials: current, top: current.count) }
        return Search.operationFrequencies(trials: history, top: top)
    }
}

/// Builds sample-based strategies by name.
public enum SampleStrategies {
    /// The names `make` accepts.
    public static let names = ["random", "evolution", "tpe"]

    /// The strategy called `name` with its default settings, over `domain`, knowing `history`.
    /// With the run's total `budget`, evolution sizes its population for it
    /// (`RegularizedEvolution.sizes(forBudget:)`).
    /// `evolutionSizes` sets P and S outright (S = P: always the best as parent, a hill climb).
    public static func make(_ name: String, domain: SearchDomain, history: [Trial] = [],
                            budget: Int? = nil, evolutionSizes: (population: Int, sample: Int)? = nil) throws -> SampleStrategy {
        switch name {
        case "random": return RandomSearch(domain: domain, history: history)
        case "evolution":
            let sizes = evolutionSizes ?? budget.map(RegularizedEvolution.sizes(forBudget:)) ?? (population: 20, sample: 5)
            return try RegularizedEvolution(domain: domain, history: history, populationSize: sizes.population,
                                            sampleSize: sizes.sample)
        case "tpe": return try TPESampler(domain: domain, history: history)
        case "darts":
            throw SearchError("'darts' is the gradient-based strategy, not a sample-based one; "
                + "sample-based strategies: \(names.joined(separator: ", "))")
        default:
            throw SearchError("unknown strategy '\(name)'; sample-based strategies: \(names.joined(separator: ", "))")
        }
    }
}
