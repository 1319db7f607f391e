import Foundation
import XCTest
@testable import Engine
import NAS
import Search

/// The best trial a study exports and lists (`export`, `studies`) is a full-fidelity one: in a
/// hyperband study a one-epoch score with a lower latency can have the highest fitness, but it
/// is not comparable with the full trials' (the Fashion-MNIST pipeline's search exported such a cell).
final class BestTrialTests: XCTestCase {
    static let genotypes = ["|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
                            "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|",
                            "|skip_connect~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_3x3~0|none~1|skip_connect~2|"]

    /// Trial 1 at full fidelity (fitness 0.6), trial 2 at 1 epoch (fitness 0.7), trial 3 at full
    /// fidelity (fitness 0.65): the best is trial 3.
    static func finished(_ trial: Trial) -> Trial {
        var trial = trial
        trial.status = .complete
        trial.fidelity = trial.id == 2 ? 1 : nil
        trial.fitness = [0.6, 0.7, 0.65][trial.id - 1]
        trial.accuracy = [0.8, 0.75, 0.85][trial.id - 1]
        return trial
    }

    func testTheBestOfAMultiFidelityListIsAFullTrial() throws {
        let trials = try (1...3).map { Self.finished(Trial(id: $0, genotype: try Genotype.parse(Self.genotypes[$0 - 1]), strategy: "hyperband")) }
        XCTAssertEqual(StudyExport.bestTrial(trials)?.id, 3)
        XCTAssertEqual(StudyExport.bestTrial([trials[1]])?.id, 2, "with no full trial yet, the best low-fidelity one")
        XCTAssertEqual(StudyExport.bestTrial(trials.reversed())?.id, 3)
    }

    func testTheStudyListNamesTheBestFullTrial() throws {
        try Self.checkSummary(try SQLiteStudyStore())
    }

    /// The check on any store (PostgresStoreTests runs it on a server).
    static func checkSummary(_ store: StudyStore, file: StaticString = #filePath, line: UInt = #line) throws {
        let record = try StudyOpening.prepareRun(store: store, name: "halving", settings: EngineTestSupport.tabularSettings(budget: 3), resume: false)
        let worker = WorkerInfo(id: "best:1", host: "test", pid: 1)
        _ = try store.register(worker, study: record.id)
        for genotype in Self.genotypes {
            guard case .trial(let claimed) = try store.claim(study: record.id, worker: worker.id,
                                                             proposal: TrialProposal(genotype: try Genotype.parse(genotype), strategy: "hyperband")) else {
                return XCTFail("a claim within the budget gets a trial", file: file, line: line)
            }
            try store.finish(Self.finished(claimed), study: record.id)
        }
        let summary = try XCTUnwrap(try store.studySummaries().first)
        XCTAssertEqual(summary.bestTrialID, 3, file: file, line: line)
        XCTAssertEqual(summary.bestAccuracy, 0.85, file: file, line: line)
    }
}
