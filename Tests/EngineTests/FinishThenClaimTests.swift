import Foundation
import XCTest
@testable import Engine
import NAS
import Search

/// `StudyStore.finish(_:study:thenClaimFor:proposal:)`, the engine's one write per trial, on
/// SQLite (in memory and on disk); PostgresStoreTests runs the same check on a server.
final class FinishThenClaimTests: XCTestCase {
    func testTheJoinedWriteOnAnInMemorySQLiteStore() throws {
        try FinishThenClaimCheck.run(try SQLiteStudyStore())
    }

    func testTheJoinedWriteOnASQLiteFile() throws {
        let path = try EngineTestSupport.temporaryDirectory() + "/joined.db"
        try FinishThenClaimCheck.run(try SQLiteStudyStore(path: path, create: true))
        let reopened = try SQLiteStudyStore(path: path, create: false, readOnly: true)
        let record = try XCTUnwrap(try reopened.study(named: FinishThenClaimCheck.studyName))
        XCTAssertEqual(try reopened.allFinishedTrials(study: record.id).map(\.id), [1, 2, 3], "committed to the file")
    }
}

/// The joined write against any store: it writes what `finish` writes and claims what `claim`
/// claims; a refused finish throws `trialTaken` and claims nothing; the claim after the last
/// trial of the budget says the budget is taken.
enum FinishThenClaimCheck {
    static let studyName = "joined"

    static func run(_ store: StudyStore, file: StaticString = #filePath, line: UInt = #line) throws {
        let record = try StudyOpening.prepareRun(store: store, name: studyName, settings: EngineTestSupport.tabularSettings(budget: 3), resume: false)
        let worker = WorkerInfo(id: "joined:1", host: "test", pid: 1)
        _ = try store.register(worker, study: record.id)
        let genotypes = try ["|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
                             "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|",
                             "|skip_connect~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_3x3~0|none~1|skip_connect~2|"].map(Genotype.parse)
        func proposal(_ i: Int) -> TrialProposal { TrialProposal(genotype: genotypes[i], strategy: "random") }
        func finished(_ trial: Trial, accuracy: Double) -> Trial {
            var trial = trial
            trial.status = .complete; trial.accuracy = accuracy; trial.fitness = accuracy; trial.parameters = 100 * trial.id
            trial.epochs = [EpochReport(epoch: 1, trainLoss: 1.25, trainAccuracy: 0.5, validationLoss: 1.5, validationAccuracy: accuracy,
                                        learningRate: 0.025, seconds: 0.5)]
            trial.steps = [TrainingLossPoint(epoch: 0.5, loss: 2), TrainingLossPoint(epoch: 1, loss: 1.25)]
            return trial
        }

        guard case .trial(let claimed) = try store.claim(study: record.id, worker: worker.id, proposal: proposal(0)) else {
            return XCTFail("the first claim gets a trial", file: file, line: line)
        }
        let first = finished(claimed, accuracy: 0.75)
        guard case .trial(let second) = try store.finish(first, study: record.id, thenClaimFor: worker.id, proposal: proposal(1)) else {
            return XCTFail("the joined write claims the second trial", file: file, line: line)
        }
        XCTAssertEqual(second.id, 2, file: file, line: line)
        XCTAssertEqual(second.genotype, genotypes[1], file: file, line: line)
        XCTAssertEqual(second.worker, worker.id, file: file, line: line)
        XCTAssertEqual(try store.allFinishedTrials(study: record.id), [first], "the finish reads back as written", file: file, line: line)
        XCTAssertEqual(try store.runningTrials(study: record.id).map(\.id), [2], file: file, line: line)
        XCTAssertEqual(try store.control(study: record.id).countedFinished, 1, file: file, line: line)

        XCTAssertThrowsError(try store.finish(finished(claimed, accuracy: 0.1), study: record.id, thenClaimFor: worker.id, proposal: proposal(2)),
                             "a trial finishes once", file: file, line: line) { error in
            XCTAssertEqual(error as? StoreError, .trialTaken(id: 1, location: store.location), file: file, line: line)
        }
        XCTAssertEqual(try store.runningTrials(study: record.id).map(\.id), [2], "a refused finish claims nothing", file: file, line: line)
        XCTAssertEqual(try store.allFinishedTrials(study: record.id).map(\.accuracy), [0.75], file: file, line: line)
        XCTAssertEqual(try store.control(study: record.id).countedTrials, 2, file: file, line: line)

        guard case .trial(let third) = try store.finish(finished(second, accuracy: 0.5), study: record.id, thenClaimFor: worker.id, proposal: proposal(2)) else {
            return XCTFail("the third trial", file: file, line: line)
        }
        XCTAssertEqual(third.id, 3, file: file, line: line)
        guard case .budgetTaken(let othersRunning) = try store.finish(finished(third, accuracy: 0.25), study: record.id,
                                                                      thenClaimFor: worker.id, proposal: proposal(0)) else {
            return XCTFail("after the budget's last trial, nothing is claimed", file: file, line: line)
        }
        XCTAssertEqual(othersRunning, 0, file: file, line: line)
        let control = try store.control(study: record.id)
        XCTAssertTrue(control.budgetMet, file: file, line: line)
        XCTAssertEqual(control.countedFinished, 3, file: file, line: line)
        XCTAssertEqual(try store.allFinishedTrials(study: record.id).map(\.accuracy), [0.75, 0.5, 0.25], file: file, line: line)
        XCTAssertEqual(try store.runningTrials(study: record.id), [], file: file, line: line)
    }
}
