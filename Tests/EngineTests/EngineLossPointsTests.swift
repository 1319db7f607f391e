import XCTest
@testable import Engine
import NAS
import Search

/// A training trial's sub-epoch loss curve: ~20 points an epoch in the trial, the storage
/// (while it runs and once it is finished) and the snapshot.
final class EngineLossPointsTests: XCTestCase {
    func testATrainingTrialOfOneEpochRecordsTwentyLossPoints() throws {
        var settings = EngineTestSupport.trainingSettings(budget: 1, epochs: 1)
        settings.trainLimit = 640  // 40 batches of 16: a point every 2 batches
        let (engine, state, store) = try EngineTestSupport.engine(settings)
        // Read on the engine thread at each event, so a trial shorter than a polling interval is seen too.
        var live: [Int] = []  // the running trial's points in the storage
        var seenRunning = 0  // and in the published snapshot
        engine.onEvent = { _ in
            if let running = try? store.runningTrials(study: engine.study.id).first { live.append(running.steps.count) }
            seenRunning = max(seenRunning, state.snapshot.running?.steps.count ?? 0)
        }
        let handle = engine.start()
        XCTAssertTrue(EngineTestSupport.wait(timeout: 120) { state.snapshot.state == .finished })
        _ = try handle.wait().get()

        let trial = try XCTUnwrap(try store.allFinishedTrials(study: engine.study.id).first)
        XCTAssertEqual(trial.status, .complete, trial.note ?? "")
        XCTAssertEqual(trial.steps.count, 20, "\(trial.steps.map(\.epoch))")
        XCTAssertEqual(trial.steps.map(\.epoch), (1...20).map { Double($0) / 20 }, "every 2 of 40 batches")
        XCTAssertTrue(trial.steps.allSatisfy { $0.loss.isFinite && $0.loss > 0 })
        // The points are means of their batches: weighted by the 2 batches each, they give the epoch's loss.
        let mean = trial.steps.map(\.loss).reduce(0, +) / 20
        XCTAssertEqual(mean, try XCTUnwrap(trial.epochs.first?.trainLoss), accuracy: 1e-6)
        XCTAssertGreaterThan(trial.steps.first!.loss, trial.steps.last!.loss, "it learns")

        let row = try XCTUnwrap(state.snapshot.trials.first { $0.id == trial.id })
        XCTAssertEqual(row.steps, trial.steps.map { LossPoint(epoch: $0.epoch, loss: $0.loss) }, "the snapshot has them")
        XCTAssertGreaterThan(seenRunning, 0, "the running trial's points were published before it finished")
        XCTAssertGreaterThan(live.max() ?? 0, 0, "and written to the storage while it ran: \(live)")
    }
}
