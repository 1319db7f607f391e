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

    func testEveryRowHasItsPlotSampleInOrder() throws {
        var rows = try history(700).rows
        rows.append(TrialRow(id: 701, strategy: "tpe", status: .pruned, summary: "x", accuracy: 0.3, latencyMs: nil))
        var visited: [PlotSample] = []
        rows.forEachSample { visited.append($0) }
        XCTAssertEqual(visited.count, 701, "two full chunks and the tail")
        for i in [0, 255, 256, 511, 512, 699, 700] {
            XCTAssertEqual(visited[i], PlotSample(rows[i]), "row \(i)")
            XCTAssertEqual(rows.sample(i), PlotSample(rows[i]), "row \(i)")
        }
        XCTAssertEqual(visited[700], PlotSample(rows[700]))
        XCTAssertEqual(visited[700].status, .pruned)
        XCTAssertNil(visited[700].latencyMs)
        XCTAssertEqual(visited[3].latencyMs, Double(4 % 97) / 10 + 1)
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
            snapshot.trials = history.rows
            snapshot.fitness = history.fitness
            snapshot.paretoFront = history.paretoFront
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
