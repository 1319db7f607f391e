import Foundation
import GRDB
import XCTest
@testable import Engine
import NAS
import Search

/// The full NAS-Bench-201 table in the engine: --device, a budget in simulated seconds,
/// hyperband over the 12- and 200-epoch columns, the pruner on the cheap fidelity, and the
/// trials' fidelity and cost through the storage.
final class EngineMultiFidelityTests: XCTestCase {
    static let table = Result { try TabularBenchmark(contentsOfFile: EngineTestSupport.fullBenchmarkPath) }

    static func settings(strategy: StrategyName = .random, budget: Int = 30) -> ExperimentSettings {
        var settings = EngineTestSupport.tabularSettings(budget: budget, strategy: strategy)
        settings.benchmark = EngineTestSupport.fullBenchmarkPath
        return settings
    }

    /// The run stops at the first trial whose cost takes the spent seconds to the budget or past it.
    func testABudgetInSimulatedSecondsStopsAtTheRightTrial() throws {
        var settings = Self.settings()
        settings.budgetSeconds = 10_000
        settings.budget = ExperimentSettings.unlimitedTrials
        settings.pruner = .none
        let (engine, state, store) = try EngineTestSupport.engine(settings)
        XCTAssertEqual(try engine.run(), .budgetMet)
        let trials = try store.allFinishedTrials(study: engine.study.id)
        let table = try Self.table.get()
        let costs = trials.map { table.entry(for: $0.genotype)!.trainSeconds! }
        XCTAssertEqual(trials.map { $0.costSeconds! }, costs, "each full query costs the table's train_seconds, stored")
        XCTAssertLessThan(costs.dropLast().reduce(0, +), 10_000, "the budget was not spent before the last trial")
        XCTAssertGreaterThanOrEqual(costs.reduce(0, +), 10_000, "and the last trial spent it")
        let control = try store.control(study: engine.study.id)
        XCTAssertEqual(control.spentSeconds, costs.reduce(0, +), accuracy: 1e-6)
        XCTAssertEqual(control.budgetSeconds, 10_000)
        XCTAssertTrue(control.budgetMet)
        XCTAssertEqual(state.snapshot.budget, 0, "no trial budget to show")
        XCTAssertEqual(state.snapshot.budgetSeconds, 10_000)
        XCTAssertEqual(state.snapshot.spentSeconds, control.spentSeconds, accuracy: 1e-6)
        XCTAssertTrue(state.snapshot.log.contains { $0.hasPrefix("budget of 10000 simulated seconds spent") }, "\(state.snapshot.log)")
    }

    func testDeviceLatencyIsTheTablesColumn() throws {
        var settings = Self.settings(budget: 6)
        settings.device = "pixel3"
        let (engine, state, store) = try EngineTestSupport.engine(settings)
        try engine.run()
        let table = try Self.table.get()
        for trial in try store.allFinishedTrials(study: engine.study.id) {
            XCTAssertEqual(trial.latencyMs, table.entry(for: trial.genotype)!.deviceLatencyMs["pixel3"], "trial \(trial.id)")
        }
        XCTAssertEqual(state.snapshot.device, "pixel3", "the Pareto title names it")
        XCTAssertTrue(state.snapshot.paretoFront.count >= 1)
    }

    func testBadDeviceAndBudgetSecondsAreRefusedBeforeAnythingIsStored() throws {
        let store = try SQLiteStudyStore()
        var settings = Self.settings()
        settings.device = "pixel9"
        XCTAssertThrowsError(try StudyOpening.prepareRun(store: store, name: "a", settings: settings, resume: false)) {
            XCTAssertEqual("\($0)", "--device pixel9: \(EngineTestSupport.fullBenchmarkPath) has no column latency_pixel9_ms; accepted: "
                + "raspi4, pixel3, pixel2, samsung_a50, samsung_s7, fpga, eyeriss, gold_6240, silver_4210r, 2080ti_1, titanxp_32")
        }
        settings.device = nil
        settings.budgetSeconds = 0
        XCTAssertThrowsError(try StudyOpening.prepareRun(store: store, name: "a", settings: settings, resume: false)) {
            XCTAssertEqual("\($0)", "budget seconds 0.0; accepted: a positive number of simulated seconds")
        }
        var subset = EngineTestSupport.tabularSettings(budget: 5)
        subset.budgetSeconds = 100
        XCTAssertThrowsError(try StudyOpening.prepareRun(store: store, name: "a", settings: subset, resume: false)) {
            XCTAssertTrue("\($0)".hasPrefix("--budget-seconds 100.0: \(EngineTestSupport.benchmarkPath) has no train_seconds column"), "\($0)")
        }
        var training = EngineTestSupport.tabularSettings(budget: 5)
        training.benchmark = nil
        training.device = "raspi4"
        XCTAssertThrowsError(try training.validate()) { XCTAssertTrue("\($0)".contains("accepted with --benchmark FILE.csv"), "\($0)") }
        XCTAssertEqual(try store.studySummaries().count, 0, "nothing was created")
    }

    /// Hyperband asks for 12-epoch queries (cost 12/200 of train_seconds), promotes the best of
    /// each rung to 200 epochs, and only full queries rank and are the best.
    func testHyperbandOverTheTablesFidelities() throws {
        var settings = Self.settings(strategy: .hyperband, budget: 30)
        settings.hyperbandEta = 4
        let (engine, state, store) = try EngineTestSupport.engine(settings)
        try engine.run()
        let trials = try store.allFinishedTrials(study: engine.study.id)
        XCTAssertEqual(trials.count, 30)
        let table = try Self.table.get()
        // Bracket s = 1 with η = 4: 4 at 12 epochs, the best one at 200; bracket s = 0: 2 at 200.
        XCTAssertEqual(trials.prefix(7).map(\.fidelity), [12, 12, 12, 12, nil, nil, nil])
        let first = trials.prefix(4)
        let promoted = first.max { $0.accuracy! < $1.accuracy! }!
        XCTAssertEqual(trials[4].genotype, promoted.genotype)
        XCTAssertEqual(trials[4].accuracy, table.entry(for: promoted.genotype)!.accuracies["cifar10_val_acc"])
        for trial in trials {
            let entry = table.entry(for: trial.genotype)!
            let expected = entry.trainSeconds! * Double(trial.fidelity ?? 200) / 200
            XCTAssertEqual(trial.costSeconds!, expected, accuracy: 1e-9, "trial \(trial.id)")
            if let fidelity = trial.fidelity {
                XCTAssertEqual(fidelity, 12)
                XCTAssertEqual(trial.accuracy, entry.lowFidelity["cifar10_val_acc_epoch12"])
            }
        }
        let best = try XCTUnwrap(state.snapshot.best)
        XCTAssertNil(best.fidelity, "the best is a full query")
        XCTAssertEqual(best.accuracy, trials.filter { $0.fidelity == nil }.compactMap(\.accuracy).max())
        XCTAssertEqual(state.snapshot.trials.map(\.fidelity).prefix(5), ["12 ep", "12 ep", "12 ep", "12 ep", nil])
    }

    /// Under a budget in seconds, the median pruner sees each full query's 12-epoch value first;
    /// a pruned query costs 12/200 of its training seconds.
    func testThePrunerActsOnTheCheapFidelityUnderABudgetInSeconds() throws {
        var settings = Self.settings(budget: 40)
        settings.budgetSeconds = 1e9
        settings.pruner = .median
        let (engine, _, store) = try EngineTestSupport.engine(settings)
        try engine.run()
        let trials = try store.allFinishedTrials(study: engine.study.id)
        let table = try Self.table.get()
        let pruned = trials.filter { $0.status == .pruned }
        XCTAssertFalse(pruned.isEmpty)
        for trial in pruned {
            let entry = table.entry(for: trial.genotype)!
            XCTAssertNil(trial.fidelity, "stopped early like a pruned training trial, not a low-fidelity request")
            XCTAssertEqual(trial.costSeconds!, entry.trainSeconds! * 12 / 200, accuracy: 1e-9)
            XCTAssertEqual(trial.epochs.map(\.epoch), [12])
            XCTAssertTrue(trial.epochs[0].trainLoss.isNaN, "a looked-up epoch has no training loss (NULL in the storage)")
        }
        for trial in trials where trial.status == .complete {
            XCTAssertEqual(trial.epochs.map(\.epoch), [12, 200])
            XCTAssertNil(trial.fidelity)
        }
        var plain = Self.settings(budget: 10)
        plain.pruner = .median
        XCTAssertNil(Engine.pruner(for: plain), "under a trial budget a table is not pruned")
    }

    /// A v2 file's epochs survive the v3 migration, whose epochs may lack training figures.
    func testAVersion2FileMigratesToVersion3() throws {
        let path = try EngineTestSupport.temporaryDirectory() + "/v2.db"
        let queue = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator(defaultStudyName: "v2").migrate(queue, upTo: "v2")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO studies (id, name, settings_json, state, budget, strategy, created_at, updated_at)
                VALUES (1, 'v2', '{}', 'running', 5, 'random', 0, 0);
                INSERT INTO trial_epochs VALUES (1, 1, 1, 0.5, 0.8, 0.6, 0.9, 0.01, 2.0);
                """)
        }
        try queue.close()
        let store = try SQLiteStudyStore(path: path, create: false)
        let rows = try store.database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM trial_epochs") }
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0]["train_loss"] as Double?, 0.5)
        XCTAssertEqual(try store.database.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'") }, "3")
        try store.database.write { db in
            try db.execute(sql: "INSERT INTO trial_epochs VALUES (1, 1, 12, NULL, NULL, NULL, 0.7, 0, 0)")
        }
    }
}
