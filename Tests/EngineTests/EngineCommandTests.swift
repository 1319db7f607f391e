import Foundation
import XCTest
@testable import Engine
import NAS
import Search

/// Commands act within one training step; the store stays consistent while a reader hammers it.
final class EngineCommandTests: XCTestCase {
    func testPausePruneAndSwitchTakeEffect() throws {
        let (engine, store, _) = try EngineTestSupport.engine(EngineTestSupport.trainingSettings(budget: 3, epochs: 3))
        let handle = engine.start()
        XCTAssertTrue(EngineTestSupport.wait(timeout: 30) { store.snapshot.running != nil })
        let runningID = store.snapshot.running!.id

        store.send(.pause)
        XCTAssertTrue(EngineTestSupport.wait(timeout: 10) { store.snapshot.state == .paused })
        let progress = store.snapshot.runningProgress
        let epochs = store.snapshot.running?.curve.count
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(store.snapshot.runningProgress, progress, "no progress while paused")
        XCTAssertEqual(store.snapshot.running?.curve.count, epochs)

        store.send(.switchStrategy("evolution"))
        store.send(.prune(trialID: runningID))
        XCTAssertTrue(EngineTestSupport.wait(timeout: 30) { store.snapshot.trials.contains { $0.id == runningID } })
        let pruned = store.snapshot.trials.first { $0.id == runningID }!
        XCTAssertEqual(pruned.status, .pruned)
        XCTAssertEqual(pruned.note, "pruned by the user")
        // Pruning does not resume a paused study: the next trial waits for p.
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(store.snapshot.state, .paused)
        XCTAssertNil(store.snapshot.running)
        store.send(.resume)

        XCTAssertTrue(EngineTestSupport.wait(timeout: 30) { store.snapshot.running.map { $0.id != runningID } ?? false })
        XCTAssertEqual(store.snapshot.running?.strategy, "evolution", "the next proposal comes from the new strategy")
        store.send(.stop)
        XCTAssertTrue(EngineTestSupport.wait(timeout: 30) { handle.isFinished })
        XCTAssertEqual(store.snapshot.state, .finished)
    }

    func testReaderTakesSnapshotsWhileTheEngineRunsAndCommandsArrive() throws {
        let directory = try EngineTestSupport.temporaryDirectory()
        let (engine, store, _) = try EngineTestSupport.engine(EngineTestSupport.tabularSettings(budget: 400, strategy: .evolution))
        let handle = engine.start()
        let reading = DispatchGroup()
        /// Written by the reader thread only, read after it has left `reading`.
        final class Tally: @unchecked Sendable { var taken = 0, neverShrank = true }
        let tally = Tally()
        reading.enter()
        Thread {
            var seen = 0
            while !handle.isFinished {
                let (snapshot, _) = store.take()
                if snapshot.trials.count < seen { tally.neverShrank = false }
                seen = snapshot.trials.count
                _ = snapshot.trials.last?.accuracy
                tally.taken += 1
            }
            reading.leave()
        }.start()
        // Once evolution has run a few trials (after the latency table is loaded or profiled),
        // pause, switch twice, resume and export while the reader keeps taking snapshots.
        XCTAssertTrue(EngineTestSupport.wait(timeout: 60) { store.snapshot.finishedTrials >= 10 })
        store.send(.pause)
        XCTAssertTrue(EngineTestSupport.wait(timeout: 10) { store.snapshot.state == .paused })
        for command in [Command.switchStrategy("tpe"), .togglePause, .switchStrategy("random"), .exportBest(path: directory + "/best.json")] {
            store.send(command)
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(EngineTestSupport.wait(timeout: 120) { handle.isFinished })
        reading.wait()
        XCTAssertGreaterThan(tally.taken, 10)
        XCTAssertTrue(tally.neverShrank, "a later snapshot never holds fewer trials")
        XCTAssertEqual(store.snapshot.finishedTrials, 400)
        XCTAssertEqual(store.snapshot.trials.count, 400)
        XCTAssertEqual(Set(store.snapshot.trials.map(\.strategy)).isSuperset(of: ["evolution", "random"]), true)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/best.json"))
    }
}
