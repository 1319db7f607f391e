import Foundation
import NAS
import Search
import Tensor

/// One worker of a study: asks the active strategy for work, claims it in the study's storage,
/// trains or looks it up, and stores every finished trial with the next claim (one transaction),
/// or before it pauses, switches or ends. It
/// publishes snapshots to its `StateStore` and follows the study's steering state (running,
/// paused, budget, strategy) and command log, polled from the storage at batch boundaries, so
/// any process can steer it. Several engines (processes, hosts) may work on one study.
public final class Engine: @unchecked Sendable {
    public let settings: ExperimentSettings
    /// Where snapshots go and where the in-process TUI's (and signals') commands come from.
    public let state: StateStore
    public let store: StudyStore
    public let study: StudyRecord
    public let worker: WorkerInfo
    /// Called on the engine thread for headless output.
    public var onEvent: ((EngineEvent) -> Void)?
    /// Keep serving after the budget is met (the TUI): export and budget commands still act,
    /// and a raised budget continues the study in this process. Headless runs return instead.
    public var staysAfterFinish = false
    /// Whether this worker may run DARTS, whose supernet lives in one process: the process that
    /// created the study does; joined workers wait while the study's strategy is darts.
    public var runsDarts = true

    let space: SearchSpace
    let domain: SearchDomain
    let evaluator: TrialEvaluator
    let hardware: HardwareAwareObjective?
    /// Judges running trials after each epoch (nil: none); tests may put their own.
    var pruner: Pruner?
    var history = StudyHistory()
    var strategy: ActiveStrategy
    var generator: SeededGenerator
    /// The study's steering state as last polled.
    public internal(set) var control: StudyControl
    var commandCursor: Int64 = 0
    var historyCursor: Int64 = 0
    var stopRequested = false
    var log: [String] = []
    let started = Date()
    var lastPublish = Date.distantPast
    var lastPoll = Date.distantPast
    var lastHeartbeat = Date.distantPast
    var lastSync = Date.distantPast
    var lastProgressWrite = Date.distantPast
    /// The trial this worker evaluates, its control and its progress in [0, 1].
    var running: Trial?
    var runningControl: TrainingControl?
    var runningProgress = 0.0
    /// Workers with a live heartbeat, as last counted.
    var liveWorkers = 1
    var comparison: ComparisonCurve?
    /// The storage's other studies (for the comparison picker), read every few seconds.
    var otherStudies: [String] = []
    var lastStudyList = Date.distantPast
    var finished = false
    var waitsForDarts = false
    /// A finished trial the strategy knows, to be written with the next claim (`runNextTrial`).
    var unstoredFinish: Trial?
    /// How long the last proposal took: a slow one does not hold a finished trial back.
    var lastProposalSeconds = 0.0

    /// Seconds after which a silent worker counts as lost.
    public static let heartbeatGraceSeconds = 30.0
    static let pollInterval = 0.1
    static let heartbeatInterval = 1.0
    static let syncInterval = 0.25
    /// A proposal at least this slow (seconds) lets the finished trial be written before it.
    static let joinedWriteProposalSeconds = 0.02

    /// Prepares a worker for `study` in `store` (its settings as stored). `seedSalt` separates the
    /// proposals of several workers (0 for the process that created the study). Bad settings,
    /// data or storage throw before any thread starts.
    public init(study: StudyRecord, store: StudyStore, state: StateStore, worker: WorkerInfo = .current(), seedSalt: UInt64 = 0) throws {
        let settings = try ExperimentSettings.decode(study.settings)
        try settings.validate()
        self.settings = settings
        self.study = study
        self.store = store
        self.state = state
        self.worker = worker
        space = try SearchSpace.named(settings.space, channels: settings.networkChannels, layers: settings.networkLayers,
                                      chainFile: settings.chainConfig)
        if let benchmark = settings.benchmark {
            let table = try TabularEvaluator(path: benchmark, device: settings.device)
            if settings.budgetSeconds != nil, !table.objective.benchmark.entries.contains(where: { $0.trainSeconds != nil }) {
                throw NASError("--budget-seconds: \(benchmark) has no train_seconds values, so queries cost nothing; accepted: a table with train_seconds, or --budget N trials")
            }
            evaluator = table
            domain = try table.objective.benchmark.domain(space: space)
        } else {
            evaluator = try TrainingEvaluator(space: space, settings: settings)
            domain = SearchDomain(space: space)
        }
        hardware = try settings.latencyTarget.map { try HardwareAwareObjective(targetMs: $0) }
        pruner = Self.pruner(for: settings)
        if let table = evaluator as? TabularEvaluator {
            table.observesCheapFidelity = pruner != nil && table.objective.fidelityLevels.count > 1
        }
        control = try store.control(study: study.id)
        let stored = try store.finishedTrials(study: study.id, after: 0)
        // A resumed study draws a stream of its own: the first run's would propose its first
        // architectures again, and a space sample retries only a few times.
        generator = SeededGenerator(seed: (settings.seed ^ seedSalt) &+ UInt64(stored.trials.count) &* 0xD1B5_4A32_D192_ED03)
        for trial in stored.trials { history.append(trial) }
        historyCursor = stored.cursor
        // (A placeholder first: every stored property must be set before a method is called.)
        strategy = .sampler(RandomSearch(domain: domain, history: history.trials))
        let first = strategies.contains(control.strategy) ? control.strategy : settings.strategy.rawValue
        strategy = try makeStrategy(first)
        history.noteSwitch(to: strategy.name)
        if !history.trials.isEmpty { note("study \(study.name): \(history.count) trials stored, budget \(control.budget)") }
        publish(force: true)
    }

    /// The strategies this study's space and evaluator allow.
    public var strategies: [String] {
        StrategyName.allCases.filter { $0 != .darts || (settings.space == .darts && settings.benchmark == nil) }.map(\.rawValue)
    }

    /// Starts `run` on a background thread; the handle's `wait()` returns its outcome.
    public func start() -> EngineHandle {
        let handle = EngineHandle()
        let thread = Thread { [self] in handle.complete(Result { try run() }) }
        thread.name = "nas-tui engine"
        thread.stackSize = 8 << 20
        thread.start()
        return handle
    }

    /// Runs the search on the calling thread until the budget is met (and, with
    /// `staysAfterFinish`, until a stop command) or a stop command arrives.
    @discardableResult
    public func run() throws -> RunOutcome {
        defer {
            running = nil
            try? storeFinished()
            try? store.unregister(worker: worker.id, study: study.id)
        }
        prepareLatencyModel()
        commandCursor = try store.register(worker, study: study.id)
        let lost = try store.recoverLostTrials(study: study.id, graceSeconds: Self.heartbeatGraceSeconds)
        if !lost.isEmpty {
            note("resumed: trial\(lost.count == 1 ? "" : "s") \(lost.map(String.init).joined(separator: ", ")) had not finished: "
                + "marked failed (not counted) and evaluated again")
        }
        try poll(force: true)
        try syncHistory()
        var announced = false
        while !stopRequested {
            try poll()
            if stopRequested { break }
            if control.state == .paused { try storeFinished(); try waitWhilePaused(); continue }
            if control.budgetMet {
                try storeFinished()
                if !announced {
                    announced = true
                    if control.state != .finished { try store.setState(.finished, study: study.id); control.state = .finished }
                    note(control.budgetSeconds.map { total in control.spentSeconds >= total
                        ? String(format: "budget of %.0f simulated seconds spent (%.0f s)", total, control.spentSeconds)
                        : "budget of \(control.budget) trials met" } ?? "budget of \(control.budget) trials met")
                    finished = true
                    publish(force: true)
                }
                if !staysAfterFinish { break }
                idle()
                continue
            }
            if announced { announced = false; finished = false; note("budget raised to \(control.budget): continuing") }
            if control.strategy == DartsSearch.strategyName && !runsDarts {
                try storeFinished()
                if !waitsForDarts { note("the study runs DARTS, whose supernet lives in another process: waiting") }
                waitsForDarts = true
                idle()
                continue
            }
            waitsForDarts = false
            if control.strategy != strategy.name { try storeFinished(); switchStrategy(to: control.strategy) }
            try runNextTrial()
        }
        try storeFinished()
        let outcome: RunOutcome = control.budgetMet ? .budgetMet : .stopped
        if outcome == .stopped { note("stopped after \(control.countedFinished) of \(control.budget) trials") }
        finished = true
        publish(force: true)
        onEvent?(.done(finished: control.countedFinished, best: history.best, stopped: outcome == .stopped))
        return outcome
    }

    /// Loads this machine's latency table for the trials' networks from the cache, profiling it
    /// on the first run (a few seconds); without one, training trials measure their latency.
    private func prepareLatencyModel() {
        guard evaluator.needsLatencyModel, let input = evaluator.networkInput, evaluator.latencyModel == nil else { return }
        let cache = LatencyCache.standard
        let model = LatencyModel(space: space, inputShape: input.shape, classes: input.classes, cache: cache)
        let start = Date()
        do {
            if let table = cache.load(signature: model.signature) {
                model.table = table
            } else {
                note("profiling the latency of \(model.signature) on this machine (once; cached in \(cache.directory.path))")
                publish(force: true)
                try model.profile()
            }
            evaluator.latencyModel = model
            note(String(format: "latency model %@: %d operations, overhead %.2f ms, ready in %.1f s", model.signature,
                        model.table.entries.count, model.table.overheadMilliseconds, Date().timeIntervalSince(start)))
        } catch {
            note("no latency model (\(error)); latency is measured per trial")
        }
    }

    /// Reads the trials other workers finished since the last read and tells the strategy.
    func syncHistory() throws {
        lastSync = Date()
        let (trials, cursor) = try store.finishedTrials(study: study.id, after: historyCursor)
        historyCursor = cursor
        for trial in trials where !history.ids.contains(trial.id) {
            history.append(trial)
            if case .sampler(let sampler) = strategy { sampler.tell(trial) }
        }
        // TPE counts the other workers' running trials as constant liars.
        if liveWorkers > 1, case .sampler(let sampler) = strategy,
           let tpe = sampler as? TPESampler ?? (sampler as? ZeroCostPreRanking)?.inner as? TPESampler {
            tpe.running(try store.runningTrials(study: study.id).filter { $0.worker != worker.id })
        }
    }

    func note(_ line: String) {
        log.append(line)
        if log.count > 200 { log.removeFirst(log.count - 200) }
        onEvent?(.message(line))
    }

    var eta: Double? {
        let done = control.countedFinished
        guard done > 0 else { return nil }
        let elapsed = Date().timeIntervalSince(started)
        var left = Double(max(0, control.budget - done)) / Double(done)
        if let total = control.budgetSeconds, control.spentSeconds > 0 {
            left = min(left, max(0, total - control.spentSeconds) / control.spentSeconds)
        }
        return elapsed * left
    }
}

/// How a run ended.
public enum RunOutcome: Equatable, Sendable {
    /// The study's budget is met.
    case budgetMet
    /// A stop command (q, a signal, another process) ended it first.
    case stopped
}

/// A running engine's thread: `wait()` blocks until `run` returns and gives its outcome.
public final class EngineHandle: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<RunOutcome, Error>?

    func complete(_ result: Result<RunOutcome, Error>) {
        condition.lock()
        self.result = result
        condition.broadcast()
        condition.unlock()
    }

    /// Whether `run` has returned (never blocks).
    public var isFinished: Bool {
        condition.lock(); defer { condition.unlock() }
        return result != nil
    }

    /// The run's outcome, or the error that ended it; blocks until then.
    public func wait() -> Result<RunOutcome, Error> {
        condition.lock(); defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }
}

/// The strategy the engine is driving.
enum ActiveStrategy {
    case sampler(SampleStrategy)
    case darts(DartsSearch)

    var name: String {
        switch self {
        case .sampler(let s): return s.name
        case .darts: return DartsSearch.strategyName
        }
    }
}
