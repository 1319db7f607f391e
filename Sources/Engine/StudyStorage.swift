import Foundation
import GRDB
import NAS
import Search

/// A study in a SQLite file (through GRDB, WAL mode): its settings, every trial and every
/// trial's per-epoch values. A trial is written when it starts (so a crash leaves it visible,
/// as `running`) and again, with its epochs, in one transaction when it ends — before the engine
/// starts the next one.
public final class StudyStorage {
    /// The schema this build writes; files from a newer schema are refused untouched.
    public static let schemaVersion = 1
    static let application = "nas-tui"

    public let path: String
    private let database: DatabaseQueue

    /// Errors that name the file and what is wrong with it.
    public struct StorageError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Opens (or, with `create`, makes) the study at `path`. A file that is not a nas-tui study,
    /// comes from a newer schema or cannot be written is refused before anything is written to it.
    public init(path: String, create: Bool) throws {
        self.path = path
        let manager = FileManager.default
        let exists = manager.fileExists(atPath: path)
        if exists {
            try Self.check(existing: path)
        } else {
            guard create else { throw StorageError(description: "\(path): no such study; run without --resume to start one") }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try? manager.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            guard manager.isWritableFile(atPath: directory.isEmpty ? "." : directory) else {
                throw StorageError(description: "\(path): cannot create the study: directory \(directory.isEmpty ? "." : directory) is not writable")
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            // WAL with synchronous=NORMAL: a committed trial survives the process being killed
            // (the case that matters here); only a power cut may lose the last commits.
            try database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            try Self.migrate(database)
        } catch let error as DatabaseError {
            throw StorageError(description: "\(path): \(error.message ?? "\(error)")")
        }
    }

    /// Refuses, without writing, a file that is not a SQLite nas-tui study of a known schema.
    private static func check(existing path: String) throws {
        guard FileManager.default.isWritableFile(atPath: path) else {
            throw StorageError(description: "\(path): the study file is not writable; accepted: a nas-tui study file you can write")
        }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let reader = try DatabaseQueue(path: path, configuration: configuration)
            try reader.read { db in
                guard try db.tableExists("meta") else {
                    throw StorageError(description: "\(path): not a nas-tui study (no meta table); accepted: a file written by nas-tui, or a new path")
                }
                let app = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'application'")
                guard app == application else {
                    throw StorageError(description: "\(path): not a nas-tui study (application '\(app ?? "none")'); accepted: a file written by nas-tui, or a new path")
                }
                let version = try Int.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'") ?? 0
                guard version <= schemaVersion else {
                    throw StorageError(description: "\(path): written by a newer nas-tui (schema \(version), this build reads up to \(schemaVersion)); upgrade nas-tui or use another --storage file")
                }
            }
            try reader.close()
        } catch let error as DatabaseError {
            throw StorageError(description: "\(path): not a nas-tui study (\(error.message ?? "unreadable")); accepted: a file written by nas-tui, or a new path")
        }
    }

    private static func migrate(_ database: DatabaseQueue) throws {
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT OR IGNORE INTO meta (key, value) VALUES ('application', '\(application)');
                INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '\(schemaVersion)');
                CREATE TABLE IF NOT EXISTS study (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    created_at REAL NOT NULL,
                    settings_json TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS trials (
                    id INTEGER PRIMARY KEY,
                    genotype_json TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    space TEXT NOT NULL,
                    strategy TEXT NOT NULL,
                    status TEXT NOT NULL,
                    accuracy REAL, fitness REAL, latency_ms REAL,
                    params INTEGER, flops INTEGER,
                    note TEXT, seconds REAL,
                    started_at REAL NOT NULL, finished_at REAL);
                CREATE TABLE IF NOT EXISTS trial_epochs (
                    trial_id INTEGER NOT NULL REFERENCES trials(id),
                    epoch INTEGER NOT NULL,
                    train_loss REAL NOT NULL, train_accuracy REAL NOT NULL,
                    validation_loss REAL, validation_accuracy REAL,
                    learning_rate REAL NOT NULL, seconds REAL NOT NULL,
                    PRIMARY KEY (trial_id, epoch));
                """)
        }
    }

    /// Seconds since 1970 (SQLite: `datetime(started_at, 'unixepoch')`).
    private static func timestamp() -> Double { Date().timeIntervalSince1970 }

    /// The study's settings, as saved when it was created (nil for a new file).
    public func loadSettings() throws -> String? {
        try database.read { db in try String.fetchOne(db, sql: "SELECT settings_json FROM study WHERE id = 1") }
    }

    /// Saves the study's settings (when it is created, or when a resume extends the budget).
    public func saveSettings(_ json: String) throws {
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO study (id, created_at, settings_json) VALUES (1, ?, ?)
                ON CONFLICT(id) DO UPDATE SET settings_json = excluded.settings_json
                """, arguments: [Self.timestamp(), json])
        }
    }

    /// Records a trial as it starts (status running).
    public func begin(_ trial: Trial) throws {
        try database.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO trials (id, genotype_json, summary, space, strategy, status, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [trial.id, trial.genotype.jsonString, trial.genotype.summary, trial.genotype.spaceName,
                                 trial.strategy, trial.status.rawValue, Self.timestamp()])
        }
    }

    /// Writes a finished trial and its epochs in one transaction.
    public func finish(_ trial: Trial) throws {
        try database.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO trials (id, genotype_json, summary, space, strategy, status, accuracy, fitness,
                    latency_ms, params, flops, note, seconds, started_at, finished_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                    COALESCE((SELECT started_at FROM trials WHERE id = ?), ?), ?)
                """, arguments: [trial.id, trial.genotype.jsonString, trial.genotype.summary, trial.genotype.spaceName,
                                 trial.strategy, trial.status.rawValue, trial.accuracy, trial.fitness, trial.latencyMs,
                                 trial.parameters, trial.flops, trial.note, trial.seconds, trial.id, Self.timestamp(), Self.timestamp()])
            try db.execute(sql: "DELETE FROM trial_epochs WHERE trial_id = ?", arguments: [trial.id])
            for e in trial.epochs {
                try db.execute(sql: """
                    INSERT INTO trial_epochs (trial_id, epoch, train_loss, train_accuracy, validation_loss, validation_accuracy,
                        learning_rate, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [trial.id, e.epoch, e.trainLoss, e.trainAccuracy, e.validationLoss, e.validationAccuracy,
                                     e.learningRate, e.seconds])
            }
        }
    }

    /// Marks trials left `running` by a process that ended as failed; returns their ids.
    @discardableResult
    public func failInterruptedTrials() throws -> [Int] {
        try database.write { db in
            let ids = try Int.fetchAll(db, sql: "SELECT id FROM trials WHERE status = 'running' ORDER BY id")
            try db.execute(sql: """
                UPDATE trials SET status = 'failed', note = 'interrupted: the process ended before the trial finished',
                    finished_at = ? WHERE status = 'running'
                """, arguments: [Self.timestamp()])
            return ids
        }
    }

    /// Every trial in id order, with its epochs.
    public func loadTrials() throws -> [Trial] {
        try database.read { db in
            var epochs: [Int: [EpochReport]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM trial_epochs ORDER BY trial_id, epoch") {
                let report = EpochReport(epoch: row["epoch"], trainLoss: row["train_loss"], trainAccuracy: row["train_accuracy"],
                                         validationLoss: row["validation_loss"], validationAccuracy: row["validation_accuracy"],
                                         learningRate: row["learning_rate"], seconds: row["seconds"])
                epochs[row["trial_id"], default: []].append(report)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM trials ORDER BY id").map { row in
                let id: Int = row["id"]
                let genotypeText: String = row["genotype_json"]
                let genotype: Genotype
                do { genotype = try Genotype.parse(genotypeText) } catch {
                    throw StorageError(description: "\(path): trial \(id) has an unreadable genotype: \(error)")
                }
                let statusText: String = row["status"]
                return Trial(id: id, genotype: genotype, strategy: row["strategy"], status: TrialStatus(rawValue: statusText) ?? .failed,
                             accuracy: row["accuracy"], fitness: row["fitness"], latencyMs: row["latency_ms"],
                             parameters: row["params"], flops: row["flops"], epochs: epochs[id] ?? [], note: row["note"],
                             seconds: row["seconds"])
            }
        }
    }
}
