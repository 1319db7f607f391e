import Foundation
import XCTest
import PostgresTestSupport
@testable import Engine
import NAS
import Search

/// The PostgreSQL store against a real server the tests start (tools/pg_test_server.sh): the
/// SQLite store's semantics, atomic claims from many connections, a server restart, bad URLs.
final class PostgresStoreTests: PostgresServerTestCase {
    func testTheStoreKeepsStudiesTrialsCommandsAndWorkersAsSQLiteDoes() throws {
        let (url, _) = try freshDatabase()
        XCTAssertThrowsError(try PostgresStudyStore(url: url, create: false)) { error in
            XCTAssertEqual("\(error)", "postgresql://nastui:***@127.0.0.1:\(Self.server!.port)/\(url.split(separator: "/").last!): the database holds no nas-tui schema (no nas_tui.meta table); accepted: a database where nas-tui run --storage postgresql://nastui:***@127.0.0.1:\(Self.server!.port)/\(url.split(separator: "/").last!) created a study")
        }
        let store = try PostgresStudyStore(url: url, create: true)
        XCTAssertFalse(store.location.contains("s3cret"), store.location)
        XCTAssertEqual(try store.studySummaries(), [])
        let settings = EngineTestSupport.tabularSettings(budget: 3)
        let record = try StudyOpening.prepareRun(store: store, name: "alpha", settings: settings, resume: false)
        XCTAssertThrowsError(try StudyOpening.prepareRun(store: store, name: "alpha", settings: settings, resume: false)) { error in
            XCTAssertEqual(error as? StoreError, .duplicateStudy(name: "alpha", trials: 0))
        }
        XCTAssertEqual(try store.study(named: "alpha")?.budget, 3)
        let worker = WorkerInfo(id: "host:1:a", host: "elsewhere", pid: 1)
        XCTAssertEqual(try store.register(worker, study: record.id), 0)
        XCTAssertEqual(try store.liveWorkers(study: record.id, graceSeconds: 30).map(\.id), ["host:1:a"])

        let genotypes = [try Genotype.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"),
                         try Genotype.parse("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|")]
        guard case .trial(var first) = try store.claim(study: record.id, worker: worker.id, proposal: TrialProposal(genotype: genotypes[0], strategy: "random")) else {
            return XCTFail("the first claim gets a trial")
        }
        XCTAssertEqual(first.id, 1)
        XCTAssertEqual(try store.runningTrials(study: record.id).map(\.id), [1])
        first.epochs = [EpochReport(epoch: 1, trainLoss: 1.5, trainAccuracy: 0.4, validationLoss: nil, validationAccuracy: 0.5, learningRate: 0.1, seconds: 2)]
        first.steps = [TrainingLossPoint(epoch: 0.5, loss: 2), TrainingLossPoint(epoch: 1, loss: 1.5)]
        try store.recordProgress(first, study: record.id)
        XCTAssertEqual(try store.runningTrials(study: record.id).first?.steps.count, 2)
        first.status = .complete; first.accuracy = 0.9; first.fitness = 0.9; first.parameters = 1234; first.flops = 5678
        try store.finish(first, study: record.id)
        XCTAssertThrowsError(try store.finish({ var t = first; t.accuracy = 0.1; return t }(), study: record.id), "a trial finishes once") { error in
            XCTAssertEqual(error as? StoreError, .trialTaken(id: 1, location: store.location))
        }
        let (stored, cursor) = try store.finishedTrials(study: record.id, after: 0)
        XCTAssertEqual(stored, [first], "a finished trial reads back as written (epochs with no validation loss, steps)")
        XCTAssertEqual(try store.finishedTrials(study: record.id, after: cursor).trials, [])

        // An interrupted trial does not count and is queued again, with its attempt.
        guard case .trial(let second) = try store.claim(study: record.id, worker: worker.id, proposal: TrialProposal(genotype: genotypes[1], strategy: "random")) else {
            return XCTFail("a second claim")
        }
        try store.interrupt(trialID: second.id, study: record.id, note: "interrupted: test")
        XCTAssertEqual(try store.control(study: record.id).countedTrials, 1)
        guard case .trial(let retry) = try store.claim(study: record.id, worker: worker.id, proposal: TrialProposal(genotype: genotypes[0], strategy: "tpe")) else {
            return XCTFail("the retry is claimed")
        }
        XCTAssertEqual(retry.genotype, genotypes[1], "the queued architecture comes before the proposal")
        XCTAssertEqual(retry.origin, .retry)
        XCTAssertEqual(retry.retryOf, second.id)
        XCTAssertEqual(try store.runningTrials(study: record.id).first?.genotype.summary, genotypes[1].summary)

        // A worker that is gone: its trial fails as lost and is queued for the third attempt.
        try store.unregister(worker: worker.id, study: record.id)
        XCTAssertEqual(try store.recoverLostTrials(study: record.id, graceSeconds: 30), [retry.id])
        XCTAssertEqual(try store.recoverLostTrials(study: record.id, graceSeconds: 30), [], "once")
        let lost = try XCTUnwrap(try store.allFinishedTrials(study: record.id).first { $0.id == retry.id })
        XCTAssertEqual(lost.note, "worker lost: host:1:a stopped sending heartbeats")
        let attempts = Self.server!.psql("SELECT attempt FROM nas_tui.queue ORDER BY id", database: String(url.split(separator: "/").last!))
        XCTAssertEqual(attempts, "2\n3\n")

        // Commands steer the study row and are logged.
        try store.send(.pause, study: record.id, issuer: "attach@test")
        try store.send(.changeBudget(by: 2), study: record.id, issuer: "attach@test")
        try store.send(.switchStrategy("tpe"), study: record.id, issuer: "attach@test")
        let control = try store.control(study: record.id)
        XCTAssertEqual(control.state, .paused)
        XCTAssertEqual(control.budget, 5)
        XCTAssertEqual(control.strategy, "tpe")
        XCTAssertEqual(try store.commands(study: record.id, after: 0).map(\.command), [.pause, .changeBudget(by: 2), .switchStrategy("tpe")])
        XCTAssertEqual(try store.commands(study: record.id, after: control.lastCommand - 1).count, 1)
        let summary = try XCTUnwrap(try store.studySummaries().first)
        XCTAssertEqual(summary.name, "alpha")
        XCTAssertEqual(summary.complete, 1)
        XCTAssertEqual(summary.failed, 2)
        XCTAssertEqual(summary.bestTrialID, 1)
        XCTAssertEqual(summary.bestAccuracy, 0.9)
        XCTAssertEqual(try store.studyNames(), ["alpha"])
        let frame = try store.changes(study: record.id, finishedAfter: 0, commandsAfter: 1)
        XCTAssertEqual(frame.control, control)
        XCTAssertEqual(frame.finished, try store.allFinishedTrials(study: record.id))
        XCTAssertEqual(frame.running, [])
        XCTAssertEqual(frame.commands.map(\.command), [.changeBudget(by: 2), .switchStrategy("tpe")])

        // view: read-only, nothing written.
        let viewer = try PostgresStudyStore(url: url, create: false, readOnly: true)
        XCTAssertEqual(try viewer.allFinishedTrials(study: record.id).count, 3)
        XCTAssertThrowsError(try viewer.send(.resume, study: record.id, issuer: "view")) { error in
            XCTAssertEqual(error as? StoreError, .readOnly("\(viewer.location): opened read-only (view); nothing is changed"))
        }
    }

    func testClaimsFromManyConnectionsNeverShareAnIdAndStopAtTheBudget() throws {
        let (url, _) = try freshDatabase()
        let first = try PostgresStudyStore(url: url, create: true)
        let record = try StudyOpening.prepareRun(store: first, name: "race", settings: EngineTestSupport.tabularSettings(budget: 400), resume: false)
        let genotype = try Genotype.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
        let lock = NSLock()
        final class Results: @unchecked Sendable { var ids: [Int] = []; var failures: [String] = [] }
        let results = Results()
        let threads = 6
        let group = DispatchGroup()
        for t in 0..<threads {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                do {
                    let store = try PostgresStudyStore(url: url, create: false)
                    let worker = WorkerInfo(id: "w\(t)", host: "test", pid: Int32(t))
                    _ = try store.register(worker, study: record.id)
                    // Half the connections finish and claim in one call (finish_and_claim), as engines do.
                    let proposal = TrialProposal(genotype: genotype, strategy: "random")
                    var claim = try store.claim(study: record.id, worker: worker.id, proposal: proposal)
                    while case .trial(var trial) = claim {
                        trial.status = .complete; trial.accuracy = Double(trial.id)
                        if t % 2 == 0 {
                            claim = try store.finish(trial, study: record.id, thenClaimFor: worker.id, proposal: proposal)
                        } else {
                            try store.finish(trial, study: record.id)
                            claim = try store.claim(study: record.id, worker: worker.id, proposal: proposal)
                        }
                        lock.lock(); results.ids.append(trial.id); lock.unlock()
                    }
                } catch {
                    lock.lock(); results.failures.append("\(error)"); lock.unlock()
                }
            }
            thread.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(results.failures, [])
        XCTAssertEqual(results.ids.count, 400)
        XCTAssertEqual(Set(results.ids), Set(1...400), "every id once")
        let control = try first.control(study: record.id)
        XCTAssertEqual(control.countedFinished, 400)
        XCTAssertTrue(control.budgetMet)
    }

    func testAServerRestartIsRiddenOutAndNothingCommittedIsLost() throws {
        let (url, server) = try freshDatabase()
        let store = try PostgresStudyStore(url: url, create: true)
        let record = try StudyOpening.prepareRun(store: store, name: "restart", settings: EngineTestSupport.tabularSettings(budget: 60), resume: false)
        let genotype = try Genotype.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
        _ = try store.register(WorkerInfo(id: "w", host: "test", pid: 1), study: record.id)
        var finished = 0
        while case .trial(var trial) = try store.claim(study: record.id, worker: "w", proposal: TrialProposal(genotype: genotype, strategy: "random")) {
            trial.status = .complete; trial.accuracy = 0.5
            try store.finish(trial, study: record.id)
            finished += 1
            if finished == 20 { XCTAssertEqual(server.control("restart").0, 0, "the server restarts") }
        }
        XCTAssertGreaterThanOrEqual(store.reconnections, 1)
        let trials = try store.allFinishedTrials(study: record.id)
        XCTAssertEqual(trials.filter { $0.status == .complete }.count, 60)
        XCTAssertEqual(Set(trials.map(\.id)).count, trials.count)
        XCTAssertEqual(try store.runningTrials(study: record.id), [], "no orphan left running")
    }

    func testBadURLsAndServersAreNamedWithoutThePassword() throws {
        let (url, server) = try freshDatabase()
        func message(_ text: String) -> String {
            do { _ = try StudyOpening.openStore(text, create: false); return "opened" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("postgresql://nastui:pw@127.0.0.1:notaport/db"),
                       "postgresql://nastui:***@127.0.0.1:notaport/db: not a PostgreSQL storage URL (port 'notaport' is not 1 to 65535); accepted: postgresql://user[:password]@host[:port]/database")
        XCTAssertEqual(message("postgresql://127.0.0.1/db"),
                       "postgresql://127.0.0.1/db: not a PostgreSQL storage URL (no user: write user@host); accepted: postgresql://user[:password]@host[:port]/database")
        XCTAssertEqual(message("postgresql://u:pw@host"),
                       "postgresql://u:***@host: not a PostgreSQL storage URL (no database: end the URL with /database); accepted: postgresql://user[:password]@host[:port]/database")
        // A port nobody listens on (the tests' server, stopped ports aside: port 1).
        let refused = message("postgresql://nastui:\(server.password)@127.0.0.1:1/nastui")
        XCTAssertTrue(refused.hasPrefix("postgresql://nastui:***@127.0.0.1:1/nastui: cannot connect to a PostgreSQL server at 127.0.0.1:1 ("), refused)
        let wrong = message(server.url(password: "wrong"))
        XCTAssertTrue(wrong.hasPrefix("postgresql://nastui:***@127.0.0.1:\(server.port)/nastui: the server at 127.0.0.1:\(server.port) refused the credentials of user nastui"), wrong)
        let missing = message(server.url(database: "nosuchdb"))
        XCTAssertTrue(missing.contains("has no database nosuchdb"), missing)
        for text in [refused, wrong, missing] { XCTAssertFalse(text.contains(server.password), text) }
        XCTAssertTrue(message(url).contains("holds no nas-tui schema"))
        // A foreign nas_tui schema is refused, untouched.
        let name = String(url.split(separator: "/").last!)
        server.psql("CREATE SCHEMA nas_tui; CREATE TABLE nas_tui.meta (key TEXT, value TEXT); INSERT INTO nas_tui.meta VALUES ('application', 'other')", database: name)
        let foreign = (try? StudyOpening.openStore(url, create: true)).map { _ in "opened" } ?? message(url)
        XCTAssertTrue(foreign.contains("the schema nas_tui is not nas-tui's (application 'other')"), foreign)
    }

    func testTheJoinedFinishAndClaimAsSQLiteDoes() throws {
        let (url, _) = try freshDatabase()
        try FinishThenClaimCheck.run(try PostgresStudyStore(url: url, create: true))
    }

    func testTheStudyListNamesTheBestFullTrialAsSQLiteDoes() throws {
        let (url, _) = try freshDatabase()
        try BestTrialTests.checkSummary(try PostgresStudyStore(url: url, create: true))
    }

    /// Two engines share the budget; each writes a finished trial with its next claim (one
    /// `finish_and_claim` call, one commit), the last ones on their own (`finish`).
    func testEnginesOnTwoConnectionsShareTheBudgetAndTPETreatsRunningTrialsAsLiars() throws {
        let (url, server) = try freshDatabase()
        let database = PostgresTestServer.database(of: url)
        XCTAssertEqual(server.psql("ALTER DATABASE \(database) SET track_functions = 'all'", database: database), "")
        let store = try PostgresStudyStore(url: url, create: true)
        let settings = EngineTestSupport.tabularSettings(budget: 120, strategy: .tpe)
        let record = try StudyOpening.prepareRun(store: store, name: "pair", settings: settings, resume: false)
        let studyRowUpdates = "SELECT n_tup_upd FROM pg_stat_user_tables WHERE schemaname = 'nas_tui' AND relname = 'studies'"
        let updatesBefore = Int(server.psql(studyRowUpdates, database: database).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        XCTAssertGreaterThanOrEqual(updatesBefore, 0, "pg_stat_user_tables has the studies table")
        do {
            let engines = try (0..<2).map { i in
                try Engine(study: record, store: try PostgresStudyStore(url: url, create: false), state: StateStore(),
                           worker: WorkerInfo(id: "pair:\(i)", host: ProcessInfo.processInfo.hostName, pid: ProcessInfo.processInfo.processIdentifier),
                           seedSalt: UInt64(i))
            }
            let handles = engines.map { $0.start() }
            for handle in handles { XCTAssertEqual(try handle.wait().get(), .budgetMet) }
        }
        // The engines' connections are closed: their backends report their function calls.
        var calls = ""
        XCTAssertTrue(EngineTestSupport.wait(timeout: 20) {
            calls = server.psql("SELECT funcname, calls FROM pg_stat_user_functions WHERE schemaname = 'nas_tui' AND funcname IN ('claim', 'finish', 'finish_and_claim') ORDER BY funcname", database: database)
            // finish_and_claim finishes in its own body (v5): each trial is one call of either.
            let finishes = calls.split(separator: "\n").filter { $0.hasPrefix("finish|") || $0.hasPrefix("finish_and_claim|") }
                .compactMap { Int($0.split(separator: "|").last ?? "") }
            return calls.contains("finish_and_claim") && finishes.reduce(0, +) == 120
        }, calls)
        let counts = Dictionary(uniqueKeysWithValues: calls.split(separator: "\n").map { row in
            (String(row.split(separator: "|")[0]), Int(row.split(separator: "|")[1]) ?? -1)
        })
        let joined = try XCTUnwrap(counts["finish_and_claim"], calls)
        XCTAssertEqual((counts["finish"] ?? 0) + joined, 120, "every trial finished once (\(calls))")
        XCTAssertGreaterThanOrEqual(joined, 110, "all but each engine's last few trials are written with the next claim (\(calls))")
        XCTAssertLessThanOrEqual(joined, 120, calls)
        // v5's finish_and_claim writes the study row once per trial (v4 wrote it three times); the
        // rest are the engines' own finishes, first claims and state changes.
        var updates = -1
        XCTAssertTrue(EngineTestSupport.wait(timeout: 20) {
            updates = (Int(server.psql(studyRowUpdates, database: database).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1) - updatesBefore
            return updates >= 120
        }, "study row updates: \(updates)")
        XCTAssertLessThanOrEqual(updates, 150, "the study row is written about once per trial, not three times")
        let trials = try store.allFinishedTrials(study: record.id)
        XCTAssertEqual(trials.count, 120)
        XCTAssertEqual(Set(trials.map(\.id)), Set(1...120))
        XCTAssertEqual(Set(trials.compactMap(\.worker)), ["pair:0", "pair:1"], "both worked")
        XCTAssertEqual(trials.filter { $0.status == .complete }.count, 120)
    }

    /// `attach` on a PostgreSQL study (its follower, in this process) pauses every worker
    /// process of it, and resuming lets them finish the budget.
    func testAttachPausesEveryWorkerProcessAndResumeFinishesTheStudy() throws {
        let (url, _) = try freshDatabase()
        guard FileManager.default.isExecutableFile(atPath: EngineTestSupport.binary) else { throw XCTSkip("\(EngineTestSupport.binary) not built") }
        let store = try PostgresStudyStore(url: url, create: true)
        var settings = EngineTestSupport.tabularSettings(budget: 1_000_000)
        settings.benchmark = EngineTestSupport.benchmarkPath
        let record = try StudyOpening.prepareRun(store: store, name: "steered", settings: settings, resume: false)
        func start() throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: EngineTestSupport.binary)
            process.arguments = ["worker", "--storage", url, "--study", "steered"]
            process.standardError = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return process
        }
        let workers = [try start(), try start()]
        defer { for worker in workers where worker.isRunning { kill(worker.processIdentifier, SIGKILL); worker.waitUntilExit() } }
        func finished() -> Int { (try? store.control(study: record.id).countedFinished) ?? -1 }
        XCTAssertTrue(EngineTestSupport.wait(timeout: 60) { (try? store.liveWorkers(study: record.id, graceSeconds: 30).count) == 2 && finished() > 50 })
        let state = StateStore()
        let follower = try StudyFollower(store: try PostgresStudyStore(url: url, create: false), study: record, mode: .attach, state: state)
        follower.start()
        defer { follower.stop() }
        state.send(.pause)
        XCTAssertTrue(EngineTestSupport.wait(timeout: 10) { (try? store.control(study: record.id).state) == .paused })
        // Each worker stops at its next poll (0.1 s): after a second nothing more finishes.
        Thread.sleep(forTimeInterval: 1)
        let paused = finished()
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(finished(), paused, "no worker goes on while the study is paused")
        XCTAssertEqual(try store.runningTrials(study: record.id).count, 0, "between trials")
        XCTAssertTrue(workers.allSatisfy(\.isRunning), "paused, not gone")
        state.send(.changeBudget(by: paused + 40 - 1_000_000))
        state.send(.resume)
        for worker in workers {
            XCTAssertTrue(EngineTestSupport.wait(timeout: 60) { !worker.isRunning }, "the workers finish the lowered budget")
            XCTAssertEqual(worker.terminationStatus, 0)
        }
        let trials = try store.allFinishedTrials(study: record.id)
        XCTAssertEqual(trials.filter { $0.status == .complete }.count, try store.control(study: record.id).budget)
        XCTAssertGreaterThanOrEqual(trials.count, paused + 1, "they went on after the resume")
    }

    /// Schema v3 on a server: a multi-fidelity study on the full NAS-Bench-201 table under a
    /// budget in simulated seconds (hyperband: 12-epoch queries; the median pruner: looked-up
    /// epochs without training figures) stores the same fidelity, cost, epochs and spent seconds
    /// on PostgreSQL as on SQLite.
    func testAMultiFidelityStudyStoresTheSameFidelityCostAndSpentSecondsAsSQLite() throws {
        let (url, _) = try freshDatabase()
        XCTAssertEqual(PostgresSchema.migrations.map(\.version).filter { $0 <= SQLiteSchema.version }, [2, 3],
                       "the server has SQLite's table versions (v1 never existed there)")
        var hyperband = EngineMultiFidelityTests.settings(strategy: .hyperband, budget: ExperimentSettings.unlimitedTrials)
        hyperband.hyperbandEta = 4
        hyperband.budgetSeconds = 30_000
        var pruned = EngineMultiFidelityTests.settings(budget: 40)
        pruned.budgetSeconds = 1e9
        pruned.pruner = .median
        let postgres = try PostgresStudyStore(url: url, create: true)
        for (name, settings) in [("hyperband", hyperband), ("pruned", pruned)] {
            let (sqliteEngine, _, sqlite) = try EngineTestSupport.engine(settings, name: name)
            let (postgresEngine, _, _) = try EngineTestSupport.engine(settings, store: postgres, name: name)
            XCTAssertEqual(try sqliteEngine.run(), try postgresEngine.run(), name)
            let expected = try sqlite.allFinishedTrials(study: sqliteEngine.study.id)
            let stored = try postgres.allFinishedTrials(study: postgresEngine.study.id)
            XCTAssertEqual(stored.count, expected.count, name)
            for (a, b) in zip(stored, expected) {
                XCTAssertEqual(a.genotype, b.genotype, "\(name) trial \(a.id)")
                XCTAssertEqual(a.status, b.status, "\(name) trial \(a.id)")
                XCTAssertEqual(a.accuracy, b.accuracy, "\(name) trial \(a.id)")
                XCTAssertEqual(a.fidelity, b.fidelity, "\(name) trial \(a.id)")
                XCTAssertEqual(try XCTUnwrap(a.costSeconds), try XCTUnwrap(b.costSeconds), accuracy: 1e-9, "\(name) trial \(a.id)")
                XCTAssertEqual(a.epochs.map(\.epoch), b.epochs.map(\.epoch), "\(name) trial \(a.id)")
                XCTAssertEqual(a.epochs.map(\.trainLoss.isNaN), b.epochs.map(\.trainLoss.isNaN), "\(name) trial \(a.id)")
                XCTAssertEqual(a.epochs.map(\.validationAccuracy), b.epochs.map(\.validationAccuracy), "\(name) trial \(a.id)")
            }
            let (p, q) = (try postgres.control(study: postgresEngine.study.id), try sqlite.control(study: sqliteEngine.study.id))
            XCTAssertGreaterThan(q.spentSeconds, 0, name)
            XCTAssertEqual(p.spentSeconds, q.spentSeconds, accuracy: 1e-6, name)
            XCTAssertEqual(p.spentSeconds, stored.filter { $0.status != .failed }.compactMap(\.costSeconds).reduce(0, +), accuracy: 1e-6, name)
            XCTAssertEqual(p.budgetMet, q.budgetMet, name)
            if name == "hyperband" {
                XCTAssertTrue(stored.contains { $0.fidelity == 12 } && stored.contains { $0.fidelity == nil }, "both fidelities")
                XCTAssertTrue(p.budgetMet, "the budget in seconds stopped it")
            } else {
                XCTAssertTrue(stored.contains { $0.status == .pruned && $0.epochs.first?.trainLoss.isNaN == true },
                              "a pruned query's looked-up epoch has no training loss (NULL on the server)")
            }
        }
    }

    /// A database a v2 nas-tui wrote (v2's statements as they were) migrates to the latest
    /// version on opening, keeping its studies, trials and epochs; a v3 finish then writes
    /// fidelity and cost.
    func testAVersion2DatabaseMigratesToTheLatestVersionKeepingItsTrials() throws {
        let (url, server) = try freshDatabase()
        let database = PostgresTestServer.database(of: url)
        let v2 = try XCTUnwrap(PostgresSchema.migrations.first { $0.version == 2 })
        let genotypes = try ["|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
                             "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"].map(Genotype.parse)
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        func values(_ g: Genotype) -> String { "\(quoted(g.jsonString)), \(quoted(g.summary)), \(quoted(g.spaceName))" }
        let setup = ["CREATE SCHEMA nas_tui", "SET search_path TO nas_tui",
                     "CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)"]
            + v2.statements + ["INSERT INTO migrations VALUES (2, 'v2', 0)", """
                INSERT INTO studies (name, settings_json, state, budget, strategy, next_trial, counted, counted_finished,
                    finish_seq, created_at, updated_at)
                VALUES ('old', '{}', 'running', 5, 'random', 3, 2, 1, 1, 0, 0)
                """, """
                INSERT INTO trials (study_id, id, genotype_json, summary, space, strategy, status, accuracy, worker, finish_seq,
                    started_at, finished_at) VALUES
                    (1, 1, \(values(genotypes[0])), 'random', 'complete', 0.75, 'w', 1, 0, 1),
                    (1, 2, \(values(genotypes[1])), 'random', 'running', NULL, 'w', NULL, 0, NULL)
                """, "INSERT INTO trial_epochs VALUES (1, 1, 1, 0.5, 0.8, 0.6, 0.9, 0.01, 2.0)"]
        let output = server.psql(setup.joined(separator: ";\n"), database: database)
        XCTAssertEqual(output, "", "the v2 database is made")
        XCTAssertEqual(server.psql("SELECT value FROM nas_tui.meta WHERE key = 'schema_version'", database: database), "2\n")
        XCTAssertThrowsError(try PostgresStudyStore(url: url, create: false, readOnly: true), "view does not migrate") { error in
            XCTAssertTrue("\(error)".contains("written by an older nas-tui (schema 2)"), "\(error)")
        }

        let store = try PostgresStudyStore(url: url, create: false)
        XCTAssertEqual(server.psql("SELECT value FROM nas_tui.meta WHERE key = 'schema_version'", database: database), "5\n")
        XCTAssertEqual(server.psql("SELECT version FROM nas_tui.migrations ORDER BY version", database: database), "2\n3\n4\n5\n")
        let study = try XCTUnwrap(try store.study(named: "old"))
        let kept = try store.allFinishedTrials(study: study.id)
        XCTAssertEqual(kept.map(\.id), [1])
        XCTAssertEqual(kept.first?.genotype, genotypes[0])
        XCTAssertEqual(kept.first?.accuracy, 0.75)
        XCTAssertEqual(kept.first?.epochs, [EpochReport(epoch: 1, trainLoss: 0.5, trainAccuracy: 0.8, validationLoss: 0.6,
                                                        validationAccuracy: 0.9, learningRate: 0.01, seconds: 2)])
        XCTAssertNil(kept.first?.fidelity)
        var running = try XCTUnwrap(try store.runningTrials(study: study.id).first)
        XCTAssertEqual(running.id, 2)
        running.status = .complete; running.accuracy = 0.5; running.fidelity = 12; running.costSeconds = 42.5
        running.epochs = [EpochReport(epoch: 12, trainLoss: .nan, trainAccuracy: .nan, validationLoss: nil, validationAccuracy: 0.5,
                                      learningRate: 0, seconds: 0)]
        try store.finish(running, study: study.id)
        let finished = try XCTUnwrap(try store.allFinishedTrials(study: study.id).last)
        XCTAssertEqual(finished.fidelity, 12)
        XCTAssertEqual(finished.costSeconds, 42.5)
        XCTAssertTrue(finished.epochs[0].trainLoss.isNaN && finished.epochs[0].trainAccuracy.isNaN)
        XCTAssertEqual(server.psql("SELECT train_loss IS NULL FROM nas_tui.trial_epochs WHERE trial_id = 2", database: database), "t\n")
        XCTAssertEqual(try store.control(study: study.id).spentSeconds, 42.5)
        XCTAssertEqual(try store.control(study: study.id).countedFinished, 2)
        XCTAssertEqual(server.psql("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'nas_tui' AND p.proname = 'finish'", database: database), "1\n", "finish is replaced, not overloaded")
        XCTAssertNoThrow(try PostgresStudyStore(url: url, create: false, readOnly: true), "a v3 database is viewed")
    }
}
