import XCTest
@testable import Engine
import NAS
import Search
import Tensor

/// The front the history keeps trial by trial is the first front of the full non-dominated sort.
final class StudyHistoryParetoTests: XCTestCase {
    func testIncrementalFrontEqualsTheNonDominatedSort() {
        var generator = SeededGenerator(seed: 5)
        var history = StudyHistory()
        var trials: [Trial] = []
        for id in 1...400 {
            // Slower is more accurate on the whole (a real trade-off); coarse values, so ties occur.
            let slowness = generator.nextInt(40)
            let latency = Double(1 + slowness) / 4
            let accuracy = Double(50 + slowness + generator.nextInt(10)) / 100
            let status: TrialStatus = generator.nextInt(10) == 0 ? .pruned : .complete
            let trial = Trial(id: id, genotype: .nb201(NB201Architecture.random(using: &generator)), strategy: "random",
                              status: status, accuracy: accuracy, fitness: accuracy, latencyMs: latency)
            history.append(trial)
            trials.append(trial)
            if id % 50 == 0 {
                XCTAssertEqual(history.paretoFront, ParetoFront(trials: trials).front.map(\.trialID), "after \(id) trials")
            }
        }
        XCTAssertGreaterThan(history.paretoFront.count, 1)
        // The snapshot's front: each point once, with its tied trials.
        let points = history.front.map { [$0.latencyMs, $0.accuracy] }
        XCTAssertEqual(Set(points).count, points.count, "distinct points")
        XCTAssertEqual(history.front.reduce(0) { $0 + $1.trials }, history.paretoFront.count)
        XCTAssertLessThan(history.front.count, history.paretoFront.count, "coarse values tie on the front")
        for point in history.front {
            let there = trials.filter { $0.status == .complete && $0.latencyMs == point.latencyMs && $0.accuracy == point.accuracy }
            XCTAssertEqual(point.trials, there.count)
            XCTAssertEqual(point.id, there.map(\.id).min())
        }
    }
}
