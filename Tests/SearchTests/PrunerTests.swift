import NAS
import XCTest
@testable import Search

final class PrunerTests: XCTestCase {
    /// Five complete trials whose accuracy climbs from 0.5 to 0.8 over five epochs.
    let finished = (0..<5).map { id in curveTrial(id: id, (0..<5).map { 0.5 + 0.075 * Double($0) + 0.01 * Double(id) }) }

    /// Feeds `values` epoch by epoch as the engine would; returns the epoch it was pruned at.
    func prunedAt(_ pruner: Pruner, _ values: [Double], id: Int = 99, history: [Trial]) -> Int? {
        var running = curveTrial(id: id, [], status: .running)
        for (i, value) in values.enumerated() {
            if pruner.shouldPrune(trialID: id, epoch: i + 1, value: value, history: history + [running]) { return i + 1 }
            running = curveTrial(id: id, Array(values.prefix(i + 1)), status: .running)
        }
        return nil
    }

    func testMedianPrunesABadCurveAfterWarmUpAndNeverAGoodOne() {
        let bad = [0.2, 0.25, 0.3, 0.3, 0.35]
        let good = [0.9, 0.92, 0.93, 0.95, 0.96]
        XCTAssertEqual(prunedAt(MedianPruner(), bad, history: finished), 1)
        XCTAssertEqual(prunedAt(MedianPruner(warmupEpochs: 2), bad, history: finished), 3)
        XCTAssertNil(prunedAt(MedianPruner(), good, history: finished))
        XCTAssertNil(prunedAt(MedianPruner(warmupEpochs: 2), good, history: finished))
    }

    func testMedianUsesTheBestValueSoFar() {
        // Drops below the median at epoch 3 but its best so far (0.9) stays above it.
        XCTAssertNil(prunedAt(MedianPruner(), [0.9, 0.2, 0.2], history: finished))
    }

    func testMedianWaitsForStartupTrialsAndValuesAtTheEpoch() {
        let bad = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]
        XCTAssertNil(prunedAt(MedianPruner(), bad, history: Array(finished.prefix(4))), "4 of 5 startup trials")
        XCTAssertNil(prunedAt(MedianPruner(startupTrials: 1), [0.1], history: [curveTrial(id: 1, [0.5], status: .pruned)]))
        // Epochs 6 and 7: no complete trial reported them, so no verdict there.
        XCTAssertEqual(prunedAt(MedianPruner(warmupEpochs: 5), bad, history: finished), nil)
        XCTAssertTrue(MedianPruner().shouldPrune(trialID: 99, epoch: 1, value: .nan, history: finished))
    }

    func testSuccessiveHalvingRungs() throws {
        let pruner = try SuccessiveHalvingPruner()
        XCTAssertEqual((0..<4).map(pruner.rungEpoch), [1, 3, 9, 27])
        XCTAssertEqual((0..<3).map(try SuccessiveHalvingPruner(minResource: 2, reductionFactor: 4, minEarlyStoppingRate: 1).rungEpoch),
                       [8, 32, 128])
        XCTAssertThrowsError(try SuccessiveHalvingPruner(reductionFactor: 1))
    }

    func testSuccessiveHalvingKeepsTheTopThirdAtEachRung() throws {
        let pruner = try SuccessiveHalvingPruner()
        // The first trial is alone at rung 0: promoted. A second, worse one: not the best of two.
        XCTAssertNil(prunedAt(pruner, [0.5, 0.6, 0.7], history: []))
        let first = curveTrial(id: 0, [0.5, 0.6, 0.7])
        XCTAssertEqual(prunedAt(pruner, [0.4, 0.6], history: [first]), 1)
        XCTAssertNil(prunedAt(pruner, [0.55, 0.6], history: [first]))

        // Five trials reached rung 0 (epoch 1) with 0.5 ... 0.9; with a sixth, the top 6/3 = 2 go on.
        let five = [0.5, 0.6, 0.7, 0.8, 0.9].enumerated().map { curveTrial(id: $0, [$1], status: .pruned) }
        XCTAssertEqual(prunedAt(pruner, [0.65], history: five), 1)
        XCTAssertEqual(prunedAt(pruner, [0.79], history: five), 1)
        XCTAssertNil(prunedAt(pruner, [0.8], history: five))
        XCTAssertNil(prunedAt(pruner, [0.85, 0.86], history: five), "epoch 2 is not a rung")

        // At rung 1 (epoch 3) it competes with those that reached epoch 3.
        let longer = [0.6, 0.7, 0.75].enumerated().map { curveTrial(id: 10 + $0, [0.9, 0.9, $1]) }
        XCTAssertNil(prunedAt(pruner, [0.95, 0.9, 0.8], history: five + longer))
        XCTAssertEqual(prunedAt(pruner, [0.95, 0.9, 0.65], history: five + longer), 3)
    }
}
