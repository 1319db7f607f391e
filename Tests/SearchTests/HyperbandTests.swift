import NAS
import Tensor
import XCTest
@testable import Search

/// Hyperband's bracket arithmetic and its successive halving on a toy objective.
final class HyperbandTests: XCTestCase {
    /// Li et al. 2018, Table 1: R = 81, η = 3.
    func testBracketsOfThePaper() throws {
        let schedule = try HyperbandSchedule.geometric(maxResource: 81, eta: 3)
        XCTAssertEqual(schedule.levels, [1, 3, 9, 27, 81])
        let table = schedule.brackets.map { $0.rungs.map { [$0.configurations, $0.level] } }
        XCTAssertEqual(table, [
            [[81, 1], [27, 3], [9, 9], [3, 27], [1, 81]],
            [[34, 3], [11, 9], [3, 27], [1, 81]],
            [[15, 9], [5, 27], [1, 81]],
            [[8, 27], [2, 81]],
            [[5, 81]],
        ])
        XCTAssertEqual(schedule.brackets.map(\.s), [4, 3, 2, 1, 0])
    }

    func testBracketsOfATablesTwoFidelities() throws {
        let three = try HyperbandSchedule(levels: [12, 200], eta: 3)
        XCTAssertEqual(three.brackets.map { $0.rungs.map { [$0.configurations, $0.level] } }, [[[3, 12], [1, 200]], [[2, 200]]])
        let sixteen = try HyperbandSchedule(levels: [12, 200], eta: 16)
        XCTAssertEqual(sixteen.brackets.map { $0.rungs.map { [$0.configurations, $0.level] } }, [[[16, 12], [1, 200]], [[2, 200]]])
        XCTAssertEqual(try HyperbandSchedule.geometric(maxResource: 10, eta: 3).levels, [1, 3, 10])
        XCTAssertEqual(try HyperbandSchedule.geometric(maxResource: 1, eta: 3).levels, [1])
    }

    func testBadSchedulesAreRefused() {
        XCTAssertThrowsError(try HyperbandSchedule(levels: [12, 12], eta: 3)) { XCTAssertTrue("\($0)".contains("accepted: ascending"), "\($0)") }
        XCTAssertThrowsError(try HyperbandSchedule(levels: [], eta: 3))
        XCTAssertThrowsError(try HyperbandSchedule(levels: [1, 9], eta: 1)) { XCTAssertTrue("\($0)".contains("eta 1; accepted: 2 or more"), "\($0)") }
    }

    /// One iteration over levels 1, 3, 9 (η = 3): 9 configurations at 1 epoch, the best 3 at 3,
    /// the best at 9; then 5 at 3 and the best at 9; then 3 at 9. The toy value at level r is the
    /// conv3x3 share scaled by r/9 plus a small per-cell term, so the order within a rung is known.
    func testSuccessiveHalvingPromotesTheBestOfEachRung() throws {
        let schedule = try HyperbandSchedule.geometric(maxResource: 9, eta: 3)
        let hyperband = Hyperband(schedule: schedule, sampler: RandomSearch(domain: SearchDomain(space: .nb201(channels: 16, cellsPerStage: 5))))
        func value(_ g: Genotype, _ level: Int) -> Double { (conv3x3Share(g) + pseudoScore(g) / 10) * Double(level) / 9 }
        var generator = SeededGenerator(seed: 3)
        var asked: [(genotype: Genotype, level: Int)] = []
        for id in 0..<22 {
            let (genotype, level) = try hyperband.askWithFidelity(using: &generator)
            asked.append((genotype, level))
            var trial = Trial(id: id, genotype: genotype, strategy: hyperband.name)
            trial.complete(with: Evaluation(accuracy: value(genotype, level)))
            trial.fidelity = level == 9 ? nil : level
            hyperband.tell(trial)
        }
        XCTAssertEqual(asked.map(\.level), Array(repeating: 1, count: 9) + [3, 3, 3, 9] + Array(repeating: 3, count: 5) + [9] + [9, 9, 9])
        let first = asked[0..<9].map(\.genotype)
        let top3 = first.sorted { value($0, 1) > value($1, 1) }.prefix(3)
        XCTAssertEqual(asked[9..<12].map(\.genotype), Array(top3), "the best third of rung 0, best first")
        XCTAssertEqual(asked[12].genotype, top3.first, "the best of rung 1")
        let second = asked[13..<18].map(\.genotype)
        XCTAssertEqual(asked[18].genotype, second.max { value($0, 3) < value($1, 3) })
        XCTAssertEqual(Set(asked[19..<22].map(\.genotype)).count, 3)
        XCTAssertTrue(Set(asked[19..<22].map(\.genotype)).isDisjoint(with: first + second), "bracket 0 draws new configurations")
        XCTAssertEqual(hyperband.bracketsOpened, 3)
        XCTAssertTrue(hyperband.openBrackets.isEmpty, "every bracket of the iteration closed")
        XCTAssertEqual(try hyperband.askWithFidelity(using: &generator).fidelity, 1, "the next iteration starts again at s = 2")
    }

    /// With results outstanding (other workers), `ask` opens the next bracket instead of waiting;
    /// failed configurations are never promoted; low-fidelity trials never rank.
    func testOpensTheNextBracketWhileARungWaitsAndNeverPromotesFailures() throws {
        let schedule = try HyperbandSchedule(levels: [12, 200], eta: 3)
        let hyperband = Hyperband(schedule: schedule, sampler: RandomSearch(domain: SearchDomain(space: .nb201(channels: 16, cellsPerStage: 5))))
        var generator = SeededGenerator(seed: 1)
        let a = try (0..<3).map { _ in try hyperband.askWithFidelity(using: &generator) }
        XCTAssertEqual(a.map(\.fidelity), [12, 12, 12])
        let b = try hyperband.askWithFidelity(using: &generator)
        XCTAssertEqual(b.fidelity, 200, "bracket s = 0 opens while s = 1 waits for its three")
        XCTAssertEqual(hyperband.openBrackets.map(\.s), [1, 0])
        for (id, asked) in a.enumerated() {
            var trial = Trial(id: id, genotype: asked.genotype, strategy: "hyperband", fidelity: 12)
            if id == 0 { trial.status = .failed } else { trial.complete(with: Evaluation(accuracy: 0.5 + Double(id) / 10)) }
            XCTAssertNil(trial.rankingFitness, "a low-fidelity trial never ranks")
            hyperband.tell(trial)
        }
        XCTAssertEqual(try hyperband.askWithFidelity(using: &generator).genotype, a[2].genotype, "the best that did not fail")
    }
}
