import NAS
import Tensor
import XCTest
@testable import Search

final class ParetoFrontTests: XCTestCase {
    func trial(_ id: Int, latency: Double?, accuracy: Double, status: TrialStatus = .complete) -> Trial {
        Trial(id: id, genotype: .nb201(try! NB201Architecture(index: id)), strategy: "random", status: status,
              accuracy: accuracy, fitness: accuracy, latencyMs: latency)
    }

    func testHandMadePoints() {
        let trials = [
            trial(1, latency: 10, accuracy: 0.9),
            trial(2, latency: 5, accuracy: 0.8),
            trial(3, latency: 20, accuracy: 0.85),   // dominated by 1
            trial(4, latency: 10, accuracy: 0.9),    // ties 1
            trial(5, latency: nil, accuracy: 0.95),  // no latency, but nothing is as accurate
            trial(6, latency: nil, accuracy: 0.7),   // dominated by 5, then by 3
            trial(7, latency: 1, accuracy: 0.99, status: .running),
            trial(8, latency: 5, accuracy: 0.75),    // same latency as 2, less accurate
        ]
        let pareto = ParetoFront(trials: trials)
        XCTAssertEqual(pareto.front.map(\.trialID), [2, 1, 4, 5])
        XCTAssertEqual(pareto.rank(ofTrial: 3), 1)
        XCTAssertEqual(pareto.rank(ofTrial: 8), 1)
        XCTAssertEqual(pareto.rank(ofTrial: 6), 2)
        XCTAssertNil(pareto.rank(ofTrial: 7), "running trials are not placed")
        XCTAssertEqual(pareto.fronts.map { $0.map(\.trialID) }, [[2, 1, 4, 5], [8, 3], [6]])
    }

    func testRanksAgreeWithTheDefinitionOnRandomPoints() {
        var generator = SeededGenerator(seed: 3)
        let trials = (0..<300).map { id in
            trial(id, latency: generator.nextInt(5) == 0 ? nil : Double(generator.nextInt(30)),
                  accuracy: Double(generator.nextInt(40)) / 40)
        }
        let pareto = ParetoFront(trials: trials)
        XCTAssertEqual(pareto.points.count, 300)
        for p in pareto.points {
            let dominators = pareto.points.filter { ParetoFront.dominates($0, p) }
            XCTAssertFalse(dominators.contains { $0.rank >= p.rank }, "point \(p.trialID)")
            if p.rank > 0 { XCTAssertTrue(dominators.contains { $0.rank == p.rank - 1 }, "point \(p.trialID)") }
        }
    }

    func testEmpty() {
        XCTAssertTrue(ParetoFront(trials: []).front.isEmpty)
    }
}
