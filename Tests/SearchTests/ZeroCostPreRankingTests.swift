import XCTest
import NAS
@testable import Search
import Tensor

/// Pre-ranking proposes, of each pool of the wrapped strategy's candidates, the one with the
/// highest synflow, scored on the network as it would be built for training.
final class ZeroCostPreRankingTests: XCTestCase {
    let space = SearchSpace.nb201(channels: 4, cellsPerStage: 1)
    let input = [3, 8, 8]

    func testEachProposalIsTheBestScoredOfItsPool() throws {
        let strategy = try ZeroCostPreRanking(RandomSearch(domain: SearchDomain(space: space)), poolSize: 6, inputShape: input, classes: 10)
        var generator = SeededGenerator(seed: 3)
        var proposals: Set<Genotype> = []
        for _ in 0..<4 {
            let proposal = try strategy.ask(using: &generator)
            proposals.insert(proposal)
            XCTAssertEqual(strategy.lastScores.count, 6)
            let best = try XCTUnwrap(strategy.lastScores.max { $0.logSynflow < $1.logSynflow })
            XCTAssertEqual(proposal, best.genotype)
            // The score is synflow of the network built with weights seeded 0.
            var weights = SeededGenerator(seed: 0)
            let network = try space.build(proposal, inputShape: input, classes: 10, generator: &weights)
            XCTAssertEqual(try ZeroCostProxy.logSynflow(model: network, inputShape: input), best.logSynflow, accuracy: 1e-9)
        }
        XCTAssertEqual(proposals.count, 4, "candidates already scored are not offered again")
    }

    func testACellWithoutAPathFromInputToOutputIsNeverChosenOverOneWithAConvolution() throws {
        let dead = try NB201Architecture(nb201String: "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
        let conv = try NB201Architecture(nb201String: "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|nor_conv_3x3~2|")
        let domain = try SearchDomain(candidates: [.nb201(dead), .nb201(conv)], space: space)
        let strategy = try ZeroCostPreRanking(RandomSearch(domain: domain), poolSize: 2, inputShape: input, classes: 10)
        var generator = SeededGenerator(seed: 0)
        XCTAssertEqual(try strategy.ask(using: &generator), .nb201(conv))
        XCTAssertEqual(strategy.lastScores.count, 2)
    }

    /// A warm start pre-ranks the first proposals only; then the wrapped strategy proposes alone,
    /// drawing exactly what it would have drawn unwrapped from the same generator state.
    func testAWarmStartPreRanksOnlyTheFirstProposals() throws {
        let strategy = try ZeroCostPreRanking(RandomSearch(domain: SearchDomain(space: space)), poolSize: 4, inputShape: input,
                                              classes: 10, warmStart: 2)
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<2 {
            _ = try strategy.ask(using: &generator)
            XCTAssertEqual(strategy.lastScores.count, 4)
        }
        XCTAssertEqual(strategy.rankedProposals, 2)
        var copy = generator
        let plain = RandomSearch(domain: SearchDomain(space: space))
        let own = try plain.ask(using: &copy)
        let third = try strategy.ask(using: &generator)
        XCTAssertTrue(strategy.lastScores.isEmpty, "not scored")
        XCTAssertEqual(strategy.rankedProposals, 2)
        XCTAssertEqual(third, own, "the wrapped strategy's own proposal")
        XCTAssertThrowsError(try ZeroCostPreRanking(RandomSearch(domain: SearchDomain(space: space)), poolSize: 4, inputShape: input,
                                                    classes: 10, warmStart: -1)) {
            XCTAssertTrue("\($0)".contains("warm start of -1 proposals; accepted: 0 or more"), "\($0)")
        }
    }

    /// Candidates that lost their pool during a warm start are given back to the wrapped strategy
    /// when it ends: a cell next to the best may have lost to one with more convolutions.
    func testTheWarmStartsRejectedCandidatesAreReleased() throws {
        let cells = try ["|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|nor_conv_3x3~2|",
                         "|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|none~0|none~1|nor_conv_3x3~2|",
                         "|nor_conv_1x1~0|+|none~0|none~1|+|none~0|none~1|nor_conv_1x1~2|"].map { Genotype.nb201(try NB201Architecture(nb201String: $0)) }
        for inner in [RandomSearch(domain: try SearchDomain(candidates: cells, space: space)) as SampleStrategy,
                      try TPESampler(domain: try SearchDomain(candidates: cells, space: space)),
                      try RegularizedEvolution(domain: try SearchDomain(candidates: cells, space: space), populationSize: 2, sampleSize: 1)] {
            let strategy = try ZeroCostPreRanking(inner, poolSize: 3, inputShape: input, classes: 10, warmStart: 1)
            var generator = SeededGenerator(seed: 2)
            let chosen = try strategy.ask(using: &generator)
            XCTAssertEqual(strategy.lastScores.count, 3, inner.name)
            var trial = Trial(id: 1, genotype: chosen, strategy: inner.name)
            trial.complete(with: Evaluation(accuracy: 0.5))
            strategy.tell(trial)
            let next = try (0..<2).map { _ in try strategy.ask(using: &generator) }
            XCTAssertEqual(Set(next), Set(cells).subtracting([chosen]), "\(inner.name): the two rejected cells, each once")
        }
    }

    func testPoolSizeAndSpaceAreChecked() throws {
        XCTAssertThrowsError(try ZeroCostPreRanking(RandomSearch(domain: SearchDomain(space: space)), poolSize: 0, inputShape: input, classes: 10))
        var generator = SeededGenerator(seed: 1)
        let candidates = try SearchDomain(candidates: [.nb201(NB201Architecture.random(using: &generator))])
        XCTAssertThrowsError(try ZeroCostPreRanking(RandomSearch(domain: candidates), poolSize: 3, inputShape: input, classes: 10)) { error in
            XCTAssertTrue("\(error)".contains("no space to build them in"), "\(error)")
        }
    }
}
