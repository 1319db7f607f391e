import NAS
import Tensor
import XCTest
@testable import Search

/// Regularized evolution with the tournament as large as the population (S = P) climbs from
/// the best trial: every child is an unseen one-edge neighbour of the fittest member.
final class EvolutionHillClimbTests: XCTestCase {
    func testWithSEqualToPEveryChildNeighboursTheBest() throws {
        let domain = try SearchDomain(candidates: NB201Architecture.all.map(Genotype.nb201))
        let evolution = try RegularizedEvolution(domain: domain, populationSize: 4, sampleSize: 4)
        var generator = SeededGenerator(seed: 11)
        var id = 0
        func evaluate(_ genotype: Genotype) {
            var trial = Trial(id: id, genotype: genotype, strategy: "evolution")
            trial.complete(with: Evaluation(accuracy: pseudoScore(genotype)))
            evolution.tell(trial)
            id += 1
        }
        for _ in 0..<4 { evaluate(try evolution.ask(using: &generator)) }
        var children: Set<Genotype> = []
        for _ in 0..<10 {
            let best = try XCTUnwrap(evolution.population.max { $0.rankingFitness! < $1.rankingFitness! })
            let child = try evolution.ask(using: &generator)
            XCTAssertEqual(SearchDomain.canonicalDistance(child, best.genotype), 1, "a neighbour of the best")
            XCTAssertTrue(children.insert(child).inserted, "never proposed twice")
            evaluate(child)
        }
    }
}
