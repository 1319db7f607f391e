import NAS
import Tensor
import XCTest
@testable import Search

final class StrategyTests: XCTestCase {
    let nb201 = SearchDomain(space: .nb201(channels: 16, cellsPerStage: 5))
    let darts = SearchDomain(space: .darts(channels: 16, layers: 5))

    func testEvolutionImprovesOnItsInitialPopulationNB201() throws {
        var initial = 0.0, final = 0.0
        for seed in UInt64(1)...5 {
            let evolution = try RegularizedEvolution(domain: nb201, populationSize: 10, sampleSize: 3)
            let trials = try runSearch(evolution, budget: 100, seed: seed, objective: conv3x3Share)
            let start = bestFitness(Array(trials.prefix(10))), end = bestFitness(trials)
            XCTAssertGreaterThan(end, start, "seed \(seed)")
            initial += start / 5
            final += end / 5
        }
        XCTAssertGreaterThanOrEqual(final, 0.8, "mean best \(final) from initial \(initial)")
    }

    func testEvolutionImprovesOnItsInitialPopulationDarts() throws {
        for seed in UInt64(1)...3 {
            for crossover in [false, true] {
                let evolution = try RegularizedEvolution(domain: darts, populationSize: 20, sampleSize: 5, crossover: crossover)
                let trials = try runSearch(evolution, budget: 150, seed: seed, objective: sepConvShare)
                let start = bestFitness(Array(trials.prefix(20))), end = bestFitness(trials)
                XCTAssertGreaterThan(end, start + 0.2, "seed \(seed), crossover \(crossover)")
                XCTAssertEqual(evolution.population.count, 20)
            }
        }
    }

    func testEvolutionAgesOutTheOldest() throws {
        let evolution = try RegularizedEvolution(domain: nb201, populationSize: 4, sampleSize: 2)
        let trials = try runSearch(evolution, budget: 9, seed: 3, objective: conv3x3Share)
        XCTAssertEqual(evolution.population.map(\.id), Array(trials.suffix(4)).map(\.id))
    }

    func testEvolutionSizesItselfForTheBudget() throws {
        XCTAssertTrue(RegularizedEvolution.sizes(forBudget: 40) == (10, 3))
        XCTAssertTrue(RegularizedEvolution.sizes(forBudget: 500) == (20, 5))
        let short = try XCTUnwrap(try SampleStrategies.make("evolution", domain: nb201, budget: 40) as? RegularizedEvolution)
        XCTAssertEqual([short.populationSize, short.sampleSize], [10, 3])
        let plain = try XCTUnwrap(try SampleStrategies.make("evolution", domain: nb201) as? RegularizedEvolution)
        XCTAssertEqual([plain.populationSize, plain.sampleSize], [20, 5])
    }

    func testEvolutionRejectsBadSettings() {
        XCTAssertThrowsError(try RegularizedEvolution(domain: nb201, populationSize: 3, sampleSize: 5)) { error in
            XCTAssertTrue("\(error)".contains("1...3"), "\(error)")
        }
        XCTAssertThrowsError(try RegularizedEvolution(domain: nb201, populationSize: 0))
    }

    func testEvolutionSeedsItsPopulationFromTheBestOfTheHistory() throws {
        let random = RandomSearch(domain: nb201)
        var history = try runSearch(random, budget: 30, seed: 9, objective: conv3x3Share)
        history[3].status = .pruned
        var generator = SeededGenerator(seed: 1)
        history.append(Trial(id: 30, genotype: nb201.sample(using: &generator), strategy: "random"))
        let evolution = try RegularizedEvolution(domain: nb201, history: history.shuffled(), populationSize: 10, sampleSize: 3)
        let expected = history.filter { $0.status == .complete }
            .sorted { ($0.rankingFitness!, -$0.id) > ($1.rankingFitness!, -$1.id) }
            .prefix(10).map(\.id).sorted()
        XCTAssertEqual(evolution.population.map(\.id), expected)
        // A population that is full already: the first proposal is a mutation of a member.
        let child = try evolution.ask(using: &generator)
        XCTAssertTrue(evolution.population.contains { SearchDomain.distance($0.genotype, child) == 1 })
    }

    func testTPEBeatsRandomOnAToyObjective() throws {
        var tpeMean = 0.0, randomMean = 0.0
        let seeds = UInt64(1)...6
        for seed in seeds {
            let tpe = try TPESampler(domain: nb201)
            tpeMean += bestFitness(try runSearch(tpe, budget: 40, seed: seed, objective: conv3x3Share)) / Double(seeds.count)
            let random = RandomSearch(domain: nb201)
            randomMean += bestFitness(try runSearch(random, budget: 40, seed: seed, objective: conv3x3Share)) / Double(seeds.count)
        }
        XCTAssertGreaterThan(tpeMean, randomMean + 0.1, "TPE \(tpeMean) vs random \(randomMean)")
    }

    func testTPEOnDartsProposesValidImprovingGenotypes() throws {
        let tpe = try TPESampler(domain: darts)
        let trials = try runSearch(tpe, budget: 60, seed: 4, objective: sepConvShare)
        XCTAssertGreaterThan(bestFitness(Array(trials.suffix(20))), bestFitness(Array(trials.prefix(10))))
        XCTAssertEqual(Set(trials.map(\.genotype)).count, trials.count, "no duplicates")
    }

    func testTPEOnAChainSpaceRespectsTheSpace() throws {
        let chain = try ChainSpace(parsing: mlpSpaceText, file: "mlp.toml")
        let domain = SearchDomain(space: .chain(chain))
        // Best near lr = 1e-2 with two layers.
        func objective(_ genotype: Genotype) -> Double? {
            guard case .chain(let values) = genotype, let lr = values["train.lr"]?.doubleValue,
                  let depth = values["hidden.repeat"]?.intValue else { return nil }
            return 1 / (1 + abs(log10(lr) + 2)) - (depth == 2 ? 0 : 0.2)
        }
        for name in SampleStrategies.names {
            let strategy = try SampleStrategies.make(name, domain: domain)
            let trials = try runSearch(strategy, budget: 40, seed: 5, objective: objective)
            for trial in trials {
                guard case .chain(let values) = trial.genotype else { return XCTFail("not a chain genotype") }
                XCTAssertNoThrow(try chain.validate(values), "\(name): \(values)")
            }
        }
        var tpeMean = 0.0, randomMean = 0.0
        for seed in UInt64(1)...4 {
            tpeMean += bestFitness(try runSearch(try TPESampler(domain: domain), budget: 40, seed: seed, objective: objective))
            randomMean += bestFitness(try runSearch(RandomSearch(domain: domain), budget: 40, seed: seed, objective: objective))
        }
        XCTAssertGreaterThan(tpeMean, randomMean, "TPE \(tpeMean / 4) vs random \(randomMean / 4)")
    }

    func testRestrictedDomainsNeverLeaveTheCandidateSet() throws {
        var generator = SeededGenerator(seed: 11)
        let nbCandidates = (0..<50).map { _ in Genotype.nb201(NB201Architecture.random(using: &generator)) }
        let dartsCandidates = (0..<30).map { _ in Genotype.darts(DartsGenotype.random(using: &generator)) }
        let chain = try ChainSpace(parsing: mlpSpaceText, file: "mlp.toml")
        let chainCandidates = (0..<30).map { _ in Genotype.chain(chain.sample(using: &generator)) }
        for candidates in [nbCandidates, dartsCandidates, chainCandidates] {
            let domain = try SearchDomain(candidates: candidates)
            let objective: (Genotype) -> Double? = pseudoScore
            let strategies: [SampleStrategy] = [
                RandomSearch(domain: domain),
                try RegularizedEvolution(domain: domain, populationSize: 8, sampleSize: 3),
                try RegularizedEvolution(domain: domain, populationSize: 8, sampleSize: 3, crossover: true),
                try TPESampler(domain: domain, settings: .init(startupTrials: 5)),
            ]
            for strategy in strategies {
                let trials = try runSearch(strategy, budget: domain.candidates!.count + 10, seed: 2, objective: objective)
                for trial in trials {
                    XCTAssertTrue(domain.contains(trial.genotype), "\(strategy.name) left the set: \(trial.genotype.summary)")
                }
                let firstPass = trials.prefix(domain.candidates!.count).map(\.genotype)
                XCTAssertEqual(Set(firstPass).count, firstPass.count, "\(strategy.name) repeated a candidate")
            }
        }
    }

    func testRestrictedMutationMovesToTheNearestCandidates() throws {
        let base = try NB201Architecture(index: 0)
        let near = base.replacing(edge: 2, with: .norConv3x3)
        let twoAway = base.replacing(edge: 0, with: .skipConnect).replacing(edge: 1, with: .skipConnect)
        let far = try NB201Architecture(index: NB201Architecture.spaceSize - 1)
        let domain = try SearchDomain(candidates: [.nb201(base), .nb201(near), .nb201(twoAway), .nb201(far)])
        var generator = SeededGenerator(seed: 1)
        XCTAssertEqual(domain.mutate(.nb201(base), using: &generator), .nb201(near))
        XCTAssertEqual(domain.mutate(.nb201(base), using: &generator, avoiding: [.nb201(near)]), .nb201(twoAway))
        // Not a candidate: the nearest candidate (distance 1 from `near`'s neighbour).
        let outside = near.replacing(edge: 5, with: .avgPool3x3)
        XCTAssertEqual(domain.nearest(to: .nb201(outside), using: &generator), .nb201(near))
    }

    /// Sampling a candidate set seven-eighths seen (rejection draws, then the filter as a last
    /// resort) returns only unseen candidates, each about equally often.
    func testSamplingAMostlySeenCandidateSetIsUniformOverTheUnseen() throws {
        let candidates = try (0..<160).map { Genotype.nb201(try NB201Architecture(index: $0 * 97)) }
        let domain = try SearchDomain(candidates: candidates)
        let seen = Set(candidates.prefix(140))
        var generator = SeededGenerator(seed: 3)
        var counts: [Genotype: Int] = [:]
        for _ in 0..<4000 { counts[domain.sample(using: &generator, avoiding: seen), default: 0] += 1 }
        XCTAssertEqual(Set(counts.keys), Set(candidates.suffix(20)), "every unseen candidate, and only those")
        for (genotype, count) in counts { XCTAssertTrue((130...270).contains(count), "\(genotype.summary): \(count) of 4000, expected about 200") }
        XCTAssertEqual(domain.sample(using: &generator, avoiding: Set(candidates)).spaceName, "nb201", "all seen: any candidate")
    }

    func testCandidateSetsAreCheckedAndDeduplicated() throws {
        XCTAssertThrowsError(try SearchDomain(candidates: []))
        XCTAssertThrowsError(try SearchDomain(candidates: [.nb201(try NB201Architecture(index: 1)), .darts(.dartsV1)])) { error in
            XCTAssertTrue("\(error)".contains("candidate 2"), "\(error)")
        }
        func swapPairs(_ edges: [DartsGenotype.Edge]) -> [DartsGenotype.Edge] { edges.indices.map { edges[$0 ^ 1] } }
        let v2 = DartsGenotype.dartsV2
        let swapped = try DartsGenotype(normal: swapPairs(v2.normal), reduce: swapPairs(v2.reduce))
        XCTAssertNotEqual(swapped, v2)
        let domain = try SearchDomain(candidates: [.darts(.dartsV2), .darts(swapped)])
        XCTAssertEqual(domain.candidates?.count, 1, "pair order inside a node does not make a new genotype")
        XCTAssertTrue(domain.contains(.darts(swapped)))
    }

    func testSameSeedGivesTheSameProposals() throws {
        let chain = try ChainSpace(parsing: mlpSpaceText, file: "mlp.toml")
        let domains = [nb201, darts, SearchDomain(space: .chain(chain))]
        for domain in domains {
            for name in SampleStrategies.names {
                func proposals() throws -> [Genotype] {
                    let strategy = try SampleStrategies.make(name, domain: domain)
                    return try runSearch(strategy, budget: 30, seed: 77, objective: pseudoScore).map(\.genotype)
                }
                XCTAssertEqual(try proposals(), try proposals(), "\(name) on \(domain.summary)")
            }
        }
    }

    func testStrategiesCarryTheHistoryOnASwitch() throws {
        var generator = SeededGenerator(seed: 5)
        let candidates = (0..<40).map { _ in Genotype.nb201(NB201Architecture.random(using: &generator)) }
        let domain = try SearchDomain(candidates: candidates)
        let history = try runSearch(RandomSearch(domain: domain), budget: 30, seed: 1, objective: conv3x3Share)
        let seen = Set(history.map(\.genotype))
        for name in SampleStrategies.names {
            let strategy = try SampleStrategies.make(name, domain: domain, history: history)
            let next = try runSearch(strategy, budget: 10, seed: 2, history: history, objective: conv3x3Share)
            XCTAssertTrue(next.allSatisfy { !seen.contains($0.genotype) }, "\(name) repeated a history genotype")
        }
        XCTAssertThrowsError(try SampleStrategies.make("darts", domain: domain)) { error in
            XCTAssertTrue("\(error)".contains("gradient-based"), "\(error)")
        }
        XCTAssertThrowsError(try SampleStrategies.make("bohb", domain: domain)) { error in
            XCTAssertTrue("\(error)".contains("random, evolution, tpe"), "\(error)")
        }
    }

    func testFailedAndPrunedTrialsAreLearntOnceAndKeptOutOfThePopulation() throws {
        let evolution = try RegularizedEvolution(domain: nb201, populationSize: 3, sampleSize: 2)
        var generator = SeededGenerator(seed: 8)
        var trial = Trial(id: 0, genotype: try evolution.ask(using: &generator), strategy: "evolution")
        trial.status = .pruned
        evolution.tell(trial)
        trial.status = .failed
        evolution.tell(trial)
        XCTAssertTrue(evolution.population.isEmpty)
        trial = Trial(id: 1, genotype: try evolution.ask(using: &generator), strategy: "evolution")
        trial.complete(with: Evaluation(accuracy: 0.5))
        evolution.tell(trial)
        evolution.tell(trial)
        XCTAssertEqual(evolution.population.map(\.id), [1])
    }
}
