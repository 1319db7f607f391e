import Foundation
import NAS
import PostgresNIO
import Search

/// Studies on a PostgreSQL server (`postgresql://user[:password]@host[:port]/database`), for
/// workers on many hosts: the same tables and semantics as `SQLiteStudyStore` (named studies,
/// steering state, command log, queue, claims with attempts, heartbeats), in the `nas_tui`
/// schema of the database (`PostgresSchema`). Claims are atomic on the server (the study row
/// is locked), heartbeats use the server's clock, and a lost connection is re-established
/// (`PostgresSession`): a claim whose answer was lost on the way is failed and queued again.
public final class PostgresStudyStore: StudyStore {
    public let location: String
    public let isReadOnly: Bool
    public let url: PostgresURL
    let session: PostgresSession
    private let lock = NSLock()
    private let genotypes = GenotypeCache()
    /// Trials this store claimed and has not finished, per study (see `sweepOrphans`).
    private var held: [Int64: Set<Int>] = [:]
    /// Workers registered through this store: (study, worker id).
    private var registered: Set<WorkerKey> = []

    private struct WorkerKey: Hashable { var study: Int64; var worker: String }

    /// Connects to the server in `text`. `create`: make the nas-tui schema when the database has
    /// none (or migrate an older one); otherwise a database without it is refused. `readOnly`:
    /// never write (`view`). Every error names the URL without its password.
    public init(url text: String, create: Bool, readOnly: Bool = false) throws {
        url = try PostgresURL(text)
        location = url.redacted
        isReadOnly = readOnly
        session = try PostgresSession(url: url)
        try prepareSchema(create: create && !readOnly, readOnly: readOnly)
        if readOnly { _ = try session.perform { try session.execute("SET default_transaction_read_only = on") } }
        session.onReconnect = { [unowned self] in
            if readOnly { try session.execute("SET default_transaction_read_only = on") }
            try sweepOrphans()
        }
    }

    /// How many times the connection to the server was re-established.
    public var reconnections: Int { session.reconnections }

    /// Checks (and with `create`, makes or migrates) the nas-tui schema, as `SQLiteStudyStore` checks its file.
    private func prepareSchema(create: Bool, readOnly: Bool) throws {
        let schema = PostgresSchema.name
        let present = try session.perform {
            try session.execute("SELECT to_regclass('\(schema).meta') IS NOT NULL AS present").first?[0].decode(Bool.self) ?? false
        }
        if present {
            let rows = try session.perform { try session.execute("SELECT key, value FROM \(schema).meta") }
            var meta: [String: String] = [:]
            for row in rows { meta[try row.text("key")] = try row.text("value") }
            guard meta["application"] == SQLiteSchema.application else {
                throw StoreError.notAStudyStorage("\(location): the schema \(schema) is not nas-tui's (application '\(meta["application"] ?? "none")'); accepted: a database whose \(schema) schema nas-tui wrote, or one without it")
            }
            let version = Int(meta["schema_version"] ?? "") ?? 0
            guard version <= PostgresSchema.version else {
                throw StoreError.newerSchema("\(location): written by a newer nas-tui (schema \(version), this build reads up to \(PostgresSchema.version)); upgrade nas-tui or use another database")
            }
            if version == PostgresSchema.version { return }
            guard !readOnly else {
                throw StoreError.readOnly("\(location): written by an older nas-tui (schema \(version)); open it once with a writing command (nas-tui studies) to migrate it, then view it")
            }
        } else if !create {
            throw StoreError.notAStudyStorage("\(location): the database holds no nas-tui schema (no \(schema).meta table); accepted: a database where nas-tui run --storage \(location) created a study")
        }
        try migrate()
    }

    /// Applies the migrations not applied yet, in one transaction under an advisory lock (several
    /// workers starting at once on a new database migrate it once).
    private func migrate() throws {
        let schema = PostgresSchema.name
        try session.transaction {
            try session.execute("SELECT pg_advisory_xact_lock(7364827163)")
            try session.execute("CREATE SCHEMA IF NOT EXISTS \(schema)")
            try session.execute("SET LOCAL search_path TO \(schema)")
            try session.execute("""
                CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)
                """)
            let applied = Set(try session.execute("SELECT version FROM migrations").map { try $0.int("version") })
            for migration in PostgresSchema.migrations where !applied.contains(migration.version) {
                for statement in migration.statements { try session.execute(statement) }
                try session.execute("INSERT INTO migrations (version, name, applied_at) VALUES ($1, $2, extract(epoch FROM now()))",
                                    [.int(migration.version), .text(migration.name)])
                try session.execute("UPDATE meta SET value = $1 WHERE key = 'schema_version'", [.text(String(migration.version))])
            }
        }
    }

    /// Statements that read.
    private func read<T>(_ body: () throws -> T) throws -> T {
        do { return try session.perform(body) } catch { throw wrap(error) }
    }

    /// Statements that write, in one transaction.
    private func write<T>(_ body: () throws -> T) throws -> T {
        guard !isReadOnly else { throw StoreError.readOnly("\(location): opened read-only (view); nothing is changed") }
        do { return try session.transaction(body) } catch { throw wrap(error) }
    }

    /// One statement that writes: autocommit, a single round trip (the functions are atomic on the server).
    private func writeOne<T>(_ body: () throws -> T) throws -> T {
        guard !isReadOnly else { throw StoreError.readOnly("\(location): opened read-only (view); nothing is changed") }
        do { return try session.perform(body) } catch { throw wrap(error) }
    }

    private func wrap(_ error: Error) -> Error {
        if error is StoreError { return error }
        return StoreError.io("\(location): \(PostgresSession.describe(error, url: url))")
    }

    @discardableResult
    private func exec(_ sql: String, _ binds: [PostgresBind] = []) throws -> [PostgresRandomAccessRow] {
        try session.execute(sql, binds)
    }

    // MARK: studies

    public func studyNames() throws -> [String] {
        try read { try exec("SELECT name FROM studies ORDER BY id").map { try $0.text("name") } }
    }

    public func studySummaries() throws -> [StudySummary] {
        try read {
            try exec("""
                SELECT s.*,
                    (SELECT COUNT(*) FROM trials t WHERE t.study_id = s.id AND t.status = 'complete') AS n_complete,
                    (SELECT COUNT(*) FROM trials t WHERE t.study_id = s.id AND t.status = 'pruned') AS n_pruned,
                    (SELECT COUNT(*) FROM trials t WHERE t.study_id = s.id AND t.status = 'failed') AS n_failed,
                    (SELECT COUNT(*) FROM trials t WHERE t.study_id = s.id AND t.status = 'running') AS n_running,
                    b.id AS best_id, b.accuracy AS best_accuracy,
                    (SELECT COUNT(*) FROM workers w WHERE w.study_id = s.id AND w.stopped_at IS NULL
                        AND w.heartbeat_at >= clock() - $1) AS live_workers
                FROM studies s LEFT JOIN LATERAL (
                    SELECT t.id, t.accuracy FROM trials t WHERE t.study_id = s.id AND t.status = 'complete'
                    ORDER BY t.fidelity IS NULL DESC, COALESCE(t.fitness, t.accuracy) DESC NULLS LAST, t.id LIMIT 1) b ON TRUE
                ORDER BY s.id
                """, [.double(Engine.heartbeatGraceSeconds)]).map { row in
                let settings = try row.text("settings_json")
                let space = (try? ExperimentSettings.decode(settings).space.rawValue) ?? "?"
                let state = try row.text("state")
                let live = try row.int("live_workers")
                let status = state == StudyState.running.rawValue && live == 0 ? "stopped" : state
                return StudySummary(name: try row.text("name"), status: status, strategy: try row.text("strategy"), space: space,
                                    budget: try row.int("budget"), complete: try row.int("n_complete"), pruned: try row.int("n_pruned"),
                                    failed: try row.int("n_failed"), running: try row.int("n_running"),
                                    bestAccuracy: try row.optionalDouble("best_accuracy"), bestTrialID: try row.optionalInt("best_id"),
                                    created: try row.double("created_at"), updated: try row.double("updated_at"))
            }
        }
    }

    public func study(named name: String) throws -> StudyRecord? {
        try read { try exec("SELECT * FROM studies WHERE name = $1", [.text(name)]).first.map(Self.record) }
    }

    private static func record(_ row: PostgresRandomAccessRow) throws -> StudyRecord {
        StudyRecord(id: Int64(try row.int("id")), name: try row.text("name"), settings: try row.text("settings_json"),
                    state: StudyState(rawValue: try row.text("state")) ?? .running, budget: try row.int("budget"),
                    budgetSeconds: try row.optionalDouble("budget_seconds"), strategy: try row.text("strategy"),
                    created: try row.double("created_at"), updated: try row.double("updated_at"))
    }

    public func createStudy(name: String, settings: String, budget: Int, budgetSeconds: Double?, strategy: String) throws -> StudyRecord {
        try write {
            // Two runs creating one name at once: the second waits here and then sees the first's.
            try exec("LOCK TABLE studies IN SHARE ROW EXCLUSIVE MODE")
            if let existing = try exec("SELECT id FROM studies WHERE name = $1", [.text(name)]).first {
                let trials = try exec("SELECT COUNT(*) AS n FROM trials WHERE study_id = $1", [.int(try existing.int("id"))]).first?.int("n") ?? 0
                throw StoreError.duplicateStudy(name: name, trials: trials)
            }
            guard let row = try exec("""
                INSERT INTO studies (name, settings_json, state, budget, budget_seconds, strategy, created_at, updated_at)
                VALUES ($1, $2, 'running', $3, $4, $5, clock(), clock()) RETURNING *
                """, [.text(name), .text(settings), .int(budget), .double(budgetSeconds), .text(strategy)]).first else {
                throw StoreError.io("\(location): the new study \(name) was not stored")
            }
            return try Self.record(row)
        }
    }

    public func updateSettings(study: Int64, settings: String) throws {
        _ = try writeOne { try exec("UPDATE studies SET settings_json = $1, updated_at = clock() WHERE id = $2", [.text(settings), .int(Int(study))]) }
    }

    public func control(study: Int64) throws -> StudyControl {
        try read { try control(study: study, lock: false) }
    }

    private func control(study: Int64, lock: Bool) throws -> StudyControl {
        guard let row = try exec("""
            SELECT state, budget, budget_seconds, strategy, counted, counted_finished, spent_seconds,
                (SELECT COALESCE(MAX(id), 0) FROM commands WHERE study_id = studies.id) AS last_command
            FROM studies WHERE id = $1\(lock ? " FOR UPDATE" : "")
            """, [.int(Int(study))]).first else {
            throw StoreError.io("\(location): study \(study) is gone from the storage")
        }
        return StudyControl(state: StudyState(rawValue: try row.text("state")) ?? .running, budget: try row.int("budget"),
                            budgetSeconds: try row.optionalDouble("budget_seconds"), strategy: try row.text("strategy"),
                            countedTrials: try row.int("counted"), countedFinished: try row.int("counted_finished"),
                            spentSeconds: try row.double("spent_seconds"), lastCommand: Int64(try row.int("last_command")))
    }

    // MARK: steering

    @discardableResult
    public func send(_ command: StudyCommand, study: Int64, issuer: String) throws -> LoggedCommand {
        try write {
            let id = PostgresBind.int(Int(study))
            var logged = command
            let control = try control(study: study, lock: true)
            switch command {
            case .pause, .resume, .togglePause:
                let pause = command == .pause || (command == .togglePause && control.state == .running)
                logged = pause ? .pause : .resume
                if control.state != .finished {
                    try exec("UPDATE studies SET state = $1, updated_at = clock() WHERE id = $2", [.text(pause ? "paused" : "running"), id])
                }
            case .switchStrategy(let name):
                try exec("UPDATE studies SET strategy = $1, updated_at = clock() WHERE id = $2", [.text(name), id])
            case .changeBudget(let delta):
                // Never below what is already taken; a finished study with budget left runs again.
                let budget = max(control.countedTrials, max(1, control.budget + delta))
                let state = control.state == .finished && budget > control.countedFinished ? "running" : control.state.rawValue
                try exec("UPDATE studies SET budget = $1, state = $2, updated_at = clock() WHERE id = $3", [.int(budget), .text(state), id])
            case .enqueue(let json):
                try exec("INSERT INTO queue (study_id, genotype_json, origin, created_at) VALUES ($1, $2, 'user', clock())", [id, .text(json)])
                // Evaluated next even when the budget is taken: it grows by one (and a finished study runs again).
                if control.countedTrials >= control.budget {
                    try exec("UPDATE studies SET budget = $1, state = CASE WHEN state = 'finished' THEN 'running' ELSE state END WHERE id = $2",
                             [.int(control.countedTrials + 1), id])
                }
            case .prune, .stop:
                break
            }
            let stored = logged.stored
            guard let row = try exec("""
                INSERT INTO commands (study_id, kind, argument, issuer, created_at) VALUES ($1, $2, $3, $4, clock()) RETURNING id, created_at
                """, [id, .text(stored.kind), .text(stored.argument), .text(issuer)]).first else {
                throw StoreError.io("\(location): the command was not stored")
            }
            return LoggedCommand(id: Int64(try row.int("id")), command: logged, issuer: issuer, created: try row.double("created_at"))
        }
    }

    public func commands(study: Int64, after id: Int64) throws -> [LoggedCommand] {
        try read {
            try exec("SELECT * FROM commands WHERE study_id = $1 AND id > $2 ORDER BY id", [.int(Int(study)), .int(Int(id))]).compactMap { row in
                guard let command = StudyCommand(kind: try row.text("kind"), argument: try row.optionalText("argument")) else { return nil }
                return LoggedCommand(id: Int64(try row.int("id")), command: command, issuer: try row.text("issuer"),
                                     created: try row.double("created_at"))
            }
        }
    }

    public func setState(_ state: StudyState, study: Int64) throws {
        _ = try writeOne { try exec("UPDATE studies SET state = $1, updated_at = clock() WHERE id = $2", [.text(state.rawValue), .int(Int(study))]) }
    }

    public func enqueue(genotypeJSON: String, origin: TrialOrigin, retryOf: Int?, study: Int64) throws {
        _ = try writeOne {
            try exec("INSERT INTO queue (study_id, genotype_json, origin, retry_of, created_at) VALUES ($1, $2, $3, $4, clock())",
                     [.int(Int(study)), .text(genotypeJSON), .text(origin.rawValue), .int(retryOf)])
        }
    }

    // MARK: workers

    public func register(_ worker: WorkerInfo, study: Int64) throws -> Int64 {
        let cursor = try write { () -> Int64 in
            try exec("""
                INSERT INTO workers (study_id, id, host, pid, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, clock(), clock())
                ON CONFLICT (study_id, id) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid, started_at = EXCLUDED.started_at,
                    heartbeat_at = EXCLUDED.heartbeat_at, stopped_at = NULL
                """, [.int(Int(study)), .text(worker.id), .text(worker.host), .int(Int(worker.pid))])
            return Int64(try exec("SELECT COALESCE(MAX(id), 0) AS last FROM commands WHERE study_id = $1", [.int(Int(study))]).first?.int("last") ?? 0)
        }
        lock.lock(); registered.insert(WorkerKey(study: study, worker: worker.id)); lock.unlock()
        return cursor
    }

    public func heartbeat(worker: String, study: Int64) throws {
        _ = try writeOne {
            try exec("UPDATE workers SET heartbeat_at = clock() WHERE study_id = $1 AND id = $2 AND stopped_at IS NULL",
                     [.int(Int(study)), .text(worker)])
        }
    }

    public func unregister(worker: String, study: Int64) throws {
        _ = try writeOne { try exec("UPDATE workers SET stopped_at = clock() WHERE study_id = $1 AND id = $2", [.int(Int(study)), .text(worker)]) }
        lock.lock(); registered.remove(WorkerKey(study: study, worker: worker)); lock.unlock()
    }

    public func liveWorkers(study: Int64, graceSeconds: Double) throws -> [WorkerInfo] {
        try read {
            try exec("""
                SELECT * FROM workers WHERE study_id = $1 AND stopped_at IS NULL AND heartbeat_at >= clock() - $2 ORDER BY started_at
                """, [.int(Int(study)), .double(graceSeconds)]).compactMap { row in
                let worker = WorkerInfo(id: try row.text("id"), host: try row.text("host"), pid: Int32(try row.int("pid")),
                                        heartbeat: try row.double("heartbeat_at"))
                return ProcessLiveness.isGone(worker) ? nil : worker
            }
        }
    }

    // MARK: trials

    public func claim(study: Int64, worker: String, proposal: TrialProposal) throws -> ClaimResult {
        let row = try writeOne {
            try exec("SELECT * FROM claim($1, $2, $3, $4, $5, $6)", [.int(Int(study)), .text(worker)] + Self.proposalBinds(proposal)).first
        }
        return try claimed(row, study: study, worker: worker, proposal: proposal)
    }

    /// One call of `finish_and_claim`: one round trip and one commit for both.
    public func finish(_ trial: Trial, study: Int64, thenClaimFor worker: String, proposal: TrialProposal) throws -> ClaimResult {
        let row = try writeOne {
            try exec("""
                SELECT * FROM finish_and_claim($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                    $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30)
                """, Self.finishBinds(trial, study: study) + Self.proposalBinds(proposal)).first
        }
        lock.lock(); held[study]?.remove(trial.id); lock.unlock()
        if try row?.text("o_kind") == "taken" { throw StoreError.trialTaken(id: trial.id, location: location) }
        return try claimed(row, study: study, worker: worker, proposal: proposal)
    }

    /// `claim`'s arguments for the proposed architecture: its JSON, summary, space and strategy.
    private static func proposalBinds(_ proposal: TrialProposal) -> [PostgresBind] {
        let genotype = proposal.genotype
        return [.text(genotype.jsonString), .text(genotype.summary), .text(genotype.spaceName), .text(proposal.strategy)]
    }

    /// The trial (or the budget's end) a `claim` row names; a queued architecture's genotype is
    /// written back parsed.
    private func claimed(_ row: PostgresRandomAccessRow?, study: Int64, worker: String, proposal: TrialProposal) throws -> ClaimResult {
        guard let row else { throw StoreError.io("\(location): claim returned nothing") }
        let genotype = proposal.genotype
        do {
            guard try row.text("o_kind") == "trial" else { return .budgetTaken(othersRunning: try row.int("o_others")) }
            let id = try row.int("o_id")
            lock.lock(); held[study, default: []].insert(id); lock.unlock()
            var trial = Trial(id: id, genotype: genotype, strategy: try row.text("o_strategy"), worker: worker)
            guard try row["o_queued"].decode(Bool.self) else { return .trial(trial) }
            // From the queue: its genotype parsed here (the server stored its JSON as queued).
            if let queued = try? Genotype.parse(try row.text("o_genotype")) {
                trial.genotype = queued
                trial.origin = (try row.optionalText("o_origin")).flatMap(TrialOrigin.init(rawValue:)) ?? .user
                trial.retryOf = try row.optionalInt("o_retry_of")
                trial.strategy = trial.origin == .user ? "user" : proposal.strategy
            } else {
                trial.strategy = proposal.strategy
            }
            _ = try writeOne {
                try exec("""
                    UPDATE trials SET genotype_json = $1, summary = $2, space = $3, strategy = $4, origin = $5 WHERE study_id = $6 AND id = $7
                    """, [.text(trial.genotype.jsonString), .text(trial.genotype.summary), .text(trial.genotype.spaceName),
                          .text(trial.strategy), .text(trial.origin?.rawValue), .int(Int(study)), .int(id)])
            }
            return .trial(trial)
        } catch let error as StoreError {
            throw error
        } catch {
            throw wrap(error)
        }
    }

    /// The curve arguments of `write_curves` and `finish`.
    private static func curveBinds(_ trial: Trial) -> [PostgresBind] {
        let e = trial.epochs
        return [.ints(e.map(\.epoch)), .doubles(e.map(\.trainLoss)), .doubles(e.map(\.trainAccuracy)),
                .doubles(e.map { $0.validationLoss ?? .nan }), .doubles(e.map { $0.validationAccuracy ?? .nan }),
                .doubles(e.map(\.learningRate)), .doubles(e.map(\.seconds)),
                .doubles(trial.steps.map(\.epoch)), .doubles(trial.steps.map(\.loss))]
    }

    public func recordProgress(_ trial: Trial, study: Int64) throws {
        _ = try writeOne {
            try exec("SELECT write_curves($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                     [.int(Int(study)), .int(trial.id)] + Self.curveBinds(trial))
        }
    }

    /// `finish`'s arguments: the trial's row, then its curves.
    private static func finishBinds(_ trial: Trial, study: Int64) -> [PostgresBind] {
        let g = trial.genotype
        return [.int(Int(study)), .int(trial.id), .text(trial.worker ?? ""), .text(g.jsonString), .text(g.summary), .text(g.spaceName),
                .text(trial.strategy), .text(trial.status.rawValue), .double(trial.accuracy), .double(trial.fitness),
                .double(trial.latencyMs), .int(trial.parameters), .int(trial.flops), .text(trial.note), .double(trial.seconds),
                .int(trial.fidelity), .double(trial.costSeconds)] + curveBinds(trial)
    }

    public func finish(_ trial: Trial, study: Int64) throws {
        let outcome = try writeOne {
            try exec("""
                SELECT finish($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                    $18, $19, $20, $21, $22, $23, $24, $25, $26) AS outcome
                """, Self.finishBinds(trial, study: study)).first?.int("outcome") ?? -1
        }
        lock.lock(); held[study]?.remove(trial.id); lock.unlock()
        if outcome < 0 { throw StoreError.trialTaken(id: trial.id, location: location) }
    }

    public func interrupt(trialID: Int, study: Int64, note: String) throws {
        _ = try writeOne { try failTrial(trialID, study: study, note: note) }
        lock.lock(); held[study]?.remove(trialID); lock.unlock()
    }

    @discardableResult
    private func failTrial(_ id: Int, study: Int64, note: String) throws -> Bool {
        try exec("SELECT fail_trial($1, $2, $3, $4) AS failed", [.int(Int(study)), .int(id), .text(note), .int(SQLiteStudyStore.maximumAttempts)])
            .first?[0].decode(Bool.self) ?? false
    }

    public func recoverLostTrials(study: Int64, graceSeconds: Double) throws -> [Int] {
        try write {
            let id = PostgresBind.int(Int(study))
            var alive: [String: Bool] = [:]
            for row in try exec("SELECT *, clock() AS now FROM workers WHERE study_id = $1", [id]) {
                let info = WorkerInfo(id: try row.text("id"), host: try row.text("host"), pid: Int32(try row.int("pid")),
                                      heartbeat: try row.double("heartbeat_at"))
                let stopped = try row.optionalDouble("stopped_at") != nil
                let now = try row.double("now")
                alive[info.id] = !stopped && !ProcessLiveness.isGone(info) && info.heartbeat >= now - graceSeconds
            }
            var lost: [Int] = []
            for row in try exec("SELECT id, worker FROM trials WHERE study_id = $1 AND status = 'running' ORDER BY id", [id]) {
                let worker = try row.optionalText("worker")
                if let worker, alive[worker] == true { continue }
                let sameHost = worker.map { $0.hasPrefix(ProcessInfo.processInfo.hostName + ":") } ?? true
                let note = sameHost ? "interrupted: the process ended before the trial finished"
                                    : "worker lost: \(worker ?? "?") stopped sending heartbeats"
                let trial = try row.int("id")
                if try failTrial(trial, study: study, note: note) { lost.append(trial) }
            }
            return lost
        }
    }

    /// After a reconnection: a trial claimed for a worker of this store that the store never
    /// handed out (the claim committed but its answer was lost with the connection) would run
    /// forever; it is failed and queued again like an interrupted one.
    private func sweepOrphans() throws {
        lock.lock()
        let workers = registered, held = self.held
        lock.unlock()
        for key in workers {
            let rows = try exec("SELECT id FROM trials WHERE study_id = $1 AND worker = $2 AND status = 'running'",
                                [.int(Int(key.study)), .text(key.worker)])
            for row in rows {
                let id = try row.int("id")
                if held[key.study]?.contains(id) == true { continue }
                try failTrial(id, study: key.study, note: "interrupted: claimed while the connection to the server was lost")
            }
        }
    }

    public func finishedTrials(study: Int64, after sequence: Int64) throws -> (trials: [Trial], cursor: Int64) {
        try read {
            let rows = try exec("SELECT * FROM trials WHERE study_id = $1 AND finish_seq > $2 ORDER BY finish_seq",
                                [.int(Int(study)), .int(Int(sequence))])
            let trials = try trials(rows, study: study)
            let cursor = try rows.last.map { Int64(try $0.int("finish_seq")) } ?? sequence
            return (trials, cursor)
        }
    }

    public func runningTrials(study: Int64) throws -> [Trial] {
        try read {
            try trials(try exec("SELECT * FROM trials WHERE study_id = $1 AND status = 'running' ORDER BY id", [.int(Int(study))]), study: study)
        }
    }

    /// Trials of `rows` with their epochs and steps.
    private func trials(_ rows: [PostgresRandomAccessRow], study: Int64) throws -> [Trial] {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.int("id") }
        let low = ids.min()!, high = ids.max()!
        var epochs: [Int: [EpochReport]] = [:]
        for row in try exec("""
            SELECT * FROM trial_epochs WHERE study_id = $1 AND trial_id BETWEEN $2 AND $3 ORDER BY trial_id, epoch
            """, [.int(Int(study)), .int(low), .int(high)]) {
            epochs[try row.int("trial_id"), default: []].append(EpochReport(
                epoch: try row.int("epoch"), trainLoss: try row.optionalDouble("train_loss") ?? .nan,
                trainAccuracy: try row.optionalDouble("train_accuracy") ?? .nan,
                validationLoss: try row.optionalDouble("validation_loss"), validationAccuracy: try row.optionalDouble("validation_accuracy"),
                learningRate: try row.double("learning_rate"), seconds: try row.double("seconds")))
        }
        var steps: [Int: [TrainingLossPoint]] = [:]
        for row in try exec("""
            SELECT trial_id, epoch, loss FROM trial_steps WHERE study_id = $1 AND trial_id BETWEEN $2 AND $3 ORDER BY trial_id, step
            """, [.int(Int(study)), .int(low), .int(high)]) {
            steps[try row.int("trial_id"), default: []].append(TrainingLossPoint(epoch: try row.double("epoch"), loss: try row.double("loss")))
        }
        return try rows.map { row in
            let id = try row.int("id")
            let text = try row.text("genotype_json")
            let genotype: Genotype
            do { genotype = try genotypes.genotype(text) } catch {
                throw StoreError.notAStudyStorage("\(location): trial \(id) has an unreadable genotype: \(error)")
            }
            let status = TrialStatus(rawValue: try row.text("status")) ?? .failed
            let origin = (try row.optionalText("origin")).flatMap(TrialOrigin.init(rawValue:))
            return Trial(id: id, genotype: genotype, strategy: try row.text("strategy"), status: status,
                         accuracy: try row.optionalDouble("accuracy"), fitness: try row.optionalDouble("fitness"),
                         latencyMs: try row.optionalDouble("latency_ms"), parameters: try row.optionalInt("params"),
                         flops: try row.optionalInt("flops"), epochs: epochs[id] ?? [], note: try row.optionalText("note"),
                         seconds: try row.optionalDouble("seconds"), steps: steps[id] ?? [], origin: origin,
                         retryOf: try row.optionalInt("retry_of"), worker: try row.optionalText("worker"),
                         fidelity: try row.optionalInt("fidelity"), costSeconds: try row.optionalDouble("cost_seconds"))
        }
    }
}
