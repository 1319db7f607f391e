import Foundation
import XCTest
@testable import Engine
import NAS
import Search

/// Publishing and taking snapshots stays cheap as a study grows: finished trials live in shared
/// chunks, so neither side copies the study. The figure is printed with NAS_TUI_ENGINE_BENCH=1
/// (release build); the always-on part checks that the rows are shared, not copied.
final class SnapshotCostTests: XCTestCase {
    private func history(_ count: Int) throws -> StudyHistory {
        var history = StudyHistory()
        let genotypes = NB201Architecture.all.prefix(500).map { Genotype.nb201($0) }
        for id in 1...count {
            let accuracy = 0.5 + 0.4 * Double((id * 7919) % 1000) / 1000
            history.append(Trial(id: id, genotype: genotypes[id % genotypes.count], strategy: "tpe", status: .complete,
                                 accuracy: accuracy, fitness: accuracy, latencyMs: Double(id % 97) / 10 + 1, parameters: 1000, flops: 1000))
        }
        return history
    }

    func testFullChunksAreSharedBetweenSnapshots() throws {
        var rows = try history(1000).rows
        let before = rows
        rows.append(TrialRow(id: 1001, strategy: "tpe", status: .complete, summary: "x"))
        XCTAssertEqual(before.count, 1000)
        XCTAssertEqual(rows.count, 1001)
        XCTAssertEqual(rows[999].id, 1000)
        XCTAssertEqual(rows[1000].id, 1001)
        XCTAssertTrue(zip(before.full, rows.full).allSatisfy { $0 === $1 }, "full chunks are the same objects")
    }

    func testTheScatterHasEachDistinctPointOnceInFirstSeenOrder() throws {
        // 700 trials on 97 latencies and 5 accuracies (485 distinct points), then one pruned trial
        // without a latency, one failed, and one pruned at the place of a complete one.
        var rows = TrialRows()
        for id in 1...700 {
            rows.append(TrialRow(id: id, strategy: "tpe", status: .complete, summary: "x",
                                 accuracy: 0.5 + Double(id % 5) / 10, latencyMs: Double(id % 97) / 10 + 1))
        }
        rows.append(TrialRow(id: 701, strategy: "tpe", status: .pruned, summary: "x", accuracy: 0.3, latencyMs: nil))
        rows.append(TrialRow(id: 702, strategy: "tpe", status: .failed, summary: "x", accuracy: 0.3, latencyMs: 2))
        rows.append(TrialRow(id: 703, strategy: "tpe", status: .pruned, summary: "x", accuracy: rows[0].accuracy, latencyMs: rows[0].latencyMs))
        var expected: [PlotPoint] = [], seen: Set<PlotPoint> = []
        var plotted = 0
        for row in rows {
            guard [.complete, .pruned].contains(row.status), let l = row.latencyMs, let a = row.accuracy else { continue }
            plotted += 1
            let point = PlotPoint(row)!
            XCTAssertEqual(point, PlotPoint(row)); XCTAssertEqual(point.latencyMs, l); XCTAssertEqual(point.accuracy, a)
            if seen.insert(point).inserted { expected.append(point) }
        }
        var visited: [PlotPoint] = []
        rows.forEachDistinctPoint { visited.append($0) }
        XCTAssertEqual(visited, expected)
        XCTAssertEqual(rows.plottedTrials, plotted)
        XCTAssertEqual(plotted, 701, "the 700 trials and the pruned one in place of trial 1")
        XCTAssertEqual(visited.count, 486, "485 distinct complete points, a full chunk and a tail, then the pruned one")
        XCTAssertEqual(visited.last, PlotPoint(rows[702]))
        XCTAssertEqual(visited.last?.pruned, true, "a pruned trial at a complete one's place is a point of its own")
    }

    func testPublishAndTakeCostAtTenThousandTrials() throws {
        guard ProcessInfo.processInfo.environment["NAS_TUI_ENGINE_BENCH"] == "1" else { throw XCTSkip("set NAS_TUI_ENGINE_BENCH=1") }
        var history = try history(10_000)
        let genotypes = NB201Architecture.all.prefix(500).map { Genotype.nb201($0) }
        let store = StateStore()
        var snapshot = Snapshot()
        let rounds = 2000
        var publish = 0.0, take = 0.0
        for i in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            history.append(Trial(id: 10_001 + i, genotype: genotypes[i % 500], strategy: "tpe", status: .complete,
                                 accuracy: 0.8, fitness: 0.8, latencyMs: 2))
            history.fill(&snapshot)
            snapshot.finishedTrials = history.count
            store.publish(snapshot)
            let middle = DispatchTime.now().uptimeNanoseconds
            let (taken, _) = store.take()
            _ = taken.trials.last
            let end = DispatchTime.now().uptimeNanoseconds
            publish += Double(middle - start); take += Double(end - middle)
        }
        print(String(format: "snapshot at 10,000+ trials: publish (append + build + publish) %.1f µs, take %.2f µs (mean of %d)",
                     publish / Double(rounds) / 1000, take / Double(rounds) / 1000, rounds))
    }
}
