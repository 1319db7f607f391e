import Foundation
import GRDB

/// The SQLite schema of a study file, as GRDB migrations.
///
/// - v1 (nas-tui before named studies): one study per file (`study` with id 1), `trials` and
///   `trial_epochs` keyed by the trial id alone. Files of that era have no `grdb_migrations`
///   table; "v1" creates its tables only if they are missing, so it is recorded as applied.
/// - v2: many named studies (`studies`), trials keyed by (study, id) with origin, retry and
///   worker columns, sub-epoch losses (`trial_steps`), the command log (`commands`), the queue
///   of architectures to evaluate next (`queue`) and the `workers` with their heartbeats.
///   A v1 file becomes v2 in place; its study is named after the file.
/// - v3: multi-fidelity tables. A trial's `fidelity` (epochs of a low-fidelity evaluation, NULL
///   for a full one) and `cost_seconds` (simulated seconds, added to the study's
///   `spent_seconds`) are written (v2 had the columns, always NULL); `trial_epochs` may hold
///   looked-up epochs without training figures, so `train_loss` and `train_accuracy` become
///   nullable (NULL: not trained, read back as NaN).
enum SQLiteSchema {
    /// The schema version this build writes (`meta.schema_version`).
    static let version = 3
    static let application = "nas-tui"

    /// The migrator; `defaultStudyName` names the study of a v1 file.
    static func migrator(defaultStudyName: String) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT OR IGNORE INTO meta (key, value) VALUES ('application', '\(application)');
                INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '1');
                CREATE TABLE IF NOT EXISTS study (
                    id INTEGER PRIMARY KEY CHECK (id = 1), created_at REAL NOT NULL, settings_json TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS trials (
                    id INTEGER PRIMARY KEY, genotype_json TEXT NOT NULL, summary TEXT NOT NULL, space TEXT NOT NULL,
                    strategy TEXT NOT NULL, status TEXT NOT NULL, accuracy REAL, fitness REAL, latency_ms REAL,
                    params INTEGER, flops INTEGER, note TEXT, seconds REAL, started_at REAL NOT NULL, finished_at REAL);
                CREATE TABLE IF NOT EXISTS trial_epochs (
                    trial_id INTEGER NOT NULL REFERENCES trials(id), epoch INTEGER NOT NULL,
                    train_loss REAL NOT NULL, train_accuracy REAL NOT NULL, validation_loss REAL, validation_accuracy REAL,
                    learning_rate REAL NOT NULL, seconds REAL NOT NULL, PRIMARY KEY (trial_id, epoch));
                """)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE studies (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    settings_json TEXT NOT NULL,
                    state TEXT NOT NULL,
                    budget INTEGER NOT NULL,
                    budget_seconds REAL,
                    strategy TEXT NOT NULL,
                    next_trial INTEGER NOT NULL DEFAULT 1,
                    counted INTEGER NOT NULL DEFAULT 0,
                    counted_finished INTEGER NOT NULL DEFAULT 0,
                    spent_seconds REAL NOT NULL DEFAULT 0,
                    finish_seq INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL);
                CREATE TABLE trials_v2 (
                    study_id INTEGER NOT NULL REFERENCES studies(id),
                    id INTEGER NOT NULL,
                    genotype_json TEXT NOT NULL, summary TEXT NOT NULL, space TEXT NOT NULL, strategy TEXT NOT NULL,
                    status TEXT NOT NULL,
                    accuracy REAL, fitness REAL, latency_ms REAL, params INTEGER, flops INTEGER,
                    note TEXT, seconds REAL, fidelity INTEGER, cost_seconds REAL,
                    origin TEXT, retry_of INTEGER, attempt INTEGER NOT NULL DEFAULT 1,
                    counts INTEGER NOT NULL DEFAULT 1,
                    worker TEXT,
                    finish_seq INTEGER,
                    started_at REAL NOT NULL, finished_at REAL,
                    PRIMARY KEY (study_id, id));
                CREATE TABLE trial_epochs_v2 (
                    study_id INTEGER NOT NULL, trial_id INTEGER NOT NULL, epoch INTEGER NOT NULL,
                    train_loss REAL NOT NULL, train_accuracy REAL NOT NULL, validation_loss REAL, validation_accuracy REAL,
                    learning_rate REAL NOT NULL, seconds REAL NOT NULL,
                    PRIMARY KEY (study_id, trial_id, epoch));
                CREATE TABLE trial_steps (
                    study_id INTEGER NOT NULL, trial_id INTEGER NOT NULL, step INTEGER NOT NULL,
                    epoch REAL NOT NULL, loss REAL NOT NULL,
                    PRIMARY KEY (study_id, trial_id, step));
                CREATE TABLE commands (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    study_id INTEGER NOT NULL REFERENCES studies(id),
                    kind TEXT NOT NULL, argument TEXT, issuer TEXT NOT NULL, created_at REAL NOT NULL);
                CREATE TABLE queue (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    study_id INTEGER NOT NULL REFERENCES studies(id),
                    genotype_json TEXT NOT NULL, origin TEXT NOT NULL, retry_of INTEGER, attempt INTEGER NOT NULL DEFAULT 1,
                    created_at REAL NOT NULL, trial_id INTEGER);
                CREATE TABLE workers (
                    study_id INTEGER NOT NULL REFERENCES studies(id),
                    id TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL,
                    started_at REAL NOT NULL, heartbeat_at REAL NOT NULL, stopped_at REAL,
                    PRIMARY KEY (study_id, id));
                """)
            // The one study of a v1 file, named after the file, keeps its settings and trials.
            if let row = try Row.fetchOne(db, sql: "SELECT created_at, settings_json FROM study WHERE id = 1") {
                let settings: String = row["settings_json"]
                let created: Double = row["created_at"]
                let budget = try Int.fetchOne(db, sql: "SELECT json_extract(?, '$.budget')", arguments: [settings]) ?? 0
                let strategy = try String.fetchOne(db, sql: "SELECT strategy FROM trials ORDER BY id DESC LIMIT 1")
                    ?? String.fetchOne(db, sql: "SELECT json_extract(?, '$.strategy')", arguments: [settings]) ?? "random"
                let finished = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trials WHERE status != 'running'") ?? 0
                let updated = try Double.fetchOne(db, sql: "SELECT MAX(COALESCE(finished_at, started_at)) FROM trials") ?? created
                try db.execute(sql: """
                    INSERT INTO studies (id, name, settings_json, state, budget, strategy, created_at, updated_at)
                    VALUES (1, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [defaultStudyName, settings, finished >= budget ? "finished" : "running", budget, strategy,
                                     created, updated])
                try db.execute(sql: """
                    INSERT INTO trials_v2 (study_id, id, genotype_json, summary, space, strategy, status, accuracy, fitness,
                        latency_ms, params, flops, note, seconds, finish_seq, started_at, finished_at)
                    SELECT 1, id, genotype_json, summary, space, strategy, status, accuracy, fitness, latency_ms, params, flops,
                        note, seconds, CASE WHEN status = 'running' THEN NULL ELSE id END, started_at, finished_at FROM trials;
                    INSERT INTO trial_epochs_v2 SELECT 1, trial_id, epoch, train_loss, train_accuracy, validation_loss,
                        validation_accuracy, learning_rate, seconds FROM trial_epochs;
                    UPDATE studies SET
                        next_trial = COALESCE((SELECT MAX(id) FROM trials), 0) + 1,
                        counted = (SELECT COUNT(*) FROM trials),
                        counted_finished = (SELECT COUNT(*) FROM trials WHERE status != 'running'),
                        finish_seq = COALESCE((SELECT MAX(id) FROM trials), 0)
                    WHERE id = 1;
                    """)
            }
            try db.execute(sql: """
                DROP TABLE trial_epochs; DROP TABLE trials; DROP TABLE study;
                ALTER TABLE trials_v2 RENAME TO trials;
                ALTER TABLE trial_epochs_v2 RENAME TO trial_epochs;
                CREATE INDEX trials_by_finish ON trials (study_id, finish_seq);
                CREATE INDEX trials_by_status ON trials (study_id, status);
                CREATE INDEX queue_open ON queue (study_id, trial_id);
                CREATE INDEX commands_by_study ON commands (study_id, id);
                UPDATE meta SET value = '2' WHERE key = 'schema_version';
                """)
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: """
                CREATE TABLE trial_epochs_v3 (
                    study_id INTEGER NOT NULL, trial_id INTEGER NOT NULL, epoch INTEGER NOT NULL,
                    train_loss REAL, train_accuracy REAL, validation_loss REAL, validation_accuracy REAL,
                    learning_rate REAL NOT NULL, seconds REAL NOT NULL,
                    PRIMARY KEY (study_id, trial_id, epoch));
                INSERT INTO trial_epochs_v3 SELECT study_id, trial_id, epoch, train_loss, train_accuracy, validation_loss,
                    validation_accuracy, learning_rate, seconds FROM trial_epochs;
                DROP TABLE trial_epochs;
                ALTER TABLE trial_epochs_v3 RENAME TO trial_epochs;
                UPDATE meta SET value = '3' WHERE key = 'schema_version';
                """)
        }
        return migrator
    }
}
