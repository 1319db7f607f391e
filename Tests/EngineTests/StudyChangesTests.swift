import Foundation
import GRDB
import XCTest
@testable import Engine
import NAS
import Search

/// What an attached screen reads each frame: one transaction that gives what the separate calls
/// give, through the indexes, and the helpers that keep a followed study cheap as it grows.
final class StudyChangesTests: XCTestCase {
    private let genotypes = NB201Architecture.all.prefix(8).map { Genotype.nb201($0) }

    /// A study with `finished` finished trials (epochs and steps), three running ones (one with
    /// progress) and two commands.
    private func study(finished: Int) throws -> (SQLiteStudyStore, StudyRecord) {
        let store = try SQLiteStudyStore()
        let record = try StudyOpening.prepareRun(store: store, name: "s", settings: EngineTestSupport.tabularSettings(budget: 100),
                                                 resume: false)
        func claim(_ i: Int) throws -> Trial {
            guard case .trial(let trial) = try store.claim(study: record.id, worker: "w",
                                                           proposal: TrialProposal(genotype: genotypes[i % 8], strategy: "random"))
            else { throw XCTSkip("the claim was refused") }
            return trial
        }
        for i in 0..<finished {
            var trial = try claim(i)
            trial.epochs = [EpochReport(epoch: 1, trainLoss: 1, trainAccuracy: 0.5, validationLoss: 0.9, validationAccuracy: 0.6,
                                        learningRate: 0.1, seconds: 1)]
            trial.steps = [TrainingLossPoint(epoch: 0.5, loss: 1.2), TrainingLossPoint(epoch: 1, loss: 1)]
            trial.status = i % 4 == 3 ? .pruned : .complete
            trial.accuracy = 0.5 + Double(i) / 100; trial.fitness = trial.accuracy; trial.latencyMs = Double(i % 3) + 1
            try store.finish(trial, study: record.id)
        }
        var running = (0..<3).map { _ in Trial(id: 0, genotype: genotypes[0], strategy: "", status: .running) }
        for k in 0..<3 { running[k] = try claim(finished + k) }
        running[1].steps = [TrainingLossPoint(epoch: 0.25, loss: 2)]
        try store.recordProgress(running[1], study: record.id)
        try store.send(.pause, study: record.id, issuer: "test")
        try store.send(.changeBudget(by: 5), study: record.id, issuer: "test")
        return (store, record)
    }

    func testOneFrameReadsWhatTheSeparateCallsRead() throws {
        let (store, record) = try study(finished: 10)
        for (finishedAfter, commandsAfter) in [(Int64(0), Int64(0)), (4, 1), (10, 2)] {
            let frame = try store.changes(study: record.id, finishedAfter: finishedAfter, commandsAfter: commandsAfter)
            let (finished, cursor) = try store.finishedTrials(study: record.id, after: finishedAfter)
            XCTAssertEqual(frame.control, try store.control(study: record.id))
            XCTAssertEqual(frame.finished, finished, "after \(finishedAfter)")
            XCTAssertEqual(frame.finishCursor, cursor)
            XCTAssertEqual(frame.running, try store.runningTrials(study: record.id))
            XCTAssertEqual(frame.commands.map(\.id), try store.commands(study: record.id, after: commandsAfter).map(\.id))
        }
        let frame = try store.changes(study: record.id, finishedAfter: 0, commandsAfter: 0)
        XCTAssertEqual(frame.finished.map(\.id), Array(1...10))
        XCTAssertEqual(frame.finished[3].status, .pruned)
        XCTAssertEqual(frame.finished[9].steps.count, 2)
        XCTAssertEqual(frame.finished[9].epochs.first?.validationAccuracy, 0.6)
        XCTAssertEqual(frame.finished[9].genotype, genotypes[9 % 8])
        XCTAssertEqual(frame.running.map(\.id), [11, 12, 13], "running trials in id order")
        XCTAssertEqual(frame.running[1].steps.map(\.loss), [2])
        XCTAssertEqual(frame.commands.map(\.command), [.pause, .changeBudget(by: 5)])
        XCTAssertEqual(frame.control.state, .paused)
        XCTAssertEqual(try store.changes(study: record.id, finishedAfter: frame.finishCursor, commandsAfter: 2).finished, [])
    }

    /// SQLite, without statistics, would walk the whole study's primary key to give the running
    /// trials in id order (`ORDER BY id`): 30 MB of pages for each frame at 60,000 trials.
    func testRunningTrialsAreFoundThroughTheStatusIndex() throws {
        let (store, record) = try study(finished: 4)
        for sql in [SQLiteStudyStore.runningTrialsSQL, SQLiteStudyStore.runningWorkersSQL] {
            let plan = try store.database.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: [record.id]).map { $0["detail"] as String }
            }
            XCTAssertEqual(plan, ["SEARCH trials USING INDEX trials_by_status (study_id=? AND status=?)"], sql)
        }
        XCTAssertEqual(try store.recoverLostTrials(study: record.id, graceSeconds: 30), [5, 6, 7],
                       "the running trials of a worker that never registered are lost, in id order")
    }

    func testStudyNamesAreListedInCreationOrderWithoutReadingTrials() throws {
        let (store, _) = try study(finished: 2)
        for name in ["zeta", "alpha"] {
            _ = try StudyOpening.prepareRun(store: store, name: name, settings: EngineTestSupport.tabularSettings(budget: 1), resume: false)
        }
        XCTAssertEqual(try store.studyNames(), ["s", "zeta", "alpha"])
        XCTAssertEqual(try store.studyNames(), try store.studySummaries().map(\.name))
    }

    func testTheRunningMedianIsTheSortedArraysMiddleValue() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            var median = RunningMedian(), values: [Double] = []
            XCTAssertNil(median.median)
            for _ in 0..<Int.random(in: 1...300, using: &generator) {
                // Coarse values, so that ties occur.
                let value = Double(Int.random(in: 0..<50, using: &generator)) / 10
                median.insert(value); values.append(value)
                let sorted = values.sorted()
                XCTAssertEqual(median.median, sorted[sorted.count / 2])
                XCTAssertEqual(median.maximum, sorted.last)
                XCTAssertEqual(median.count, values.count)
            }
        }
    }

    func testCachedGenotypesAreTheParsedOnesAndBadJSONStillFails() throws {
        let cache = GenotypeCache(limit: 3)
        for round in 0..<3 {
            for genotype in genotypes {
                let json = genotype.jsonString
                XCTAssertEqual(try cache.genotype(json), try Genotype.parse(json), "round \(round)")
            }
            XCTAssertThrowsError(try cache.genotype("{\"space\": \"nb201\""))
        }
    }
}
