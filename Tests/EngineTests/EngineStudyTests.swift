import Config
import Foundation
import XCTest
@testable import Engine
import NAS
import Search

/// Named studies in one storage, steered through it: each behaviour of the study life cycle on
/// the in-memory store, in milliseconds.
final class EngineStudyTests: XCTestCase {
    func testARunOnAnExistingNameIsRefusedAndNothingChanges() throws {
        let store = try SQLiteStudyStore()
        let (engine, _, _) = try EngineTestSupport.engine(EngineTestSupport.tabularSettings(budget: 5), store: store, name: "a")
        try engine.run()
        var other = EngineTestSupport.tabularSettings(budget: 30, strategy: .tpe)
        other.seed = 9
        XCTAssertThrowsError(try StudyOpening.prepareRun(store: store, name: "a", settings: other, resume: false)) {
            XCTAssertEqual("\($0)", "study a exists (5 trials); continue it with --resume, or choose --study")
        }
        let record = try XCTUnwrap(try store.study(named: "a"))
        XCTAssertEqual(record.budget, 5)
        XCTAssertEqual(try ExperimentSettings.decode(record.settings).strategy, .random, "the old settings stay")
        XCTAssertEqual(try store.allFinishedTrials(study: record.id).count, 5)
    }

    func testManyStudiesInOneStorageAreListed() throws {
        let store = try SQLiteStudyStore()
        try EngineTestSupport.engine(EngineTestSupport.tabularSettings(budget: 6), store: store, name: "first").engine.run()
        try EngineTestSupport.engine(EngineTestSupport.tabularSettings(budget: 4, strategy: .tpe), store: store, name: "second").engine.run()
        let summaries = try store.studySummaries()
        XCTAssertEqual(summaries.map(\.name), ["first", "second"])
        XCTAssertEqual(summaries.map(\.complete), [6, 4])
        XCTAssertEqual(summaries.map(\.status), ["finished", "finished"])
        XCTAssertEqual(summaries.map(\.strategy), ["random", "tpe"])
        XCTAssertEqual(summaries.map(\.space), ["nb201", "nb201"])
        let first = try XCTUnwrap(try store.study(named: "first"))
        let best = try XCTUnwrap(StudyExport.bestTrial(try store.allFinishedTrials(study: first.id)))
        XCTAssertEqual(summaries[0].bestTrialID, best.id)
        XCTAssertEqual(summaries[0].bestAccuracy, best.accuracy)
        XCTAssertThrowsError(try StudyOpening.resolve(store: store, name: nil)) {
            XCTAssertEqual("\($0)", ":memory: holds 2 studies (first, second); choose one with --study")
        }
        XCTAssertThrowsError(try StudyOpening.resolve(store: store, name: "third")) {
            XCTAssertEqual("\($0)", ":memory:: no study named third; studies here: first, second")
        }
    }

    func testAFinishedStudyAnswersExportAndBudget() throws {
        let directory = try EngineTestSupport.temporaryDirectory()
        let (engine, state, store) = try EngineTestSupport.engine(EngineTestSupport.tabularSettings(budget: 5))
        engine.staysAfterFinish = true
        let handle = engine.start()
        XCTAssertTrue(EngineTestSupport.wait(timeout: 30) { state.snapshot.state == .finished })
        XCTAssertFalse(handle.isFinished, "the engine stays to serve the finished study")
        state.send(.exportBest(path: directory + "/best.json"))
        XCTAssertTrue(EngineTestSupport.wait(timeout: 10) { FileManager.default.fileExists(atPath: directory + "/best.json") })
        let best = try Genotype.parse(String(contentsOfFile: directory + "/best.json", encoding: .utf8))
        XCTAssertEqual(best, engine.history.best?.genotype)

        state.send(.changeBudget(by: 3))
        XCTAssertTrue(EngineTestSupport.wait(timeout: 30) { state.snapshot.finishedTrials == 8 && state.snapshot.state == .finished })
        XCTAssertEqual(try store.control(study: engine.study.id).budget, 8)
        state.send(.changeBudget(by: -100))
        XCTAssertTrue(EngineTestSupport.wait(timeout: 10) { (try? store.control(study: engine.study.id).budget) == 8 },
                      "never below the trials taken")
        state.send(.stop)
        XCTAssertEqual(try handle.wait().get(), .budgetMet)
        XCTAssertEqual(try store.allFinishedTrials(study: engine.study.id).count, 8)
    }

    func testAnInterruptedTrialRunsAgainAndDoesNotSpendBudget() throws {
        let (engine, state, store) = try EngineTestSupport.engine(EngineTestSupport.trainingSettings(budget: 2, epochs: 3))
        let handle = engine.start()
        XCTAssertTrue(EngineTestSupport.wait(timeout: 30) { (state.snapshot.running?.curve.count ?? 0) >= 1 })
        let interrupted = try XCTUnwrap(state.snapshot.running)
        state.send(.stop)
        XCTAssertEqual(try handle.wait().get(), .stopped)
        let first = try XCTUnwrap(try store.allFinishedTrials(study: engine.study.id).first { $0.id == interrupted.id })
        XCTAssertEqual(first.status, .failed)
        XCTAssertEqual(first.note, "interrupted: stopped by the user before the trial finished")
        XCTAssertEqual(try store.control(study: engine.study.id).countedTrials, 0, "the interrupted attempt does not count")

        let resumed = try Engine(study: try StudyOpening.prepareRun(store: store, name: "test", settings: engine.settings, resume: true),
                                 store: store, state: StateStore())
        XCTAssertEqual(try resumed.run(), .budgetMet)
        let trials = try store.allFinishedTrials(study: engine.study.id)
        XCTAssertEqual(trials.filter { $0.status == .complete }.count, 2, "the budget is met in complete trials")
        let again = try XCTUnwrap(trials.first { $0.retryOf == interrupted.id })
        XCTAssertEqual(again.genotype, first.genotype, "the same architecture")
        XCTAssertEqual(again.status, .complete)
        XCTAssertEqual(again.origin, .retry)
    }

    func testStopReasonsMapToStatuses() throws {
        /// Prunes trial 2 after its first epoch.
        struct PruneSecond: Pruner {
            let name = "test"
            func shouldPrune(trialID: Int, epoch: Int, value: Double, history: [Trial]) -> Bool { trialID == 2 }
        }
        let (engine, _, store) = try EngineTestSupport.engine(EngineTestSupport.trainingSettings(budget: 3, epochs: 2))
        engine.pruner = PruneSecond()
        try engine.run()
        let trials = try store.allFinishedTrials(study: engine.study.id)
        XCTAssertEqual(trials.map(\.status), [.complete, .pruned, .complete])
        XCTAssertEqual(trials[1].note, "pruned by the test pruner at epoch 1")
        XCTAssertEqual(trials[1].epochs.count, 1, "its curve is kept")
        XCTAssertEqual(trials[1].accuracy, trials[1].epochs.last?.validationAccuracy)
        XCTAssertEqual(trials.map { $0.epochs.count }, [2, 1, 2])

        var exploding = EngineTestSupport.trainingSettings(budget: 1, epochs: 1)
        exploding.learningRate = 1e30
        let (failing, _, failingStore) = try EngineTestSupport.engine(exploding)
        try failing.run()
        let failed = try XCTUnwrap(try failingStore.allFinishedTrials(study: failing.study.id).first)
        XCTAssertEqual(failed.status, .failed)
        XCTAssertTrue(failed.note?.hasPrefix("the loss became") ?? false, "\(failed.note ?? "no note")")
    }

    func testDartsAndSampledTrialsGoThroughOnePipeline() throws {
        var settings = EngineTestSupport.trainingSettings(budget: 2, epochs: 1)
        settings.latencyTarget = 0.0001  // below every network: every fitness is penalised
        settings.strategy = .darts
        let (engine, _, store) = try EngineTestSupport.engine(settings)
        try engine.run()
        var sampled = settings
        sampled.strategy = .random
        let (other, _, otherStore) = try EngineTestSupport.engine(sampled)
        try other.run()
        let trials = try store.allFinishedTrials(study: engine.study.id) + otherStore.allFinishedTrials(study: other.study.id)
        XCTAssertEqual(trials.map(\.strategy), ["darts", "darts", "random", "random"])
        let objective = try HardwareAwareObjective(targetMs: 0.0001)
        let model = try XCTUnwrap(engine.evaluator.latencyModel)
        for trial in trials {
            XCTAssertEqual(trial.status, .complete, "trial \(trial.id): \(trial.note ?? "")")
            let latency = try XCTUnwrap(trial.latencyMs)
            XCTAssertEqual(latency, try model.predict(trial.genotype), "latency from the model, trial \(trial.id) \(trial.strategy)")
            XCTAssertNotNil(trial.parameters)
            XCTAssertNotNil(trial.flops)
            let accuracy = try XCTUnwrap(trial.accuracy)
            XCTAssertEqual(trial.fitness, objective.fitness(accuracy: accuracy, latencyMs: latency))
            XCTAssertLessThan(try XCTUnwrap(trial.fitness), accuracy)
        }
    }

    func testAResumedStudyGoesOnWithItsLastStrategy() throws {
        let (engine, state, store) = try EngineTestSupport.engine(EngineTestSupport.tabularSettings(budget: 6, strategy: .random))
        try store.send(.switchStrategy("tpe"), study: engine.study.id, issuer: "test")
        try engine.run()
        XCTAssertEqual(state.snapshot.strategy, "tpe")
        let record = try StudyOpening.prepareRun(store: store, name: "test", settings: engine.settings, resume: true, budgetOverride: 9)
        XCTAssertEqual(record.strategy, "tpe")
        let resumed = try Engine(study: record, store: store, state: StateStore())
        XCTAssertEqual(resumed.strategy.name, "tpe")
        try resumed.run()
        let trials = try store.allFinishedTrials(study: record.id)
        XCTAssertEqual(trials.count, 9)
        XCTAssertEqual(trials.map(\.strategy), Array(repeating: "tpe", count: 9))
        XCTAssertEqual(try ExperimentSettings.decode(try XCTUnwrap(store.study(named: "test")).settings).budget, 9)
    }

    func testFlagsOverrideTheConfigWhichOverridesTheDefaults() throws {
        let config = try TOMLDocument(parsing: """
            [experiment]
            space = "nb201"
            strategy = "tpe"
            budget = 40
            seed = 7
            storage = "runs/x.db"
            """, file: "c.toml")
        var flags = ExperimentOverrides()
        flags.budget = 12
        flags.strategy = .random
        let resolved = try ExperimentSettings.resolve(config: config, overrides: flags)
        XCTAssertEqual(resolved.settings.budget, 12)
        XCTAssertEqual(resolved.settings.strategy, .random)
        XCTAssertEqual(resolved.settings.seed, 7, "from the config")
        XCTAssertEqual(resolved.settings.space, .nb201)
        XCTAssertEqual(resolved.settings.epochs, ExperimentSettings().epochs, "the default")
        XCTAssertEqual(resolved.storage, "runs/x.db")
        flags.storage = "y.db"
        XCTAssertEqual(try ExperimentSettings.resolve(config: config, overrides: flags).storage, "y.db")
    }

    func testAnEnqueuedArchitectureIsEvaluatedNextAndTold() throws {
        let (engine, state, store) = try EngineTestSupport.engine(EngineTestSupport.tabularSettings(budget: 4, strategy: .tpe))
        let arch = "|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|"  // a row of the table
        state.send(.enqueue(architecture: arch))
        state.send(.enqueue(architecture: "|bogus~0|"))
        try engine.run()
        let trials = try store.allFinishedTrials(study: engine.study.id)
        XCTAssertEqual(trials.count, 4)
        XCTAssertEqual(trials[0].genotype, try Genotype.parse(arch))
        XCTAssertEqual(trials[0].origin, .user)
        XCTAssertEqual(trials[0].strategy, "user")
        XCTAssertTrue(state.snapshot.log.contains { $0.hasPrefix("not enqueued: ") }, "\(state.snapshot.log)")
        XCTAssertEqual(state.snapshot.trials[0].origin, "user")
    }

    func testCommandsFromAnotherProcessSteerTheEngine() throws {
        let (engine, state, store) = try EngineTestSupport.engine(EngineTestSupport.trainingSettings(budget: 2, epochs: 3))
        let handle = engine.start()
        XCTAssertTrue(EngineTestSupport.wait(timeout: 30) { state.snapshot.running != nil })
        try store.send(.pause, study: engine.study.id, issuer: "attach@elsewhere")
        XCTAssertTrue(EngineTestSupport.wait(timeout: 10) { state.snapshot.state == .paused })
        XCTAssertTrue(state.snapshot.log.contains("paused (by attach@elsewhere)"), "\(state.snapshot.log)")
        let id = try XCTUnwrap(state.snapshot.running?.id)
        try store.send(.prune(trialID: id), study: engine.study.id, issuer: "attach@elsewhere")
        try store.send(.resume, study: engine.study.id, issuer: "attach@elsewhere")
        XCTAssertTrue(EngineTestSupport.wait(timeout: 30) { state.snapshot.trials.contains { $0.id == id } })
        XCTAssertEqual(state.snapshot.trials.first { $0.id == id }?.status, .pruned)
        try store.send(.stop, study: engine.study.id, issuer: "attach@elsewhere")
        XCTAssertEqual(try handle.wait().get(), .stopped)
    }
}
