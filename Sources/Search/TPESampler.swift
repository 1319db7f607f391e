import Foundation
import NAS
import Tensor

/// The Tree-structured Parzen Estimator, in the manner of Optuna's `TPESampler` with its
/// defaults (independent per-parameter sampling, prior weight 1, magic clip, no endpoints).
///
/// The first `startupTrials` proposals are random. After that, with n finished trials the
/// best gamma(n) = min(ceil(0.1 n), 25) complete trials by fitness form the good side and all
/// others the bad side; pruned and failed trials always go to the bad side (simpler than
/// Optuna, which ranks pruned trials by their last reported value). Each side gets a Parzen
/// estimator per parameter (`TPEParameterSpace`): l(x) from the good side, g(x) from the bad,
/// observations weighted as Optuna weights them (the newest 25 fully, older ones ramped down).
///
/// In a whole space each parameter is chosen on its own: `eiCandidates` values drawn from
/// l(x), the one with the largest l(x)/g(x) kept. In a restricted domain the candidates are
/// scored instead: `eiCandidates` unseen candidates drawn with probability proportional to
/// l(x), the one with the largest l(x)/g(x) proposed.
///
/// Observations are kept per parameter as they arrive and complete trials in fitness order,
/// so a proposal costs O(n) per parameter, with no re-encoding of the history.
public final class TPESampler: SampleStrategy {
    /// TPE's knobs, named after Optuna's.
    public struct Settings: Equatable, Sendable {
        /// Random proposals before TPE takes over (Optuna's n_startup_trials).
        public var startupTrials: Int
        /// Draws from l(x) per choice (Optuna's n_ei_candidates).
        public var eiCandidates: Int
        /// Weight of the prior kernel (Optuna's prior_weight).
        public var priorWeight: Double

        public init(startupTrials: Int = 10, eiCandidates: Int = 24, priorWeight: Double = 1.0) {
            self.startupTrials = startupTrials
            self.eiCandidates = eiCandidates
            self.priorWeight = priorWeight
        }
    }

    public let name = "tpe"
    public let domain: SearchDomain
    public let settings: Settings
    private let space: TPEParameterSpace
    private var ledger = TrialLedger()
    /// Per learnt trial (in learning order): its ranking fitness, nil on the bad side.
    private var fitness: [Double?] = []
    /// Learnt rows of complete trials, best first (earlier rows first on ties).
    private var ranked: [Int] = []
    /// Per parameter, the rows that have it and their encoded values, in row order.
    private var observationRows: [[Int]]
    private var observationValues: [[Double]]
    /// Restricted domains: each candidate's codes (row-major, one per parameter; -1 unknown)
    /// and whether it has been proposed or evaluated.
    private var candidateCodes: [Int] = []
    private var candidateTaken: [Bool] = []
    /// Trials other workers are evaluating (`running(_:)`): constant liars in every proposal.
    private var liars: [(id: Int, genotype: Genotype)] = []

    /// TPE over `domain`, fitted on the finished trials of `history` (taken in id order).
    /// Throws for settings out of range.
    public init(domain: SearchDomain, history: [Trial] = [], settings: Settings = Settings()) throws {
        guard settings.startupTrials >= 0 else {
            throw SearchError("TPE startup trials must be 0 or more; got \(settings.startupTrials)")
        }
        guard settings.eiCandidates >= 1 else {
            throw SearchError("TPE ei candidates must be at least 1; got \(settings.eiCandidates)")
        }
        guard settings.priorWeight > 0, settings.priorWeight.isFinite else {
            throw SearchError("TPE prior weight must be a positive number; got \(settings.priorWeight)")
        }
        self.domain = domain
        self.settings = settings
        self.space = TPEParameterSpace(domain: domain)
        observationRows = Array(repeating: [], count: space.parameters.count)
        observationValues = Array(repeating: [], count: space.parameters.count)
        if let candidates = domain.candidates {
            candidateTaken = Array(repeating: false, count: candidates.count)
            candidateCodes.reserveCapacity(candidates.count * space.parameters.count)
            for candidate in candidates {
                candidateCodes += space.encode(candidate).map { $0.isNaN ? -1 : Int($0) }
            }
        }
        for trial in history.sorted(by: { $0.id < $1.id }) { tell(trial) }
    }

    public func tell(_ trial: Trial) {
        markTaken(trial.genotype)
        guard ledger.learn(trial, spaceName: domain.spaceName) else { return }
        let row = fitness.count
        let value = trial.rankingFitness
        fitness.append(value)
        if let value {
            var lo = 0, hi = ranked.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if fitness[ranked[mid]]! >= value { lo = mid + 1 } else { hi = mid }
            }
            ranked.insert(row, at: lo)
        }
        for (p, x) in space.encode(trial.genotype).enumerated() where !x.isNaN {
            observationRows[p].append(row)
            observationValues[p].append(x)
        }
    }

    /// The trials other workers are evaluating now, replacing the last such list. As Optuna's
    /// `constant_liar` does, each counts as a finished trial with the worst value (the bad
    /// side) in the proposals until it finishes, so parallel workers do not all propose around
    /// the same good trials; their genotypes are marked taken.
    public func running(_ trials: [Trial]) {
        liars = trials.filter { $0.status == .running && $0.genotype.spaceName == domain.spaceName }.map { ($0.id, $0.genotype) }
        for trial in trials { tell(trial) }
    }

    /// How many constant liars the next proposal counts.
    public var liarCount: Int { liars.filter { !ledger.finishedIDs.contains($0.id) }.count }

    public func ask(using generator: inout SeededGenerator) throws -> Genotype {
        let learnt = fitness.count
        let liarRows = learnt < settings.startupTrials ? [] : liars.filter { !ledger.finishedIDs.contains($0.id) }
        // The liars as rows on the bad side for this proposal only (appended, then removed).
        for liar in liarRows {
            let row = fitness.count
            fitness.append(nil)
            for (p, x) in space.encode(liar.genotype).enumerated() where !x.isNaN {
                observationRows[p].append(row)
                observationValues[p].append(x)
            }
        }
        defer {
            if !liarRows.isEmpty {
                fitness.removeLast(fitness.count - learnt)
                for p in observationRows.indices {
                    while let last = observationRows[p].last, last >= learnt {
                        observationRows[p].removeLast()
                        observationValues[p].removeLast()
                    }
                }
            }
        }
        let proposal: Genotype
        if learnt < settings.startupTrials || space.parameters.isEmpty {
            proposal = domain.sample(using: &generator, avoiding: ledger.seen)
        } else if domain.isRestricted {
            proposal = scoreCandidates(split: split(), using: &generator)
        } else {
            proposal = drawFromSpace(split: split(), using: &generator)
        }
        ledger.propose(proposal)
        markTaken(proposal)
        return proposal
    }

    // MARK: the split

    /// The good/bad split of the learnt rows, with the weight each row's observation gets in
    /// its side's estimator when every row has the parameter (Optuna weights by position in
    /// trial order within a side).
    private struct Split {
        var below: [Bool]
        var denseWeights: [Double]
        var goodTotal = 0.0, badTotal = 0.0
        var goodCount = 0, badCount = 0
    }

    private func split() -> Split {
        let n = fitness.count
        var below = [Bool](repeating: false, count: n)
        for row in ranked.prefix(TPEMath.gamma(n)) { below[row] = true }
        var out = Split(below: below, denseWeights: [Double](repeating: 1, count: n))
        out.goodCount = min(TPEMath.gamma(n), ranked.count)
        out.badCount = n - out.goodCount
        var gi = 0, bi = 0
        for row in 0..<n {
            if below[row] {
                let w = TPEMath.weight(position: gi, count: out.goodCount)
                out.denseWeights[row] = w; out.goodTotal += w; gi += 1
            } else {
                let w = TPEMath.weight(position: bi, count: out.badCount)
                out.denseWeights[row] = w; out.badTotal += w; bi += 1
            }
        }
        return out
    }

    public func release(_ genotypes: [Genotype]) {
        for genotype in genotypes where ledger.release(genotype) {
            if !candidateTaken.isEmpty, let i = domain.candidateIndex[SearchDomain.canonical(genotype)] { candidateTaken[i] = false }
        }
    }

    private func markTaken(_ genotype: Genotype) {
        guard !candidateTaken.isEmpty, let i = domain.candidateIndex[SearchDomain.canonical(genotype)] else { return }
        candidateTaken[i] = true
    }

    // MARK: estimators

    private enum Estimator {
        case categorical(CategoricalParzen)
        case numeric(NumericParzen)

        func sample(using generator: inout SeededGenerator) -> Double {
            switch self {
            case .categorical(let e): return Double(e.sample(using: &generator))
            case .numeric(let e): return e.sample(using: &generator)
            }
        }

        func logDensity(_ x: Double) -> Double {
            switch self {
            case .categorical(let e): return e.logProbability[Int(x)]
            case .numeric(let e): return e.logDensity(x)
            }
        }
    }

    /// l(x) and g(x) of parameter `p`.
    private func estimators(_ p: Int, split: Split) -> (good: Estimator, bad: Estimator) {
        let rows = observationRows[p], values = observationValues[p]
        let below = split.below
        switch space.parameters[p].kind {
        case .categorical(let choices):
            var good = [Double](repeating: 0, count: choices), bad = good
            var goodTotal = 0.0, badTotal = 0.0, goodCount = 0, badCount = 0
            if rows.count == below.count {
                // Every row has the parameter: the split's weights apply as they are.
                (goodTotal, badTotal, goodCount, badCount) = (split.goodTotal, split.badTotal, split.goodCount, split.badCount)
                good.withUnsafeMutableBufferPointer { g in
                    bad.withUnsafeMutableBufferPointer { b in
                        values.withUnsafeBufferPointer { v in
                            split.denseWeights.withUnsafeBufferPointer { w in
                                below.withUnsafeBufferPointer { side in
                                    for i in 0..<v.count {
                                        if side[i] { g[Int(v[i])] += w[i] } else { b[Int(v[i])] += w[i] }
                                    }
                                }
                            }
                        }
                    }
                }
            } else {
                for row in rows where below[row] { goodCount += 1 }
                badCount = rows.count - goodCount
                var gi = 0, bi = 0
                for (row, x) in zip(rows, values) {
                    if below[row] {
                        let w = TPEMath.weight(position: gi, count: goodCount)
                        good[Int(x)] += w; goodTotal += w; gi += 1
                    } else {
                        let w = TPEMath.weight(position: bi, count: badCount)
                        bad[Int(x)] += w; badTotal += w; bi += 1
                    }
                }
            }
            return (.categorical(CategoricalParzen(counts: good, totalWeight: goodTotal, observations: goodCount,
                                                   priorWeight: settings.priorWeight)),
                    .categorical(CategoricalParzen(counts: bad, totalWeight: badTotal, observations: badCount,
                                                   priorWeight: settings.priorWeight)))
        case .numeric(let low, let high, let step):
            var good: [Double] = [], bad: [Double] = []
            for (row, x) in zip(rows, values) {
                if below[row] { good.append(x) } else { bad.append(x) }
            }
            func make(_ xs: [Double]) -> Estimator {
                let weights = xs.indices.map { TPEMath.weight(position: $0, count: xs.count) }
                return .numeric(NumericParzen(observations: xs, weights: weights, low: low, high: high, step: step,
                                              priorWeight: settings.priorWeight))
            }
            return (make(good), make(bad))
        }
    }

    // MARK: proposing

    /// Whole space: each parameter the best of `eiCandidates` draws from l(x) by l(x)/g(x);
    /// a few fresh rounds if the result was seen before, then a mutation of it.
    private func drawFromSpace(split: Split, using generator: inout SeededGenerator) -> Genotype {
        var cache = [(good: Estimator, bad: Estimator)?](repeating: nil, count: space.parameters.count)
        func draw(_ generator: inout SeededGenerator) -> Genotype {
            SearchDomain.canonical(space.decode { p in
                if cache[p] == nil { cache[p] = estimators(p, split: split) }
                let (good, bad) = cache[p]!
                var best = good.sample(using: &generator)
                var bestScore = good.logDensity(best) - bad.logDensity(best)
                for _ in 1..<settings.eiCandidates {
                    let x = good.sample(using: &generator)
                    let score = good.logDensity(x) - bad.logDensity(x)
                    if score > bestScore { best = x; bestScore = score }
                }
                return best
            })
        }
        var proposal = draw(&generator)
        for _ in 1..<5 where ledger.seen.contains(proposal) { proposal = draw(&generator) }
        if !ledger.seen.contains(proposal) { return proposal }
        return domain.mutate(proposal, using: &generator, avoiding: ledger.seen)
    }

    /// Restricted domain: `eiCandidates` unseen candidates drawn in proportion to l(x), the
    /// one with the largest l(x)/g(x) returned.
    private func scoreCandidates(split: Split, using generator: inout SeededGenerator) -> Genotype {
        let candidates = domain.candidates!
        let count = space.parameters.count
        var goodTables: [[Double]] = [], badTables: [[Double]] = []
        for p in 0..<count {
            guard case let (.categorical(good), .categorical(bad)) = estimators(p, split: split) else {
                preconditionFailure("restricted domains are categorical")
            }
            goodTables.append(good.logProbability)
            badTables.append(bad.logProbability)
        }
        var eligible = candidates.indices.filter { !candidateTaken[$0] }
        if eligible.isEmpty { eligible = Array(candidates.indices) }
        var logGood = [Double](repeating: 0, count: eligible.count), logBad = logGood
        for (j, i) in eligible.enumerated() {
            var l = 0.0, g = 0.0
            for p in 0..<count {
                let code = candidateCodes[i * count + p]
                if code >= 0 { l += goodTables[p][code]; g += badTables[p][code] }
            }
            logGood[j] = l
            logBad[j] = g
        }
        let top = logGood.max()!
        var running = 0.0
        let cumulative = logGood.map { running += exp($0 - top); return running }
        var best = -1, bestScore = -Double.infinity
        for _ in 0..<settings.eiCandidates {
            let u = generator.nextDouble() * running
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
            }
            let score = logGood[lo] - logBad[lo]
            if best < 0 || score > bestScore { best = lo; bestScore = score }
        }
        return candidates[eligible[best]]
    }
}
