import Foundation

/// The PostgreSQL schema of a study storage: SQLite's tables (`SQLiteSchema`) expressed for
/// PostgreSQL in a schema of their own (`nas_tui`, beside whatever else the database holds),
/// with the versions applied recorded in `nas_tui.migrations`. Every table, function and
/// migration is here, in order: a new storage version appends one `Migration`; one that changes
/// the tables bumps `SQLiteSchema.version` alongside, so both storages keep the same tables.
///
/// The hot paths (claim, finish, curves, fail) are functions, so each is one round trip and
/// one transaction on the server: `claim` locks the study row (`FOR UPDATE`), which orders the
/// claims of every worker and keeps the budget exact, and takes the queue's oldest open entry
/// with `FOR UPDATE SKIP LOCKED`. Times are the server's clock (`clock()`: Unix seconds).
///
/// - v2: SQLite's v2 (named studies, workers, command log, queue).
/// - v3: SQLite's v3 (multi-fidelity tables): `finish` writes a trial's `fidelity` and
///   `cost_seconds` and adds the cost to the study's `spent_seconds`; `trial_epochs.train_loss`
///   and `train_accuracy` are nullable (NaN is written as NULL, read back as NaN).
/// - v4 (functions only; SQLite's tables are the same, its version stays 3): `finish_and_claim`
///   stores a finished trial and claims the next in one call and one commit (`StudyStore.finish
///   (_:study:thenClaimFor:proposal:)`), and `finish` skips the curve tables when a trial has
///   no curves (a looked-up trial).
/// - v5 (functions only): `finish_and_claim` locks the study row first and writes it once.
enum PostgresSchema {
    static let name = "nas_tui"

    struct Migration {
        var version: Int
        var name: String
        var statements: [String]
    }

    /// The schema version this build writes (`meta.schema_version`): the last migration's.
    static var version: Int { migrations.last!.version }

    /// Versions are SQLite's: v1 (one study per file) never existed on a server, so the first is v2.
    static let migrations: [Migration] = [
        Migration(version: 2, name: "named studies, workers, command log, queue", statements: [
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)
            """,
            "INSERT INTO meta (key, value) VALUES ('application', '\(SQLiteSchema.application)')",
            "INSERT INTO meta (key, value) VALUES ('schema_version', '2')",
            """
            CREATE FUNCTION clock() RETURNS double precision LANGUAGE sql VOLATILE AS
            $$ SELECT extract(epoch FROM clock_timestamp())::double precision $$
            """,
            """
            CREATE TABLE studies (
                id BIGSERIAL PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                settings_json TEXT NOT NULL,
                state TEXT NOT NULL,
                budget INTEGER NOT NULL,
                budget_seconds DOUBLE PRECISION,
                strategy TEXT NOT NULL,
                next_trial INTEGER NOT NULL DEFAULT 1,
                counted INTEGER NOT NULL DEFAULT 0,
                counted_finished INTEGER NOT NULL DEFAULT 0,
                spent_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
                finish_seq BIGINT NOT NULL DEFAULT 0,
                created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL)
            """,
            """
            CREATE TABLE trials (
                study_id BIGINT NOT NULL REFERENCES studies(id),
                id INTEGER NOT NULL,
                genotype_json TEXT NOT NULL, summary TEXT NOT NULL, space TEXT NOT NULL, strategy TEXT NOT NULL,
                status TEXT NOT NULL,
                accuracy DOUBLE PRECISION, fitness DOUBLE PRECISION, latency_ms DOUBLE PRECISION, params BIGINT, flops BIGINT,
                note TEXT, seconds DOUBLE PRECISION, fidelity INTEGER, cost_seconds DOUBLE PRECISION,
                origin TEXT, retry_of INTEGER, attempt INTEGER NOT NULL DEFAULT 1,
                counts INTEGER NOT NULL DEFAULT 1,
                worker TEXT,
                finish_seq BIGINT,
                started_at DOUBLE PRECISION NOT NULL, finished_at DOUBLE PRECISION,
                PRIMARY KEY (study_id, id))
            """,
            """
            CREATE TABLE trial_epochs (
                study_id BIGINT NOT NULL, trial_id INTEGER NOT NULL, epoch INTEGER NOT NULL,
                train_loss DOUBLE PRECISION NOT NULL, train_accuracy DOUBLE PRECISION NOT NULL,
                validation_loss DOUBLE PRECISION, validation_accuracy DOUBLE PRECISION,
                learning_rate DOUBLE PRECISION NOT NULL, seconds DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (study_id, trial_id, epoch))
            """,
            """
            CREATE TABLE trial_steps (
                study_id BIGINT NOT NULL, trial_id INTEGER NOT NULL, step INTEGER NOT NULL,
                epoch DOUBLE PRECISION NOT NULL, loss DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (study_id, trial_id, step))
            """,
            """
            CREATE TABLE commands (
                id BIGSERIAL PRIMARY KEY,
                study_id BIGINT NOT NULL REFERENCES studies(id),
                kind TEXT NOT NULL, argument TEXT, issuer TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL)
            """,
            """
            CREATE TABLE queue (
                id BIGSERIAL PRIMARY KEY,
                study_id BIGINT NOT NULL REFERENCES studies(id),
                genotype_json TEXT NOT NULL, origin TEXT NOT NULL, retry_of INTEGER, attempt INTEGER NOT NULL DEFAULT 1,
                created_at DOUBLE PRECISION NOT NULL, trial_id INTEGER)
            """,
            """
            CREATE TABLE workers (
                study_id BIGINT NOT NULL REFERENCES studies(id),
                id TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL,
                started_at DOUBLE PRECISION NOT NULL, heartbeat_at DOUBLE PRECISION NOT NULL, stopped_at DOUBLE PRECISION,
                PRIMARY KEY (study_id, id))
            """,
            "CREATE INDEX trials_by_finish ON trials (study_id, finish_seq)",
            "CREATE INDEX trials_by_status ON trials (study_id, status)",
            "CREATE INDEX queue_open ON queue (study_id, trial_id)",
            "CREATE INDEX commands_by_study ON commands (study_id, id)",
            // The next piece of work for a worker (SQLiteStudyStore.claim): kind 'trial' with the
            // new trial (o_queued: taken from the queue, its genotype in o_genotype; the caller
            // fixes summary and space), or 'budget' with the others' running trials.
            """
            CREATE FUNCTION claim(p_study BIGINT, p_worker TEXT, p_genotype TEXT, p_summary TEXT, p_space TEXT, p_strategy TEXT)
            RETURNS TABLE (o_kind TEXT, o_id INTEGER, o_queued BOOLEAN, o_genotype TEXT, o_strategy TEXT, o_origin TEXT,
                           o_retry_of INTEGER, o_others INTEGER)
            LANGUAGE plpgsql AS $$
            DECLARE
                s studies%ROWTYPE;
                q queue%ROWTYPE;
                v_now DOUBLE PRECISION := clock();
                v_attempt INTEGER := 1;
            BEGIN
                SELECT * INTO s FROM studies WHERE id = p_study FOR UPDATE;
                IF NOT FOUND THEN RAISE EXCEPTION 'study % is gone from the storage', p_study; END IF;
                IF s.counted >= s.budget OR (s.budget_seconds IS NOT NULL AND s.spent_seconds >= s.budget_seconds) THEN
                    RETURN QUERY SELECT 'budget'::TEXT, NULL::INTEGER, FALSE, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::INTEGER,
                        (SELECT COUNT(*)::INTEGER FROM trials t WHERE t.study_id = p_study AND t.status = 'running'
                            AND COALESCE(t.worker, '') <> p_worker);
                    RETURN;
                END IF;
                o_id := s.next_trial; o_queued := FALSE; o_genotype := p_genotype; o_strategy := p_strategy;
                SELECT * INTO q FROM queue WHERE study_id = p_study AND trial_id IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;
                IF FOUND THEN
                    o_queued := TRUE; o_genotype := q.genotype_json; o_origin := q.origin; o_retry_of := q.retry_of;
                    v_attempt := q.attempt;
                    IF q.origin = 'user' THEN o_strategy := 'user'; END IF;
                    UPDATE queue SET trial_id = o_id WHERE id = q.id;
                END IF;
                INSERT INTO trials (study_id, id, genotype_json, summary, space, strategy, status, origin, retry_of, attempt, worker,
                    started_at) VALUES (p_study, o_id, o_genotype, CASE WHEN o_queued THEN '' ELSE p_summary END,
                    CASE WHEN o_queued THEN '' ELSE p_space END, o_strategy, 'running', o_origin, o_retry_of, v_attempt, p_worker, v_now);
                UPDATE studies SET next_trial = o_id + 1, counted = counted + 1, updated_at = v_now WHERE id = p_study;
                o_kind := 'trial'; o_others := 0;
                RETURN NEXT;
            END $$
            """,
            // A trial's epochs (replaced) and sub-epoch loss points (only the new ones are
            // written); NaN validation values stand for none.
            """
            CREATE FUNCTION write_curves(p_study BIGINT, p_trial BIGINT, e_epoch BIGINT[], e_train_loss FLOAT8[],
                e_train_accuracy FLOAT8[], e_validation_loss FLOAT8[], e_validation_accuracy FLOAT8[], e_learning_rate FLOAT8[],
                e_seconds FLOAT8[], s_epoch FLOAT8[], s_loss FLOAT8[])
            RETURNS VOID LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM trial_epochs WHERE study_id = p_study AND trial_id = p_trial;
                INSERT INTO trial_epochs (study_id, trial_id, epoch, train_loss, train_accuracy, validation_loss, validation_accuracy,
                    learning_rate, seconds)
                SELECT p_study, p_trial, e.ep, e.tl, e.ta, NULLIF(e.vl, 'NaN'::FLOAT8), NULLIF(e.va, 'NaN'::FLOAT8), e.lr, e.sec
                FROM unnest(e_epoch, e_train_loss, e_train_accuracy, e_validation_loss, e_validation_accuracy, e_learning_rate,
                    e_seconds) AS e(ep, tl, ta, vl, va, lr, sec);
                INSERT INTO trial_steps (study_id, trial_id, step, epoch, loss)
                SELECT p_study, p_trial, (s.ord - 1)::INTEGER, s.ep, s.loss
                FROM unnest(s_epoch, s_loss) WITH ORDINALITY AS s(ep, loss, ord)
                ON CONFLICT DO NOTHING;
            END $$
            """,
            // A finished trial: 1 stored, 0 stored already by this worker (a retry after a lost
            // connection whose commit had gone through), -1 no longer running (given up).
            """
            CREATE FUNCTION finish(p_study BIGINT, p_id BIGINT, p_worker TEXT, p_genotype TEXT, p_summary TEXT, p_space TEXT,
                p_strategy TEXT, p_status TEXT, p_accuracy FLOAT8, p_fitness FLOAT8, p_latency FLOAT8, p_params BIGINT,
                p_flops BIGINT, p_note TEXT, p_seconds FLOAT8,
                e_epoch BIGINT[], e_train_loss FLOAT8[], e_train_accuracy FLOAT8[], e_validation_loss FLOAT8[],
                e_validation_accuracy FLOAT8[], e_learning_rate FLOAT8[], e_seconds FLOAT8[], s_epoch FLOAT8[], s_loss FLOAT8[])
            RETURNS INTEGER LANGUAGE plpgsql AS $$
            DECLARE
                v_now DOUBLE PRECISION := clock();
                v_seq BIGINT;
                v_counts INTEGER;
            BEGIN
                UPDATE studies SET finish_seq = finish_seq + 1, updated_at = v_now WHERE id = p_study RETURNING finish_seq INTO v_seq;
                IF NOT FOUND THEN RAISE EXCEPTION 'study % is gone from the storage', p_study; END IF;
                UPDATE trials SET genotype_json = p_genotype, summary = p_summary, space = p_space, strategy = p_strategy,
                    status = p_status, accuracy = p_accuracy, fitness = p_fitness, latency_ms = p_latency, params = p_params,
                    flops = p_flops, note = p_note, seconds = p_seconds, finish_seq = v_seq, finished_at = v_now
                WHERE study_id = p_study AND id = p_id AND status = 'running' RETURNING counts INTO v_counts;
                IF NOT FOUND THEN
                    UPDATE studies SET finish_seq = finish_seq - 1 WHERE id = p_study;
                    IF EXISTS (SELECT 1 FROM trials WHERE study_id = p_study AND id = p_id AND worker = p_worker
                               AND status = p_status AND counts = 1 AND accuracy IS NOT DISTINCT FROM p_accuracy) THEN
                        RETURN 0;
                    END IF;
                    RETURN -1;
                END IF;
                PERFORM write_curves(p_study, p_id, e_epoch, e_train_loss, e_train_accuracy, e_validation_loss,
                    e_validation_accuracy, e_learning_rate, e_seconds, s_epoch, s_loss);
                IF v_counts = 1 THEN UPDATE studies SET counted_finished = counted_finished + 1 WHERE id = p_study; END IF;
                RETURN 1;
            END $$
            """,
            // An interrupted running trial (SQLiteStudyStore.fail): failed and not counted, its
            // architecture queued again — up to p_max attempts, after which it counts as failed.
            // Returns whether the trial was running.
            """
            CREATE FUNCTION fail_trial(p_study BIGINT, p_id BIGINT, p_note TEXT, p_max BIGINT)
            RETURNS BOOLEAN LANGUAGE plpgsql AS $$
            DECLARE
                t trials%ROWTYPE;
                v_now DOUBLE PRECISION := clock();
                v_again BOOLEAN;
                v_seq BIGINT;
            BEGIN
                PERFORM 1 FROM studies WHERE id = p_study FOR UPDATE;
                SELECT * INTO t FROM trials WHERE study_id = p_study AND id = p_id FOR UPDATE;
                IF NOT FOUND OR t.status <> 'running' THEN RETURN FALSE; END IF;
                v_again := t.attempt < p_max;
                UPDATE studies SET finish_seq = finish_seq + 1, updated_at = v_now WHERE id = p_study RETURNING finish_seq INTO v_seq;
                UPDATE trials SET status = 'failed',
                    note = CASE WHEN v_again THEN p_note
                                ELSE p_note || ' (attempt ' || t.attempt || ' of ' || p_max || ': counted as failed)' END,
                    counts = CASE WHEN v_again THEN 0 ELSE 1 END, finished_at = v_now, finish_seq = v_seq
                WHERE study_id = p_study AND id = p_id;
                IF v_again THEN
                    UPDATE studies SET counted = counted - 1 WHERE id = p_study;
                    INSERT INTO queue (study_id, genotype_json, origin, retry_of, attempt, created_at)
                    VALUES (p_study, t.genotype_json, 'retry', p_id, t.attempt + 1, v_now);
                ELSE
                    UPDATE studies SET counted_finished = counted_finished + 1 WHERE id = p_study;
                END IF;
                RETURN TRUE;
            END $$
            """,
        ]),
        Migration(version: 3, name: "multi-fidelity: fidelity and cost at finish, epochs without training figures", statements: [
            "ALTER TABLE trial_epochs ALTER COLUMN train_loss DROP NOT NULL, ALTER COLUMN train_accuracy DROP NOT NULL",
            // NaN training and validation values stand for none (a looked-up epoch).
            """
            CREATE OR REPLACE FUNCTION write_curves(p_study BIGINT, p_trial BIGINT, e_epoch BIGINT[], e_train_loss FLOAT8[],
                e_train_accuracy FLOAT8[], e_validation_loss FLOAT8[], e_validation_accuracy FLOAT8[], e_learning_rate FLOAT8[],
                e_seconds FLOAT8[], s_epoch FLOAT8[], s_loss FLOAT8[])
            RETURNS VOID LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM trial_epochs WHERE study_id = p_study AND trial_id = p_trial;
                INSERT INTO trial_epochs (study_id, trial_id, epoch, train_loss, train_accuracy, validation_loss, validation_accuracy,
                    learning_rate, seconds)
                SELECT p_study, p_trial, e.ep, NULLIF(e.tl, 'NaN'::FLOAT8), NULLIF(e.ta, 'NaN'::FLOAT8),
                    NULLIF(e.vl, 'NaN'::FLOAT8), NULLIF(e.va, 'NaN'::FLOAT8), e.lr, e.sec
                FROM unnest(e_epoch, e_train_loss, e_train_accuracy, e_validation_loss, e_validation_accuracy, e_learning_rate,
                    e_seconds) AS e(ep, tl, ta, vl, va, lr, sec);
                INSERT INTO trial_steps (study_id, trial_id, step, epoch, loss)
                SELECT p_study, p_trial, (s.ord - 1)::INTEGER, s.ep, s.loss
                FROM unnest(s_epoch, s_loss) WITH ORDINALITY AS s(ep, loss, ord)
                ON CONFLICT DO NOTHING;
            END $$
            """,
            // v2's finish without fidelity and cost: replaced, not overloaded.
            """
            DROP FUNCTION finish(BIGINT, BIGINT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, FLOAT8, FLOAT8, FLOAT8, BIGINT, BIGINT, TEXT,
                FLOAT8, BIGINT[], FLOAT8[], FLOAT8[], FLOAT8[], FLOAT8[], FLOAT8[], FLOAT8[], FLOAT8[], FLOAT8[])
            """,
            // A finished trial with its fidelity (NULL: full) and cost in seconds, added to the
            // study's spent seconds when the trial counts: 1 stored, 0 stored already by this
            // worker (a retry after a lost connection whose commit had gone through), -1 no
            // longer running (given up).
            """
            CREATE OR REPLACE FUNCTION finish(p_study BIGINT, p_id BIGINT, p_worker TEXT, p_genotype TEXT, p_summary TEXT, p_space TEXT,
                p_strategy TEXT, p_status TEXT, p_accuracy FLOAT8, p_fitness FLOAT8, p_latency FLOAT8, p_params BIGINT,
                p_flops BIGINT, p_note TEXT, p_seconds FLOAT8, p_fidelity BIGINT, p_cost FLOAT8,
                e_epoch BIGINT[], e_train_loss FLOAT8[], e_train_accuracy FLOAT8[], e_validation_loss FLOAT8[],
                e_validation_accuracy FLOAT8[], e_learning_rate FLOAT8[], e_seconds FLOAT8[], s_epoch FLOAT8[], s_loss FLOAT8[])
            RETURNS INTEGER LANGUAGE plpgsql AS $$
            DECLARE
                v_now DOUBLE PRECISION := clock();
                v_seq BIGINT;
                v_counts INTEGER;
            BEGIN
                UPDATE studies SET finish_seq = finish_seq + 1, updated_at = v_now WHERE id = p_study RETURNING finish_seq INTO v_seq;
                IF NOT FOUND THEN RAISE EXCEPTION 'study % is gone from the storage', p_study; END IF;
                UPDATE trials SET genotype_json = p_genotype, summary = p_summary, space = p_space, strategy = p_strategy,
                    status = p_status, accuracy = p_accuracy, fitness = p_fitness, latency_ms = p_latency, params = p_params,
                    flops = p_flops, note = p_note, seconds = p_seconds, fidelity = p_fidelity, cost_seconds = p_cost,
                    finish_seq = v_seq, finished_at = v_now
                WHERE study_id = p_study AND id = p_id AND status = 'running' RETURNING counts INTO v_counts;
                IF NOT FOUND THEN
                    UPDATE studies SET finish_seq = finish_seq - 1 WHERE id = p_study;
                    IF EXISTS (SELECT 1 FROM trials WHERE study_id = p_study AND id = p_id AND worker = p_worker
                               AND status = p_status AND counts = 1 AND accuracy IS NOT DISTINCT FROM p_accuracy) THEN
                        RETURN 0;
                    END IF;
                    RETURN -1;
                END IF;
                PERFORM write_curves(p_study, p_id, e_epoch, e_train_loss, e_train_accuracy, e_validation_loss,
                    e_validation_accuracy, e_learning_rate, e_seconds, s_epoch, s_loss);
                IF v_counts = 1 THEN
                    UPDATE studies SET counted_finished = counted_finished + 1, spent_seconds = spent_seconds + COALESCE(p_cost, 0)
                    WHERE id = p_study;
                END IF;
                RETURN 1;
            END $$
            """,
            "UPDATE meta SET value = '3' WHERE key = 'schema_version'",
        ]),
        Migration(version: 4, name: "finish and claim in one call; no curve writes for trials without curves", statements: [
            // v3's finish, but write_curves only when there is something to write (or to replace:
            // epochs only grow, so a trial without curves now had none recorded).
            """
            CREATE OR REPLACE FUNCTION finish(p_study BIGINT, p_id BIGINT, p_worker TEXT, p_genotype TEXT, p_summary TEXT, p_space TEXT,
                p_strategy TEXT, p_status TEXT, p_accuracy FLOAT8, p_fitness FLOAT8, p_latency FLOAT8, p_params BIGINT,
                p_flops BIGINT, p_note TEXT, p_seconds FLOAT8, p_fidelity BIGINT, p_cost FLOAT8,
                e_epoch BIGINT[], e_train_loss FLOAT8[], e_train_accuracy FLOAT8[], e_validation_loss FLOAT8[],
                e_validation_accuracy FLOAT8[], e_learning_rate FLOAT8[], e_seconds FLOAT8[], s_epoch FLOAT8[], s_loss FLOAT8[])
            RETURNS INTEGER LANGUAGE plpgsql AS $$
            DECLARE
                v_now DOUBLE PRECISION := clock();
                v_seq BIGINT;
                v_counts INTEGER;
            BEGIN
                UPDATE studies SET finish_seq = finish_seq + 1, updated_at = v_now WHERE id = p_study RETURNING finish_seq INTO v_seq;
                IF NOT FOUND THEN RAISE EXCEPTION 'study % is gone from the storage', p_study; END IF;
                UPDATE trials SET genotype_json = p_genotype, summary = p_summary, space = p_space, strategy = p_strategy,
                    status = p_status, accuracy = p_accuracy, fitness = p_fitness, latency_ms = p_latency, params = p_params,
                    flops = p_flops, note = p_note, seconds = p_seconds, fidelity = p_fidelity, cost_seconds = p_cost,
                    finish_seq = v_seq, finished_at = v_now
                WHERE study_id = p_study AND id = p_id AND status = 'running' RETURNING counts INTO v_counts;
                IF NOT FOUND THEN
                    UPDATE studies SET finish_seq = finish_seq - 1 WHERE id = p_study;
                    IF EXISTS (SELECT 1 FROM trials WHERE study_id = p_study AND id = p_id AND worker = p_worker
                               AND status = p_status AND counts = 1 AND accuracy IS NOT DISTINCT FROM p_accuracy) THEN
                        RETURN 0;
                    END IF;
                    RETURN -1;
                END IF;
                IF cardinality(e_epoch) > 0 OR cardinality(s_epoch) > 0 THEN
                    PERFORM write_curves(p_study, p_id, e_epoch, e_train_loss, e_train_accuracy, e_validation_loss,
                        e_validation_accuracy, e_learning_rate, e_seconds, s_epoch, s_loss);
                END IF;
                IF v_counts = 1 THEN
                    UPDATE studies SET counted_finished = counted_finished + 1, spent_seconds = spent_seconds + COALESCE(p_cost, 0)
                    WHERE id = p_study;
                END IF;
                RETURN 1;
            END $$
            """,
            // finish, then (when the finish was stored: 1, or 0 for a retried call whose first
            // commit went through) claim, in one transaction; kind 'taken' and no claim when the
            // trial was no longer running here.
            """
            CREATE FUNCTION finish_and_claim(p_study BIGINT, p_id BIGINT, p_worker TEXT, p_genotype TEXT, p_summary TEXT, p_space TEXT,
                p_strategy TEXT, p_status TEXT, p_accuracy FLOAT8, p_fitness FLOAT8, p_latency FLOAT8, p_params BIGINT,
                p_flops BIGINT, p_note TEXT, p_seconds FLOAT8, p_fidelity BIGINT, p_cost FLOAT8,
                e_epoch BIGINT[], e_train_loss FLOAT8[], e_train_accuracy FLOAT8[], e_validation_loss FLOAT8[],
                e_validation_accuracy FLOAT8[], e_learning_rate FLOAT8[], e_seconds FLOAT8[], s_epoch FLOAT8[], s_loss FLOAT8[],
                c_genotype TEXT, c_summary TEXT, c_space TEXT, c_strategy TEXT)
            RETURNS TABLE (o_kind TEXT, o_id INTEGER, o_queued BOOLEAN, o_genotype TEXT, o_strategy TEXT, o_origin TEXT,
                           o_retry_of INTEGER, o_others INTEGER)
            LANGUAGE plpgsql AS $$
            BEGIN
                IF finish(p_study, p_id, p_worker, p_genotype, p_summary, p_space, p_strategy, p_status, p_accuracy, p_fitness,
                        p_latency, p_params, p_flops, p_note, p_seconds, p_fidelity, p_cost, e_epoch, e_train_loss,
                        e_train_accuracy, e_validation_loss, e_validation_accuracy, e_learning_rate, e_seconds, s_epoch, s_loss) < 0 THEN
                    RETURN QUERY SELECT 'taken'::TEXT, NULL::INTEGER, FALSE, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::INTEGER, 0;
                    RETURN;
                END IF;
                RETURN QUERY SELECT * FROM claim(p_study, p_worker, c_genotype, c_summary, c_space, c_strategy);
            END $$
            """,
            "UPDATE meta SET value = '4' WHERE key = 'schema_version'",
        ]),
        Migration(version: 5, name: "finish_and_claim writes the study row once", statements: [
            // v4's finish then claim in one body: the study row is locked first (as `claim` and
            // `fail_trial` do, so the lock order stays study then trial) and written once at the
            // end, where v4 wrote it three times (finish_seq; counted_finished and spent_seconds;
            // next_trial and counted) through two nested calls.
            """
            CREATE OR REPLACE FUNCTION finish_and_claim(p_study BIGINT, p_id BIGINT, p_worker TEXT, p_genotype TEXT, p_summary TEXT,
                p_space TEXT, p_strategy TEXT, p_status TEXT, p_accuracy FLOAT8, p_fitness FLOAT8, p_latency FLOAT8, p_params BIGINT,
                p_flops BIGINT, p_note TEXT, p_seconds FLOAT8, p_fidelity BIGINT, p_cost FLOAT8,
                e_epoch BIGINT[], e_train_loss FLOAT8[], e_train_accuracy FLOAT8[], e_validation_loss FLOAT8[],
                e_validation_accuracy FLOAT8[], e_learning_rate FLOAT8[], e_seconds FLOAT8[], s_epoch FLOAT8[], s_loss FLOAT8[],
                c_genotype TEXT, c_summary TEXT, c_space TEXT, c_strategy TEXT)
            RETURNS TABLE (o_kind TEXT, o_id INTEGER, o_queued BOOLEAN, o_genotype TEXT, o_strategy TEXT, o_origin TEXT,
                           o_retry_of INTEGER, o_others INTEGER)
            LANGUAGE plpgsql AS $$
            DECLARE
                s studies%ROWTYPE;
                q queue%ROWTYPE;
                v_now DOUBLE PRECISION := clock();
                v_counts INTEGER;
                v_attempt INTEGER := 1;
            BEGIN
                SELECT * INTO s FROM studies WHERE id = p_study FOR UPDATE;
                IF NOT FOUND THEN RAISE EXCEPTION 'study % is gone from the storage', p_study; END IF;
                -- The finish (1: stored now; 0: stored already by this worker, a retried call
                -- whose first commit went through; otherwise the trial was given up: taken).
                UPDATE trials SET genotype_json = p_genotype, summary = p_summary, space = p_space, strategy = p_strategy,
                    status = p_status, accuracy = p_accuracy, fitness = p_fitness, latency_ms = p_latency, params = p_params,
                    flops = p_flops, note = p_note, seconds = p_seconds, fidelity = p_fidelity, cost_seconds = p_cost,
                    finish_seq = s.finish_seq + 1, finished_at = v_now
                WHERE study_id = p_study AND id = p_id AND status = 'running' RETURNING counts INTO v_counts;
                IF FOUND THEN
                    s.finish_seq := s.finish_seq + 1;
                    IF cardinality(e_epoch) > 0 OR cardinality(s_epoch) > 0 THEN
                        PERFORM write_curves(p_study, p_id, e_epoch, e_train_loss, e_train_accuracy, e_validation_loss,
                            e_validation_accuracy, e_learning_rate, e_seconds, s_epoch, s_loss);
                    END IF;
                    IF v_counts = 1 THEN
                        s.counted_finished := s.counted_finished + 1;
                        s.spent_seconds := s.spent_seconds + COALESCE(p_cost, 0);
                    END IF;
                ELSIF NOT EXISTS (SELECT 1 FROM trials WHERE study_id = p_study AND id = p_id AND worker = p_worker
                                  AND status = p_status AND counts = 1 AND accuracy IS NOT DISTINCT FROM p_accuracy) THEN
                    RETURN QUERY SELECT 'taken'::TEXT, NULL::INTEGER, FALSE, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::INTEGER, 0;
                    RETURN;
                END IF;
                -- The claim, on the study row as the finish left it.
                IF s.counted >= s.budget OR (s.budget_seconds IS NOT NULL AND s.spent_seconds >= s.budget_seconds) THEN
                    UPDATE studies SET finish_seq = s.finish_seq, counted_finished = s.counted_finished,
                        spent_seconds = s.spent_seconds, updated_at = v_now WHERE id = p_study;
                    RETURN QUERY SELECT 'budget'::TEXT, NULL::INTEGER, FALSE, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::INTEGER,
                        (SELECT COUNT(*)::INTEGER FROM trials t WHERE t.study_id = p_study AND t.status = 'running'
                            AND COALESCE(t.worker, '') <> p_worker);
                    RETURN;
                END IF;
                o_id := s.next_trial; o_queued := FALSE; o_genotype := c_genotype; o_strategy := c_strategy;
                SELECT * INTO q FROM queue WHERE study_id = p_study AND trial_id IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;
                IF FOUND THEN
                    o_queued := TRUE; o_genotype := q.genotype_json; o_origin := q.origin; o_retry_of := q.retry_of;
                    v_attempt := q.attempt;
                    IF q.origin = 'user' THEN o_strategy := 'user'; END IF;
                    UPDATE queue SET trial_id = o_id WHERE id = q.id;
                END IF;
                INSERT INTO trials (study_id, id, genotype_json, summary, space, strategy, status, origin, retry_of, attempt, worker,
                    started_at) VALUES (p_study, o_id, o_genotype, CASE WHEN o_queued THEN '' ELSE c_summary END,
                    CASE WHEN o_queued THEN '' ELSE c_space END, o_strategy, 'running', o_origin, o_retry_of, v_attempt, p_worker, v_now);
                UPDATE studies SET finish_seq = s.finish_seq, counted_finished = s.counted_finished, spent_seconds = s.spent_seconds,
                    next_trial = o_id + 1, counted = s.counted + 1, updated_at = v_now WHERE id = p_study;
                o_kind := 'trial'; o_others := 0;
                RETURN NEXT;
            END $$
            """,
            "UPDATE meta SET value = '5' WHERE key = 'schema_version'",
        ]),
    ]
}
