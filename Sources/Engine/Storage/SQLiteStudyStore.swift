import Foundation
import GRDB
import NAS
import Search

/// Studies in a SQLite file through GRDB (WAL: several local processes read and write it), or
/// in memory for fast engine tests. A file that is not a nas-tui study, or one written by a
/// newer schema, is refused before anything is written to it; a v1 file migrates in place.
public final class SQLiteStudyStore: StudyStore {
    public let location: String
    public let isReadOnly: Bool
    /// The file's path; nil in memory.
    public let path: String?
    let database: DatabaseQueue
    /// The file's device and inode when it was opened: a study file removed or replaced while
    /// the study runs is noticed at the next heartbeat instead of writing into the void.
    private var identity: (device: UInt64, inode: UInt64)?
    private let genotypes = GenotypeCache()

    /// Opens the study file at `path`. `create`: make it when missing; `readOnly`: never write
    /// (`view`). The study of a v1 file is named `defaultStudyName` when it migrates.
    public init(path: String, create: Bool, readOnly: Bool = false, defaultStudyName: String? = nil) throws {
        location = path
        self.path = path
        isReadOnly = readOnly
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            try Self.checkExisting(path, writable: !readOnly)
        } else {
            guard create && !readOnly else {
                throw StoreError.notAStudyStorage("\(path): no such study file; accepted: a file written by nas-tui (run without --resume to start one)")
            }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try? manager.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            guard manager.isWritableFile(atPath: directory.isEmpty ? "." : directory) else {
                throw StoreError.io("\(path): cannot create the study: directory \(directory.isEmpty ? "." : directory) is not writable")
            }
        }
        do {
            database = try Self.connection(path, readOnly: readOnly)
            if !readOnly {
                // WAL with synchronous=NORMAL: a committed trial survives the process being killed;
                // only a power cut may lose the last commits.
                try database.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA journal_mode = WAL")
                    try db.execute(sql: "PRAGMA synchronous = NORMAL")
                }
                try SQLiteSchema.migrator(defaultStudyName: defaultStudyName ?? Self.defaultStudyName(forPath: path)).migrate(database)
            } else {
                try Self.requireCurrentSchema(database, path: path)
            }
        } catch let error as DatabaseError {
            throw StoreError.io("\(path): \(error.message ?? "\(error)")")
        }
        identity = Self.fileIdentity(path)
    }

    private static func fileIdentity(_ path: String) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Whether the file's mode grants nobody write access (`chmod a-w`), which is how a user
    /// says "do not write this" even to root, whom permissions do not stop.
    static func isMarkedReadOnly(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & 0o222 == 0
    }

    /// Throws when the study file is no longer the one this store opened (removed, or its
    /// directory removed, or replaced) or was made read-only: the engine stops instead of
    /// writing where nobody will read, or against the user's wish.
    func checkFileIsStillThere() throws {
        guard let path, let identity, !isReadOnly else { return }
        guard let now = Self.fileIdentity(path), now == identity else {
            throw StoreError.io("\(path): the study file was removed or replaced while the study ran; nothing more is written to it")
        }
        if Self.isMarkedReadOnly(path) {
            throw StoreError.readOnly("\(path): the study file was made read-only while the study ran; the trials committed so far are kept and nothing more is written (chmod u+w and --resume to go on)")
        }
    }

    /// A fresh store in memory (tests).
    public init() throws {
        location = ":memory:"
        path = nil
        isReadOnly = false
        database = try DatabaseQueue()
        try SQLiteSchema.migrator(defaultStudyName: "memory").migrate(database)
    }

    /// The study name a one-study file gets by default: the file's name without its extension.
    public static func defaultStudyName(forPath path: String) -> String {
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return name.isEmpty ? "study" : name
    }

    /// A connection to `path`. A read-only one falls back to an ordinary connection that is
    /// only read from when the file's WAL must be recovered first (after a crash: a read-only
    /// connection cannot rebuild the WAL index); the main file is not written either way.
    private static func connection(_ path: String, readOnly: Bool) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.readonly = readOnly
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        guard readOnly else { return queue }
        do {
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") }
            return queue
        } catch let error as DatabaseError where error.resultCode == .SQLITE_READONLY {
            try? queue.close()
            configuration.readonly = false
            return try DatabaseQueue(path: path, configuration: configuration)
        }
    }

    /// Refuses, without writing, a file that is not a nas-tui study of a known schema.
    private static func checkExisting(_ path: String, writable: Bool) throws {
        if writable && (!FileManager.default.isWritableFile(atPath: path) || isMarkedReadOnly(path)) {
            throw StoreError.readOnly("\(path): the study file is not writable; accepted: a nas-tui study file you can write (nas-tui view opens one read-only)")
        }
        do {
            let reader = try connection(path, readOnly: true)
            defer { try? reader.close() }
            try reader.read { db in
                // An empty database (a run killed before it wrote its schema) is a new study file.
                if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") == 0 { return }
                guard try db.tableExists("meta") else {
                    throw StoreError.notAStudyStorage("\(path): not a nas-tui study (no meta table); accepted: a file written by nas-tui, or a new path")
                }
                let app = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'application'")
                guard app == application else {
                    throw StoreError.notAStudyStorage("\(path): not a nas-tui study (application '\(app ?? "none")'); accepted: a file written by nas-tui, or a new path")
                }
                let version = try Int.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'") ?? 0
                let superseded = try SQLiteSchema.migrator(defaultStudyName: "").hasBeenSuperseded(db)
                guard version <= SQLiteSchema.version && !superseded else {
                    throw StoreError.newerSchema("\(path): written by a newer nas-tui (schema \(version), this build reads up to \(SQLiteSchema.version)); upgrade nas-tui or use another --storage file")
                }
            }
        } catch let error as DatabaseError {
            throw StoreError.notAStudyStorage("\(path): not a nas-tui study (\(error.message ?? "unreadable")); accepted: a file written by nas-tui, or a new path")
        }
    }

    /// A read-only store cannot migrate: it reads only files of this build's schema.
    private static func requireCurrentSchema(_ database: DatabaseQueue, path: String) throws {
        let complete = try database.read { db in try SQLiteSchema.migrator(defaultStudyName: "").hasCompletedMigrations(db) }
        guard complete else {
            throw StoreError.readOnly("\(path): written by an older nas-tui (schema 1); open it once with a writing command (nas-tui studies, run --resume) to migrate it, then view it")
        }
    }

    private static var application: String { SQLiteSchema.application }
    /// Seconds since 1970: the store's clock (one machine for a SQLite file).
    static func now() -> Double { Date().timeIntervalSince1970 }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        guard !isReadOnly else { throw StoreError.readOnly("\(location): opened read-only (view); nothing is changed") }
        do { return try database.write(body) } catch let error as DatabaseError {
            throw StoreError.io("\(location): \(error.message ?? "\(error)")")
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try database.read(body) } catch let error as DatabaseError {
            throw StoreError.io("\(location): \(error.message ?? "\(error)")")
        }
    }

    // MARK: studies

    public func studyNames() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT name FROM studies ORDER BY id") }
    }

    public func studySummaries() throws -> [StudySummary] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.*,
                    (SELECT COUNT(*) FROM trials t WHERE t.study_id = s.id AND t.status = 'complete') AS n_complete,
                    (SELECT COUNT(*) FROM trials t WHERE t.study_id = s.id AND t.status = 'pruned') AS n_pruned,
                    (SELECT COUNT(*) FROM trials t WHERE t.study_id = s.id AND t.status = 'failed') AS n_failed,
                    (SELECT COUNT(*) FROM trials t WHERE t.study_id = s.id AND t.status = 'running') AS n_running,
                    (SELECT t.id FROM trials t WHERE t.study_id = s.id AND t.status = 'complete'
                        ORDER BY t.fidelity IS NULL DESC, COALESCE(t.fitness, t.accuracy) DESC, t.id LIMIT 1) AS best_id,
                    (SELECT COUNT(*) FROM workers w WHERE w.study_id = s.id AND w.stopped_at IS NULL
                        AND w.heartbeat_at >= ?) AS live_workers
                FROM studies s ORDER BY s.id
                """, arguments: [Self.now() - Engine.heartbeatGraceSeconds]).map { row in
                let bestID: Int? = row["best_id"]
                let best = try bestID.flatMap { try Double.fetchOne(db, sql: "SELECT accuracy FROM trials WHERE study_id = ? AND id = ?",
                                                                     arguments: [row["id"] as Int64, $0]) }
                let settings: String = row["settings_json"]
                let space = (try? ExperimentSettings.decode(settings).space.rawValue) ?? "?"
                // A running study nobody works on (its process quit or died) shows as stopped.
                let state: String = row["state"]
                let status = state == StudyState.running.rawValue && (row["live_workers"] as Int) == 0 ? "stopped" : state
                return StudySummary(name: row["name"], status: status, strategy: row["strategy"], space: space,
                                    budget: row["budget"], complete: row["n_complete"], pruned: row["n_pruned"],
                                    failed: row["n_failed"], running: row["n_running"], bestAccuracy: best, bestTrialID: bestID,
                                    created: row["created_at"], updated: row["updated_at"])
            }
        }
    }

    public func study(named name: String) throws -> StudyRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM studies WHERE name = ?", arguments: [name]).map(Self.record) }
    }

    private static func record(_ row: Row) -> StudyRecord {
        StudyRecord(id: row["id"], name: row["name"], settings: row["settings_json"],
                    state: StudyState(rawValue: row["state"]) ?? .running, budget: row["budget"],
                    budgetSeconds: row["budget_seconds"], strategy: row["strategy"],
                    created: row["created_at"], updated: row["updated_at"])
    }

    public func createStudy(name: String, settings: String, budget: Int, budgetSeconds: Double?, strategy: String) throws -> StudyRecord {
        try write { db in
            if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM studies WHERE name = ?", arguments: [name]) {
                let trials = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trials WHERE study_id = ?", arguments: [existing]) ?? 0
                throw StoreError.duplicateStudy(name: name, trials: trials)
            }
            let now = Self.now()
            try db.execute(sql: """
                INSERT INTO studies (name, settings_json, state, budget, budget_seconds, strategy, created_at, updated_at)
                VALUES (?, ?, 'running', ?, ?, ?, ?, ?)
                """, arguments: [name, settings, budget, budgetSeconds, strategy, now, now])
            return StudyRecord(id: db.lastInsertedRowID, name: name, settings: settings, state: .running, budget: budget,
                               budgetSeconds: budgetSeconds, strategy: strategy, created: now, updated: now)
        }
    }

    public func updateSettings(study: Int64, settings: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE studies SET settings_json = ?, updated_at = ? WHERE id = ?", arguments: [settings, Self.now(), study])
        }
    }

    public func control(study: Int64) throws -> StudyControl {
        try read { db in try Self.control(db, study: study) }
    }

    private static func control(_ db: Database, study: Int64) throws -> StudyControl {
        guard let row = try db.row("""
            SELECT state, budget, budget_seconds, strategy, counted, counted_finished, spent_seconds,
                (SELECT COALESCE(MAX(id), 0) FROM commands WHERE study_id = studies.id) AS last_command
            FROM studies WHERE id = ?
            """, [study]) else {
            throw StoreError.io("study \(study) is gone from the storage")
        }
        return StudyControl(state: StudyState(rawValue: row["state"]) ?? .running, budget: row["budget"],
                            budgetSeconds: row["budget_seconds"], strategy: row["strategy"], countedTrials: row["counted"],
                            countedFinished: row["counted_finished"], spentSeconds: row["spent_seconds"],
                            lastCommand: row["last_command"])
    }

    // MARK: steering

    @discardableResult
    public func send(_ command: StudyCommand, study: Int64, issuer: String) throws -> LoggedCommand {
        try write { db in
            let now = Self.now()
            var logged = command
            let control = try Self.control(db, study: study)
            switch command {
            case .pause, .resume, .togglePause:
                let pause = command == .pause || (command == .togglePause && control.state == .running)
                logged = pause ? .pause : .resume
                if control.state != .finished {
                    try db.execute(sql: "UPDATE studies SET state = ?, updated_at = ? WHERE id = ?",
                                   arguments: [pause ? "paused" : "running", now, study])
                }
            case .switchStrategy(let name):
                try db.execute(sql: "UPDATE studies SET strategy = ?, updated_at = ? WHERE id = ?", arguments: [name, now, study])
            case .changeBudget(let delta):
                // Never below what is already taken; a finished study with budget left runs again.
                let budget = max(control.countedTrials, max(1, control.budget + delta))
                let state = control.state == .finished && budget > control.countedFinished ? "running" : control.state.rawValue
                try db.execute(sql: "UPDATE studies SET budget = ?, state = ?, updated_at = ? WHERE id = ?",
                               arguments: [budget, state, now, study])
            case .enqueue(let json):
                try db.execute(sql: "INSERT INTO queue (study_id, genotype_json, origin, created_at) VALUES (?, ?, 'user', ?)",
                               arguments: [study, json, now])
                // Evaluated next even when the budget is taken: it grows by one (and a finished study runs again).
                if control.countedTrials >= control.budget {
                    try db.execute(sql: "UPDATE studies SET budget = ?, state = CASE WHEN state = 'finished' THEN 'running' ELSE state END WHERE id = ?",
                                   arguments: [control.countedTrials + 1, study])
                }
            case .prune, .stop:
                break
            }
            let stored = logged.stored
            try db.execute(sql: "INSERT INTO commands (study_id, kind, argument, issuer, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [study, stored.kind, stored.argument, issuer, now])
            return LoggedCommand(id: db.lastInsertedRowID, command: logged, issuer: issuer, created: now)
        }
    }

    public func commands(study: Int64, after id: Int64) throws -> [LoggedCommand] {
        try read { db in try Self.commands(db, study: study, after: id) }
    }

    private static func commands(_ db: Database, study: Int64, after id: Int64) throws -> [LoggedCommand] {
        try Row.fetchAll(db, sql: "SELECT * FROM commands WHERE study_id = ? AND id > ? ORDER BY id", arguments: [study, id])
            .compactMap { row in
                StudyCommand(kind: row["kind"], argument: row["argument"]).map {
                    LoggedCommand(id: row["id"], command: $0, issuer: row["issuer"], created: row["created_at"])
                }
            }
    }

    public func setState(_ state: StudyState, study: Int64) throws {
        try write { db in
            try db.execute(sql: "UPDATE studies SET state = ?, updated_at = ? WHERE id = ?", arguments: [state.rawValue, Self.now(), study])
        }
    }

    public func enqueue(genotypeJSON: String, origin: TrialOrigin, retryOf: Int?, study: Int64) throws {
        try write { db in
            try db.execute(sql: "INSERT INTO queue (study_id, genotype_json, origin, retry_of, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [study, genotypeJSON, origin.rawValue, retryOf, Self.now()])
        }
    }

    // MARK: workers

    public func register(_ worker: WorkerInfo, study: Int64) throws -> Int64 {
        try write { db in
            let now = Self.now()
            try db.execute(sql: """
                INSERT OR REPLACE INTO workers (study_id, id, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [study, worker.id, worker.host, worker.pid, now, now])
            return try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM commands WHERE study_id = ?", arguments: [study]) ?? 0
        }
    }

    public func heartbeat(worker: String, study: Int64) throws {
        try checkFileIsStillThere()
        try write { db in
            try db.run("UPDATE workers SET heartbeat_at = ? WHERE study_id = ? AND id = ? AND stopped_at IS NULL", [Self.now(), study, worker])
        }
    }

    public func unregister(worker: String, study: Int64) throws {
        try write { db in
            try db.execute(sql: "UPDATE workers SET stopped_at = ? WHERE study_id = ? AND id = ?", arguments: [Self.now(), study, worker])
        }
    }

    public func liveWorkers(study: Int64, graceSeconds: Double) throws -> [WorkerInfo] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM workers WHERE study_id = ? AND stopped_at IS NULL AND heartbeat_at >= ? ORDER BY started_at
                """, arguments: [study, Self.now() - graceSeconds]).compactMap { row in
                let worker = WorkerInfo(id: row["id"], host: row["host"], pid: row["pid"], heartbeat: row["heartbeat_at"])
                return ProcessLiveness.isGone(worker) ? nil : worker
            }
        }
    }

    // MARK: trials

    public func claim(study: Int64, worker: String, proposal: TrialProposal) throws -> ClaimResult {
        try write { db in try claim(db, study: study, worker: worker, proposal: proposal) }
    }

    /// One write transaction: the finish, then the claim (a refused finish rolls both back).
    public func finish(_ trial: Trial, study: Int64, thenClaimFor worker: String, proposal: TrialProposal) throws -> ClaimResult {
        try write { db in
            try finish(db, trial, study: study)
            return try claim(db, study: study, worker: worker, proposal: proposal)
        }
    }

    private func claim(_ db: Database, study: Int64, worker: String, proposal: TrialProposal) throws -> ClaimResult {
        guard let budget = try db.row("""
            SELECT next_trial, budget, budget_seconds, counted, spent_seconds FROM studies WHERE id = ?
            """, [study]) else { throw StoreError.io("study \(study) is gone from the storage") }
        let counted: Int = budget["counted"], limit: Int = budget["budget"], spent: Double = budget["spent_seconds"]
        let seconds: Double? = budget["budget_seconds"]
        guard counted < limit && (seconds.map { spent < $0 } ?? true) else {
            let running = try db.value(Int.self, """
                SELECT COUNT(*) FROM trials WHERE study_id = ? AND status = 'running' AND COALESCE(worker, '') != ?
                """, [study, worker]) ?? 0
            return .budgetTaken(othersRunning: running)
        }
        let id: Int = budget["next_trial"]
        var trial = Trial(id: id, genotype: proposal.genotype, strategy: proposal.strategy, worker: worker)
        var attempt = 1
        if let queued = try db.row("""
            SELECT id, genotype_json, origin, retry_of, attempt FROM queue WHERE study_id = ? AND trial_id IS NULL ORDER BY id LIMIT 1
            """, [study]) {
            attempt = queued["attempt"]
            let json: String = queued["genotype_json"]
            if let genotype = try? Genotype.parse(json) {
                trial.genotype = genotype
                trial.origin = TrialOrigin(rawValue: queued["origin"]) ?? .user
                trial.retryOf = queued["retry_of"]
                trial.strategy = trial.origin == .user ? "user" : proposal.strategy
            }
            try db.run("UPDATE queue SET trial_id = ? WHERE id = ?", [id, queued["id"] as Int64])
        }
        let now = Self.now()
        try db.run("""
            INSERT INTO trials (study_id, id, genotype_json, summary, space, strategy, status, origin, retry_of, attempt, worker,
                started_at) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)
            """, [study, id, trial.genotype.jsonString, trial.genotype.summary, trial.genotype.spaceName, trial.strategy,
                  trial.origin?.rawValue, trial.retryOf, attempt, worker, now])
        try db.run("UPDATE studies SET next_trial = ?, counted = counted + 1, updated_at = ? WHERE id = ?", [id + 1, now, study])
        return .trial(trial)
    }

    public func recordProgress(_ trial: Trial, study: Int64) throws {
        try write { db in try Self.writeCurves(db, trial, study: study) }
    }

    private static func writeCurves(_ db: Database, _ trial: Trial, study: Int64) throws {
        try db.run("DELETE FROM trial_epochs WHERE study_id = ? AND trial_id = ?", [study, trial.id])
        for e in trial.epochs {
            try db.run("""
                INSERT INTO trial_epochs (study_id, trial_id, epoch, train_loss, train_accuracy, validation_loss, validation_accuracy,
                    learning_rate, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [study, trial.id, e.epoch, e.trainLoss.isNaN ? nil : e.trainLoss, e.trainAccuracy.isNaN ? nil : e.trainAccuracy,
                      e.validationLoss, e.validationAccuracy, e.learningRate, e.seconds])
        }
        guard !trial.steps.isEmpty else { return }
        // Steps only grow: write the ones not stored yet.
        let stored = try db.value(Int.self, "SELECT COUNT(*) FROM trial_steps WHERE study_id = ? AND trial_id = ?", [study, trial.id]) ?? 0
        for (index, point) in trial.steps.enumerated().dropFirst(stored) {
            try db.run("INSERT INTO trial_steps (study_id, trial_id, step, epoch, loss) VALUES (?, ?, ?, ?, ?)",
                       [study, trial.id, index, point.epoch, point.loss])
        }
    }

    public func finish(_ trial: Trial, study: Int64) throws {
        try write { db in try finish(db, trial, study: study) }
    }

    private func finish(_ db: Database, _ trial: Trial, study: Int64) throws {
        let now = Self.now()
        guard let sequence = try db.value(Int64.self, """
            UPDATE studies SET finish_seq = finish_seq + 1, updated_at = ? WHERE id = ? RETURNING finish_seq
            """, [now, study]) else { throw StoreError.io("study \(study) is gone from the storage") }
        guard let counts = try db.value(Int.self, """
            UPDATE trials SET genotype_json = ?, summary = ?, space = ?, strategy = ?, status = ?, accuracy = ?, fitness = ?,
                latency_ms = ?, params = ?, flops = ?, note = ?, seconds = ?, fidelity = ?, cost_seconds = ?, finish_seq = ?,
                finished_at = ?
            WHERE study_id = ? AND id = ? AND status = 'running' RETURNING counts
            """, [trial.genotype.jsonString, trial.genotype.summary, trial.genotype.spaceName, trial.strategy,
                  trial.status.rawValue, trial.accuracy, trial.fitness, trial.latencyMs, trial.parameters, trial.flops,
                  trial.note, trial.seconds, trial.fidelity, trial.costSeconds, sequence, now, study, trial.id]) else {
            throw StoreError.trialTaken(id: trial.id, location: location)
        }
        try Self.writeCurves(db, trial, study: study)
        if counts == 1 {
            try db.run("UPDATE studies SET counted_finished = counted_finished + 1, spent_seconds = spent_seconds + ? WHERE id = ?",
                       [trial.costSeconds ?? 0, study])
        }
    }

    public func interrupt(trialID: Int, study: Int64, note: String) throws {
        try write { db in try Self.fail(db, trialID: trialID, study: study, note: note) }
    }

    public func recoverLostTrials(study: Int64, graceSeconds: Double) throws -> [Int] {
        try write { db in
            let now = Self.now()
            var alive: [String: Bool] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM workers WHERE study_id = ?", arguments: [study]) {
                let info = WorkerInfo(id: row["id"], host: row["host"], pid: row["pid"], heartbeat: row["heartbeat_at"])
                let stopped = (row["stopped_at"] as Double?) != nil
                alive[info.id] = !stopped && !ProcessLiveness.isGone(info) && info.heartbeat >= now - graceSeconds
            }
            var lost: [Int] = []
            for row in try Row.fetchAll(db, sql: Self.runningWorkersSQL, arguments: [study])
                .sorted(by: { ($0["id"] as Int) < ($1["id"] as Int) }) {
                let worker: String? = row["worker"]
                if let worker, alive[worker] == true { continue }
                let sameHost = worker.map { $0.hasPrefix(ProcessInfo.processInfo.hostName + ":") } ?? true
                let note = sameHost ? "interrupted: the process ended before the trial finished"
                                    : "worker lost: \(worker ?? "?") stopped sending heartbeats"
                try Self.fail(db, trialID: row["id"], study: study, note: note)
                lost.append(row["id"])
            }
            return lost
        }
    }

    /// Fails an interrupted running trial: it does not count against the budget and its
    /// architecture is queued to be evaluated again by one worker — up to `maximumAttempts`
    /// attempts, after which (an architecture that keeps killing its worker) it counts as failed.
    private static func fail(_ db: Database, trialID: Int, study: Int64, note: String) throws {
        guard let row = try db.row("SELECT genotype_json, status, attempt FROM trials WHERE study_id = ? AND id = ?", [study, trialID]),
              (row["status"] as String) == "running" else { return }
        let attempt: Int = row["attempt"]
        let evaluateAgain = attempt < maximumAttempts
        let now = now()
        try db.run("UPDATE studies SET finish_seq = finish_seq + 1, updated_at = ? WHERE id = ?", [now, study])
        try db.run("""
            UPDATE trials SET status = 'failed', note = ?, counts = ?, finished_at = ?,
                finish_seq = (SELECT finish_seq FROM studies WHERE id = ?) WHERE study_id = ? AND id = ?
            """, [evaluateAgain ? note : note + " (attempt \(attempt) of \(maximumAttempts): counted as failed)", evaluateAgain ? 0 : 1,
                  now, study, study, trialID])
        if evaluateAgain {
            try db.run("UPDATE studies SET counted = counted - 1 WHERE id = ?", [study])
            try db.run("""
                INSERT INTO queue (study_id, genotype_json, origin, retry_of, attempt, created_at) VALUES (?, ?, 'retry', ?, ?, ?)
                """, [study, row["genotype_json"] as String, trialID, attempt + 1, now])
        } else {
            try db.run("UPDATE studies SET counted_finished = counted_finished + 1 WHERE id = ?", [study])
        }
    }

    /// How many times an interrupted architecture is evaluated in all.
    public static let maximumAttempts = 3

    public func finishedTrials(study: Int64, after sequence: Int64) throws -> (trials: [Trial], cursor: Int64) {
        try read { db in try finishedTrials(db, study: study, after: sequence) }
    }

    public func runningTrials(study: Int64) throws -> [Trial] {
        try read { db in try runningTrials(db, study: study) }
    }

    /// One read transaction for the whole frame: a transaction that begins after another
    /// process wrote starts with an empty page cache, so separate ones would read the same
    /// index pages again.
    public func changes(study: Int64, finishedAfter: Int64, commandsAfter: Int64) throws -> StudyChanges {
        try read { db in
            let control = try Self.control(db, study: study)
            let (finished, cursor) = try finishedTrials(db, study: study, after: finishedAfter)
            let commands = control.lastCommand > commandsAfter ? try Self.commands(db, study: study, after: commandsAfter) : []
            return StudyChanges(control: control, finished: finished, finishCursor: cursor,
                                running: try runningTrials(db, study: study), commands: commands)
        }
    }

    private func finishedTrials(_ db: Database, study: Int64, after sequence: Int64) throws -> (trials: [Trial], cursor: Int64) {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT \(Self.trialColumns), finish_seq FROM trials WHERE study_id = ? AND finish_seq > ? ORDER BY finish_seq
            """), arguments: [study, sequence])
        let trials = try trials(db, rows: rows, study: study)
        let cursor = rows.last.map { $0[Self.trialColumnCount] as Int64 } ?? sequence
        return (trials, cursor)
    }

    private func runningTrials(_ db: Database, study: Int64) throws -> [Trial] {
        try trials(db, rows: Row.fetchAll(db.cachedStatement(sql: Self.runningTrialsSQL), arguments: [study])
            .sorted { ($0[0] as Int) < ($1[0] as Int) }, study: study)
    }

    // The running trials are sorted by id in Swift, not by ORDER BY id: with it, SQLite walks the
    // primary key through the whole study instead of the status index (at 60,000 trials, 30 MB
    // of pages for each attached frame and each of the engine's heartbeats).
    static let runningTrialsSQL = "SELECT \(trialColumns) FROM trials WHERE study_id = ? AND status = 'running'"
    static let runningWorkersSQL = "SELECT id, worker FROM trials WHERE study_id = ? AND status = 'running'"

    /// The columns `trials(_:rows:study:)` reads, by position (a name lookup per value cost
    /// more than the value: GRDB matches names case-insensitively).
    private static let trialColumns = """
        id, genotype_json, strategy, status, accuracy, fitness, latency_ms, params, flops, note, seconds, \
        origin, retry_of, worker, fidelity, cost_seconds
        """
    private static let trialColumnCount = 16

    /// Trials of `rows` (`trialColumns` first) with their epochs and steps.
    private func trials(_ db: Database, rows: [Row], study: Int64) throws -> [Trial] {
        guard !rows.isEmpty else { return [] }
        let ids = rows.map { $0[0] as Int }
        let low = ids.min()!, high = ids.max()!
        var epochs: [Int: [EpochReport]] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT trial_id, epoch, train_loss, train_accuracy, validation_loss, validation_accuracy, learning_rate, seconds
            FROM trial_epochs WHERE study_id = ? AND trial_id BETWEEN ? AND ? ORDER BY trial_id, epoch
            """), arguments: [study, low, high]) {
            epochs[row[0], default: []].append(EpochReport(
                epoch: row[1], trainLoss: row[2] as Double? ?? .nan, trainAccuracy: row[3] as Double? ?? .nan,
                validationLoss: row[4], validationAccuracy: row[5], learningRate: row[6], seconds: row[7]))
        }
        var steps: [Int: [TrainingLossPoint]] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT trial_id, epoch, loss FROM trial_steps WHERE study_id = ? AND trial_id BETWEEN ? AND ? ORDER BY trial_id, step
            """), arguments: [study, low, high]) {
            steps[row[0], default: []].append(TrainingLossPoint(epoch: row[1], loss: row[2]))
        }
        return try rows.map { row in
            let id: Int = row[0]
            let genotype: Genotype
            do { genotype = try genotypes.genotype(row[1]) } catch {
                throw StoreError.notAStudyStorage("\(location): trial \(id) has an unreadable genotype: \(error)")
            }
            let status = TrialStatus(rawValue: row[3]) ?? .failed
            let origin = (row[11] as String?).flatMap(TrialOrigin.init(rawValue:))
            return Trial(id: id, genotype: genotype, strategy: row[2], status: status, accuracy: row[4],
                         fitness: row[5], latencyMs: row[6], parameters: row[7], flops: row[8],
                         epochs: epochs[id] ?? [], note: row[9], seconds: row[10], steps: steps[id] ?? [],
                         origin: origin, retryOf: row[12], worker: row[13], fidelity: row[14], costSeconds: row[15])
        }
    }
}

/// Whether a worker's process is known to be gone: it ran on this host and its pid is free.
enum ProcessLiveness {
    static func isGone(_ worker: WorkerInfo) -> Bool {
        guard worker.host == ProcessInfo.processInfo.hostName else { return false }
        if worker.pid == ProcessInfo.processInfo.processIdentifier { return false }
        return kill(worker.pid, 0) != 0 && errno == ESRCH
    }
}

/// Statements through GRDB's statement cache: the hot paths (claim, finish, poll) run thousands
/// of times a second on tabular studies, and parsing their SQL each time would dominate.
extension Database {
    func run(_ sql: String, _ arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    func row(_ sql: String, _ arguments: StatementArguments = []) throws -> Row? {
        try Row.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    func value<T: DatabaseValueConvertible>(_ type: T.Type, _ sql: String, _ arguments: StatementArguments = []) throws -> T? {
        try T.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }
}
