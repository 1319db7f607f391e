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
    }
}
