import Foundation
import NAS
import Search

/// Where studies live: many named studies, their trials, their steering state (running, paused,
/// finished; budget; active strategy), a log of commands, a queue of architectures to evaluate
/// next, and the workers that run them. The engine is given a store; `attach`, `view`,
/// `studies`, `enqueue` and `export` read and steer through the same protocol.
///
/// Every method is one transaction. Implementations: `SQLiteStudyStore` (a file, or in memory
/// for tests) and the PostgreSQL store, with the same schema.
public protocol StudyStore: AnyObject {
    /// The storage as the user named it, safe to print (a URL without its password).
    var location: String { get }
    /// Opened read-only (`view`): every write throws.
    var isReadOnly: Bool { get }

    // MARK: studies
    /// Every study, in creation order, with its trial counts and best.
    func studySummaries() throws -> [StudySummary]
    /// Every study's name, in creation order (cheap: no trial is read).
    func studyNames() throws -> [String]
    /// The study called `name`, if there is one.
    func study(named name: String) throws -> StudyRecord?
    /// Creates a study; throws `StoreError.duplicateStudy` when the name is taken.
    func createStudy(name: String, settings: String, budget: Int, budgetSeconds: Double?, strategy: String) throws -> StudyRecord
    /// Replaces the stored settings JSON (a resume that extends the budget).
    func updateSettings(study: Int64, settings: String) throws
    /// The study's steering state and counters (polled by workers at batch boundaries).
    func control(study: Int64) throws -> StudyControl

    // MARK: steering
    /// Applies a command: state, budget and strategy change in the study row; every command is
    /// logged for the workers (prune and stop act through the log). Returns the logged command.
    @discardableResult
    func send(_ command: StudyCommand, study: Int64, issuer: String) throws -> LoggedCommand
    /// Commands logged after `id`, oldest first.
    func commands(study: Int64, after id: Int64) throws -> [LoggedCommand]
    /// Sets the study's state (a worker marks it finished when the budget is met).
    func setState(_ state: StudyState, study: Int64) throws
    /// Queues an architecture (JSON genotype) to be evaluated before the strategy's proposals.
    func enqueue(genotypeJSON: String, origin: TrialOrigin, retryOf: Int?, study: Int64) throws

    // MARK: workers
    /// Records a worker joining the study; returns the id of the last logged command (its cursor).
    func register(_ worker: WorkerInfo, study: Int64) throws -> Int64
    /// The worker and its running trials are alive (the store's clock); a no-op after `unregister`.
    func heartbeat(worker: String, study: Int64) throws
    /// The worker left cleanly.
    func unregister(worker: String, study: Int64) throws
    /// Workers whose heartbeat is within `graceSeconds`.
    func liveWorkers(study: Int64, graceSeconds: Double) throws -> [WorkerInfo]

    // MARK: trials
    /// Atomically takes the next piece of work for `worker`: the oldest queued architecture if
    /// there is one, else `proposal`, as a new running trial with the next id — or nothing when
    /// the budget (trials, or simulated seconds) is already taken by finished and running trials.
    func claim(study: Int64, worker: String, proposal: TrialProposal) throws -> ClaimResult
    /// Writes a running trial's progress (epochs so far, sub-epoch loss points so far).
    func recordProgress(_ trial: Trial, study: Int64) throws
    /// Writes a finished trial with its epochs in one transaction, its `fidelity` and
    /// `costSeconds` too; a trial that counts adds its `costSeconds` to the study's spent seconds.
    func finish(_ trial: Trial, study: Int64) throws
    /// `finish`, then `claim` for the next trial, in one transaction where the store can (one
    /// commit for both); throws `StoreError.trialTaken`, and claims nothing, when the finish is
    /// refused.
    func finish(_ trial: Trial, study: Int64, thenClaimFor worker: String, proposal: TrialProposal) throws -> ClaimResult
    /// Ends a running trial that this worker stops without judging it (the process is quitting):
    /// it stays as failed with `note`, does not count against the budget, and its architecture is
    /// queued to be evaluated again when the study goes on.
    func interrupt(trialID: Int, study: Int64, note: String) throws
    /// Fails the running trials whose worker is gone (its process ended on this host, or no
    /// heartbeat for `graceSeconds`): they stay as failed and do not count against the budget,
    /// and each architecture is queued to be evaluated again by one worker (up to three attempts
    /// in all). Returns the failed trials' ids.
    @discardableResult
    func recoverLostTrials(study: Int64, graceSeconds: Double) throws -> [Int]
    /// Finished trials whose finish sequence is after `sequence`, in finish order, and the new cursor.
    func finishedTrials(study: Int64, after sequence: Int64) throws -> (trials: [Trial], cursor: Int64)
    /// The running trials with their progress.
    func runningTrials(study: Int64) throws -> [Trial]
    /// What a screen that follows the study reads each frame: the control row, the trials
    /// finished after `finishedAfter`, the running trials and the commands logged after
    /// `commandsAfter` (in one read transaction where the store can: SQLite's).
    func changes(study: Int64, finishedAfter: Int64, commandsAfter: Int64) throws -> StudyChanges
}

/// One frame's reading of a followed study (`StudyStore.changes`).
public struct StudyChanges {
    public var control: StudyControl
    /// Trials finished since the cursor given, in finish order, and the new cursor.
    public var finished: [Trial]
    public var finishCursor: Int64
    public var running: [Trial]
    /// Commands logged since the cursor given, oldest first.
    public var commands: [LoggedCommand]
}

extension StudyStore {
    public func studyNames() throws -> [String] { try studySummaries().map(\.name) }

    /// The two calls one after the other.
    public func finish(_ trial: Trial, study: Int64, thenClaimFor worker: String, proposal: TrialProposal) throws -> ClaimResult {
        try finish(trial, study: study)
        return try claim(study: study, worker: worker, proposal: proposal)
    }

    /// The calls one after the other; a store whose reads can share a transaction does better.
    public func changes(study: Int64, finishedAfter: Int64, commandsAfter: Int64) throws -> StudyChanges {
        let control = try control(study: study)
        let (finished, cursor) = try finishedTrials(study: study, after: finishedAfter)
        let commands = control.lastCommand > commandsAfter ? try commands(study: study, after: commandsAfter) : []
        return StudyChanges(control: control, finished: finished, finishCursor: cursor,
                            running: try runningTrials(study: study), commands: commands)
    }

    /// Every finished trial of a study, in finish order.
    public func allFinishedTrials(study: Int64) throws -> [Trial] {
        try finishedTrials(study: study, after: 0).trials
    }
}

/// A study's steering state.
public enum StudyState: String, Codable, Sendable, CaseIterable {
    case running, paused, finished
}

/// A study's identity and the values that steer it.
public struct StudyRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var settings: String
    public var state: StudyState
    public var budget: Int
    public var budgetSeconds: Double?
    public var strategy: String
    /// Unix seconds.
    public var created: Double
    public var updated: Double
}

/// What a worker polls at batch boundaries: the study row and the budget it has spent.
public struct StudyControl: Sendable, Equatable {
    public var state: StudyState
    public var budget: Int
    public var budgetSeconds: Double?
    public var strategy: String
    /// Trials that count against the budget: finished ones (but interrupted first attempts) and running ones.
    public var countedTrials: Int
    /// Of those, the finished ones.
    public var countedFinished: Int
    /// Simulated seconds spent by finished trials (multi-fidelity tables).
    public var spentSeconds: Double
    /// The id of the last logged command.
    public var lastCommand: Int64

    /// Whether the budget is used up by finished trials alone.
    public var budgetMet: Bool {
        countedFinished >= budget || (budgetSeconds.map { spentSeconds >= $0 } ?? false)
    }
}

/// A command as the storage keeps it: what any process may ask of a study.
public enum StudyCommand: Sendable, Equatable {
    case pause, resume, togglePause
    case prune(trialID: Int)
    case switchStrategy(String)
    case changeBudget(by: Int)
    case stop
    case enqueue(genotypeJSON: String)

    /// The stored kind and argument.
    var stored: (kind: String, argument: String?) {
        switch self {
        case .pause: return ("pause", nil)
        case .resume: return ("resume", nil)
        case .togglePause: return ("toggle_pause", nil)
        case .prune(let id): return ("prune", String(id))
        case .switchStrategy(let name): return ("switch", name)
        case .changeBudget(let delta): return ("budget", String(delta))
        case .stop: return ("stop", nil)
        case .enqueue(let json): return ("enqueue", json)
        }
    }

    /// The command a stored kind and argument mean; nil for a kind this build does not know.
    init?(kind: String, argument: String?) {
        switch kind {
        case "pause": self = .pause
        case "resume": self = .resume
        case "toggle_pause": self = .togglePause
        case "prune": guard let id = argument.flatMap({ Int($0) }) else { return nil }; self = .prune(trialID: id)
        case "switch": guard let name = argument else { return nil }; self = .switchStrategy(name)
        case "budget": guard let delta = argument.flatMap({ Int($0) }) else { return nil }; self = .changeBudget(by: delta)
        case "stop": self = .stop
        case "enqueue": guard let json = argument else { return nil }; self = .enqueue(genotypeJSON: json)
        default: return nil
        }
    }
}

/// A command in a study's log.
public struct LoggedCommand: Sendable, Equatable {
    public var id: Int64
    public var command: StudyCommand
    /// The process that sent it (e.g. "attach@host:pid").
    public var issuer: String
    /// Unix seconds on the store's clock.
    public var created: Double
}

/// A process working on a study.
public struct WorkerInfo: Sendable, Equatable {
    /// Unique across hosts and restarts: "host:pid:random".
    public var id: String
    public var host: String
    public var pid: Int32
    /// The store's clock at the last heartbeat (Unix seconds).
    public var heartbeat: Double

    public init(id: String, host: String, pid: Int32, heartbeat: Double = 0) {
        self.id = id; self.host = host; self.pid = pid; self.heartbeat = heartbeat
    }

    /// This process, with a fresh random suffix.
    public static func current() -> WorkerInfo {
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return WorkerInfo(id: "\(host):\(pid):\(suffix)", host: host, pid: pid)
    }
}

/// What a worker asks to evaluate when the queue is empty.
public struct TrialProposal: Sendable {
    public var genotype: Genotype
    public var strategy: String
    public init(genotype: Genotype, strategy: String) { self.genotype = genotype; self.strategy = strategy }
}

/// The outcome of `claim`.
public enum ClaimResult: Sendable {
    /// A new running trial for this worker (from the queue, or the proposal).
    case trial(Trial)
    /// Nothing to claim: the budget is taken. `othersRunning` trials of other workers may still finish.
    case budgetTaken(othersRunning: Int)
}

/// A storage problem, named with the storage and what would be accepted.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case duplicateStudy(name: String, trials: Int)
    case noSuchStudy(name: String, location: String, available: [String])
    case notAStudyStorage(String)
    case newerSchema(String)
    case readOnly(String)
    /// The trial is no longer running here: the study gave it up (its worker counted as lost).
    case trialTaken(id: Int, location: String)
    case io(String)

    public var description: String {
        switch self {
        case let .duplicateStudy(name, trials):
            return "study \(name) exists (\(trials) trial\(trials == 1 ? "" : "s")); continue it with --resume, or choose --study"
        case let .noSuchStudy(name, location, available):
            return "\(location): no study named \(name); " + (available.isEmpty ? "the storage holds none" : "studies here: \(available.joined(separator: ", "))")
        case let .trialTaken(id, location):
            return "\(location): trial \(id) is no longer running (the study counted its worker as lost and gave it to another)"
        case .notAStudyStorage(let message), .newerSchema(let message), .readOnly(let message), .io(let message):
            return message
        }
    }
}
