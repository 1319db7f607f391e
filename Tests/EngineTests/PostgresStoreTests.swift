import Foundation
import XCTest
import PostgresTestSupport
@testable import Engine
import NAS
import Search

/// The PostgreSQL store against a real server the tests start (tools/pg_test_server.sh): the
/// SQLite store's semantics, atomic claims from many connections, a server restart, bad URLs.
final class PostgresStoreTests: XCTestCase {
    nonisolated(unsafe) static var server: PostgresTestServer?
    nonisolated(unsafe) static var skip: XCTSkip?

    override class func setUp() {
        do { server = try PostgresTestServer() } catch let error as XCTSkip { skip = error } catch {
            skip = XCTSkip("PostgreSQL tests: the server did not start: \(error)")
        }
    }

    override class func tearDown() {
        server?.stop()
        server = nil
    }

    /// A fresh database on the tests' server (each test its own), as a storage URL.
    func freshDatabase() throws -> (url: String, server: PostgresTestServer) {
        if let skip = Self.skip { throw skip }
        let server = try XCTUnwrap(Self.server)
        return (server.createDatabase(), server)
    }

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
        var ids: [Int] = []
        var failures: [String] = []
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
                    while case .trial(var trial) = try store.claim(study: record.id, worker: worker.id,
                                                                    proposal: TrialProposal(genotype: genotype, strategy: "random")) {
                        trial.status = .complete; trial.accuracy = Double(trial.id)
                        try store.finish(trial, study: record.id)
                        lock.lock(); ids.append(trial.id); lock.unlock()
                    }
                } catch {
                    lock.lock(); failures.append("\(error)"); lock.unlock()
                }
            }
            thread.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(failures, [])
        XCTAssertEqual(ids.count, 400)
        XCTAssertEqual(Set(ids), Set(1...400), "every id once")
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

    func testEnginesOnTwoConnectionsShareTheBudgetAndTPETreatsRunningTrialsAsLiars() throws {
        let (url, _) = try freshDatabase()
        let store = try PostgresStudyStore(url: url, create: true)
        let settings = EngineTestSupport.tabularSettings(budget: 120, strategy: .tpe)
        let record = try StudyOpening.prepareRun(store: store, name: "pair", settings: settings, resume: false)
        let engines = try (0..<2).map { i in
            try Engine(study: record, store: try PostgresStudyStore(url: url, create: false), state: StateStore(),
                       worker: WorkerInfo(id: "pair:\(i)", host: ProcessInfo.processInfo.hostName, pid: ProcessInfo.processInfo.processIdentifier),
                       seedSalt: UInt64(i))
        }
        let handles = engines.map { $0.start() }
        for handle in handles { XCTAssertEqual(try handle.wait().get(), .budgetMet) }
        let trials = try store.allFinishedTrials(study: record.id)
        XCTAssertEqual(trials.count, 120)
        XCTAssertEqual(Set(trials.map(\.id)), Set(1...120))
        XCTAssertEqual(Set(trials.compactMap(\.worker)), ["pair:0", "pair:1"], "both worked")
        XCTAssertEqual(Set(trials.map(\.genotype)).count, 120, "no architecture twice")
    }
}
