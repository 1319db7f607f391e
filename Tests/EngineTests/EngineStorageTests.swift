import Foundation
import GRDB
import XCTest
@testable import Engine
import NAS
import Search

/// Studies survive a crash; foreign and newer files are refused untouched; v1 files migrate;
/// exports round-trip.
final class EngineStorageTests: XCTestCase {
    func testResumeAfterSIGKILLFindsEveryCompletedTrial() throws {
        let binary = EngineTestSupport.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw XCTSkip("\(binary) not built") }
        let directory = try EngineTestSupport.temporaryDirectory()
        let study = directory + "/study.db"
        let arguments = ["run", "--headless", "--space", "nb201", "--benchmark", EngineTestSupport.benchmarkPath,
                         "--strategy", "evolution", "--budget", "3000", "--storage", study]
        let first = Process()
        first.executableURL = URL(fileURLWithPath: binary)
        first.arguments = arguments
        first.standardError = FileHandle.nullDevice
        try first.run()
        var before: [Trial] = []
        XCTAssertTrue(EngineTestSupport.wait(timeout: 60) {
            before = (try? Self.trials(study)) ?? []
            return before.filter { $0.status == .complete }.count >= 100
        })
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationReason, .uncaughtSignal)
        before = try Self.trials(study)
        XCTAssertLessThan(before.count, 3000, "killed before the budget was met")

        let second = Process()
        second.executableURL = URL(fileURLWithPath: binary)
        second.arguments = ["run", "--headless", "--resume", "--storage", study]
        second.standardError = FileHandle.nullDevice
        try second.run()
        second.waitUntilExit()
        XCTAssertEqual(second.terminationStatus, 0)
        let after = try Self.trials(study)
        XCTAssertEqual(after.filter { $0.status == .complete }.count, 3000, "the budget is met in complete trials")
        let byID = Dictionary(uniqueKeysWithValues: after.map { ($0.id, $0) })
        for trial in before where trial.status == .complete {
            XCTAssertEqual(byID[trial.id]?.accuracy, trial.accuracy, "trial \(trial.id)")
            XCTAssertEqual(byID[trial.id]?.genotype, trial.genotype)
        }
        XCTAssertEqual(Set(after.map(\.id)).count, after.count)
    }

    /// The finished trials of the study named after the file.
    static func trials(_ path: String) throws -> [Trial] {
        let store = try SQLiteStudyStore(path: path, create: false, readOnly: true)
        guard let record = try store.study(named: SQLiteStudyStore.defaultStudyName(forPath: path)) else {
            throw StoreError.io("\(path): no study yet")
        }
        return try store.allFinishedTrials(study: record.id)
    }

    /// A resumed study draws a random stream of its own: with the first run's stream, a run
    /// resumed after nine trials drew the first nine architectures again, and a space sample
    /// (one draw and eight retries) then proposed the ninth a second time.
    func testAResumedStudyDoesNotProposeTheFirstRunsArchitecturesAgain() throws {
        let (first, _, store) = try EngineTestSupport.engine(EngineTestSupport.trainingSettings(budget: 20))
        guard case .sampler(let sampler) = first.strategy else { return XCTFail("random search is a sampler") }
        let drawn = try (0..<9).map { _ in try sampler.ask(using: &first.generator) }
        XCTAssertEqual(Set(drawn).count, 9)
        let record = try XCTUnwrap(try store.study(named: "test"))
        for genotype in drawn {
            guard case .trial(var trial) = try store.claim(study: record.id, worker: "first", proposal: TrialProposal(genotype: genotype, strategy: "random")) else {
                return XCTFail("claimed")
            }
            trial.status = .complete; trial.accuracy = 0.5; trial.fitness = 0.5
            try store.finish(trial, study: record.id)
        }
        let resumed = try Engine(study: record, store: store, state: StateStore())
        guard case .sampler(let again) = resumed.strategy else { return XCTFail("random search is a sampler") }
        for _ in 0..<3 {
            let next = try again.ask(using: &resumed.generator)
            XCTAssertFalse(drawn.contains(next), "proposed again: \(next.summary)")
        }
    }

    func testForeignAndNewerFilesAreRefusedUntouched() throws {
        let directory = try EngineTestSupport.temporaryDirectory()
        let text = directory + "/notes.db"
        try "not a database".write(toFile: text, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SQLiteStudyStore(path: text, create: true)) { XCTAssertTrue("\($0)".contains("not a nas-tui study"), "\($0)") }
        XCTAssertEqual(try String(contentsOfFile: text, encoding: .utf8), "not a database")

        let newer = directory + "/newer.db"
        _ = try SQLiteStudyStore(path: newer, create: true)
        let writer = try DatabaseQueue(path: newer)
        try writer.write { try $0.execute(sql: "UPDATE meta SET value = '99' WHERE key = 'schema_version'") }
        try writer.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: newer))
        XCTAssertThrowsError(try SQLiteStudyStore(path: newer, create: false)) {
            XCTAssertEqual("\($0)", "\(newer): written by a newer nas-tui (schema 99, this build reads up to 3); upgrade nas-tui or use another --storage file")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: newer)), bytes, "refused untouched")

        // A migration this build does not know is refused the same way.
        let later = directory + "/later.db"
        _ = try SQLiteStudyStore(path: later, create: true)
        let migrator = try DatabaseQueue(path: later)
        try migrator.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')") }
        try migrator.close()
        XCTAssertThrowsError(try SQLiteStudyStore(path: later, create: false)) { XCTAssertTrue("\($0)".contains("newer nas-tui"), "\($0)") }
    }

    func testAVersionOneFileMigratesAndKeepsItsTrials() throws {
        let directory = try EngineTestSupport.temporaryDirectory()
        let path = directory + "/old-search.db"
        var settings = EngineTestSupport.tabularSettings(budget: 4, strategy: .tpe)
        settings.seed = 3
        let genotype = try Genotype.parse("|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|nor_conv_1x1~1|none~2|")
        let v1 = try DatabaseQueue(path: path)
        try v1.write { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT INTO meta VALUES ('application', 'nas-tui'), ('schema_version', '1');
                CREATE TABLE study (id INTEGER PRIMARY KEY CHECK (id = 1), created_at REAL NOT NULL, settings_json TEXT NOT NULL);
                CREATE TABLE trials (id INTEGER PRIMARY KEY, genotype_json TEXT NOT NULL, summary TEXT NOT NULL, space TEXT NOT NULL,
                    strategy TEXT NOT NULL, status TEXT NOT NULL, accuracy REAL, fitness REAL, latency_ms REAL, params INTEGER,
                    flops INTEGER, note TEXT, seconds REAL, started_at REAL NOT NULL, finished_at REAL);
                CREATE TABLE trial_epochs (trial_id INTEGER NOT NULL REFERENCES trials(id), epoch INTEGER NOT NULL,
                    train_loss REAL NOT NULL, train_accuracy REAL NOT NULL, validation_loss REAL, validation_accuracy REAL,
                    learning_rate REAL NOT NULL, seconds REAL NOT NULL, PRIMARY KEY (trial_id, epoch));
                """)
            try db.execute(sql: "INSERT INTO study VALUES (1, 1700000000, ?)", arguments: [settings.json])
            for id in 1...3 {
                try db.execute(sql: """
                    INSERT INTO trials (id, genotype_json, summary, space, strategy, status, accuracy, fitness, started_at, finished_at)
                    VALUES (?, ?, ?, 'nb201', 'tpe', ?, ?, ?, 1700000000, 1700000001)
                    """, arguments: [id, genotype.jsonString, genotype.summary, id == 3 ? "running" : "complete",
                                     id == 3 ? nil : 0.9 + Double(id) / 100, id == 3 ? nil : 0.9 + Double(id) / 100])
            }
            try db.execute(sql: "INSERT INTO trial_epochs VALUES (2, 1, 0.5, 0.8, 0.6, 0.92, 0.01, 3.5)")
        }
        try v1.close()

        let store = try SQLiteStudyStore(path: path, create: false)
        let record = try XCTUnwrap(try store.study(named: "old-search"), "the study is named after the file")
        XCTAssertEqual(record.budget, 4)
        XCTAssertEqual(record.strategy, "tpe")
        XCTAssertEqual(try ExperimentSettings.decode(record.settings), settings)
        let finished = try store.allFinishedTrials(study: record.id)
        XCTAssertEqual(finished.map(\.id), [1, 2])
        XCTAssertEqual(finished.map(\.accuracy), [0.91, 0.92])
        XCTAssertEqual(finished[1].epochs, [EpochReport(epoch: 1, trainLoss: 0.5, trainAccuracy: 0.8, validationLoss: 0.6,
                                                        validationAccuracy: 0.92, learningRate: 0.01, seconds: 3.5)])
        XCTAssertEqual(try store.runningTrials(study: record.id).map(\.id), [3], "the crashed trial is still visible")
        let schema = try DatabaseQueue(path: path).read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'") }
        XCTAssertEqual(schema, "3", "v1 migrates through v2 to the current schema")

        // Resumed, the interrupted trial 3 is failed (not counted) and its architecture runs again.
        let state = StateStore()
        let engine = try Engine(study: try StudyOpening.prepareRun(store: store, name: "old-search", settings: settings, resume: true),
                                store: store, state: state)
        XCTAssertEqual(try engine.run(), .budgetMet)
        let all = try store.allFinishedTrials(study: record.id)
        XCTAssertEqual(all.filter { $0.status == .complete }.count, 4)
        let three = try XCTUnwrap(all.first { $0.id == 3 })
        XCTAssertEqual(three.status, .failed)
        XCTAssertEqual(three.note, "interrupted: the process ended before the trial finished")
        let retry = try XCTUnwrap(all.first { $0.retryOf == 3 })
        XCTAssertEqual(retry.genotype, genotype)
        XCTAssertEqual(retry.origin, .retry)
        XCTAssertEqual(retry.status, .complete)
    }

    func testStoredTrialsRoundTripAndExportFormatsParse() throws {
        let directory = try EngineTestSupport.temporaryDirectory()
        let store = try SQLiteStudyStore(path: directory + "/s.db", create: true)
        let (engine, _, _) = try EngineTestSupport.engine(EngineTestSupport.tabularSettings(budget: 30), store: store, name: "s")
        try engine.run()
        let trials = try Self.trials(directory + "/s.db")
        XCTAssertEqual(trials.count, 30)
        let best = try XCTUnwrap(StudyExport.bestTrial(trials))
        for format in [StudyExport.Format.json, .nb201] {
            let text = try StudyExport.best(best, format: format)
            XCTAssertEqual(try Genotype.parse(text), best.genotype, format.rawValue)
        }
        XCTAssertThrowsError(try StudyExport.best(best, format: .darts))
        let csv = StudyExport.csv(trials).split(separator: "\n")
        XCTAssertEqual(csv.count, 31)
        XCTAssertEqual(csv[0], "id,strategy,status,arch,accuracy,latency_ms,params,flops,epochs")
        let path = StudyExport.defaultPath(store: store, study: "s")
        XCTAssertEqual(path, directory + "/s.best.json")
        XCTAssertEqual(StudyExport.defaultPath(store: store, study: "other"), directory + "/s.other.best.json")
        let written = try StudyExport.writeBest(best, to: path)
        XCTAssertEqual(written, [directory + "/s.best.json", directory + "/s.best.nb201.txt"])
        XCTAssertEqual(try Genotype.parse(String(contentsOfFile: written[0], encoding: .utf8)), best.genotype)
    }
}
