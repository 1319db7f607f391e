import Foundation
import NAS
import Search

/// The screen's side of a study that other processes run (`attach`, `view`): builds snapshots
/// from the storage incrementally — finished trials never change, so each frame reads only the
/// trials finished since the last one, plus the running ones — and, attached, turns the
/// screen's commands into the storage's, where every worker of the study applies them.
public final class StudyFollower: @unchecked Sendable {
    public let store: StudyStore
    public let study: StudyRecord
    public let mode: ViewMode
    public let state: StateStore
    public let settings: ExperimentSettings
    /// The issuer name written with this process's commands.
    public let issuer: String
    let checker: ArchitectureChecker?
    var history = StudyHistory()
    var cursor: Int64 = 0
    var commandCursor: Int64 = 0
    var control: StudyControl
    var running: [Trial] = []
    var workers = 0
    var lastWorkerCount = Date.distantPast
    var log: [String] = []
    var comparison: ComparisonCurve?
    var otherStudies: [String] = []
    var lastStudyList = Date.distantPast
    var lastStrategy: String?
    private let lock = NSLock()
    private var stopped = false
    let started = Date()

    /// Follows `study`; `mode` is `.attach` (keys steer it) or `.view` (read-only).
    public init(store: StudyStore, study: StudyRecord, mode: ViewMode, state: StateStore) throws {
        self.store = store
        self.study = study
        self.mode = mode
        self.state = state
        settings = try ExperimentSettings.decode(study.settings)
        checker = try? ArchitectureChecker(settings: settings)
        control = try store.control(study: study.id)
        let host = ProcessInfo.processInfo.hostName, pid = ProcessInfo.processInfo.processIdentifier
        issuer = "\(mode.rawValue)@\(host):\(pid)"
        commandCursor = max(0, control.lastCommand - 20)
        try refresh()
    }

    /// Validates an architecture for the TUI's prompt: nil when it would be accepted.
    public func problem(with architecture: String) -> String? {
        guard let checker else { return "this study's space cannot be read here" }
        return checker.problem(with: architecture)
    }

    /// Reads what changed since the last frame and publishes a snapshot.
    public func refresh() throws {
        let changes = try store.changes(study: study.id, finishedAfter: cursor, commandsAfter: commandCursor)
        control = changes.control
        cursor = changes.finishCursor
        for trial in changes.finished {
            if trial.strategy != lastStrategy, trial.origin == nil { history.noteSwitch(to: trial.strategy); lastStrategy = trial.strategy }
            history.append(trial)
        }
        for trial in changes.finished.suffix(5) {
            let accuracy = trial.accuracy.map { String(format: "%.2f%%", $0 * 100) } ?? "-"
            note("trial \(trial.id) \(trial.status.rawValue) \(accuracy) [\(trial.strategy)]")
        }
        running = changes.running
        for logged in changes.commands {
            commandCursor = logged.id
            note("\(Self.describe(logged.command)) (by \(logged.issuer))")
        }
        if Date().timeIntervalSince(lastWorkerCount) >= 1 {
            lastWorkerCount = Date()
            workers = try store.liveWorkers(study: study.id, graceSeconds: Engine.heartbeatGraceSeconds).count
        }
        if Date().timeIntervalSince(lastStudyList) >= 5 {
            lastStudyList = Date()
            otherStudies = try store.studyNames().filter { $0 != study.name }
        }
        publish()
    }

    private func publish() {
        var s = Snapshot()
        s.experiment = "\(settings.strategy) on \(settings.space)"
        s.study = study.name
        s.mode = mode
        s.space = settings.space.rawValue
        s.strategy = control.strategy
        s.strategies = StrategyName.allCases.filter { $0 != .darts || (settings.space == .darts && settings.benchmark == nil) }.map(\.rawValue)
        s.state = control.state == .paused ? .paused : control.state == .finished ? .finished : .running
        s.budget = control.budget >= ExperimentSettings.unlimitedTrials ? 0 : control.budget
        s.budgetSeconds = control.budgetSeconds
        s.spentSeconds = control.spentSeconds
        s.workers = workers
        s.finishedTrials = control.countedFinished
        s.elapsedSeconds = Date().timeIntervalSince(started)
        history.fill(&s)
        s.runningTrials = running.map(StudyHistory.row)
        s.runningProgress = running.last.map { trial in
            let epochs = Double(max(settings.epochs, 1))
            return min(1, max(trial.steps.last?.epoch ?? 0, Double(trial.epochs.count)) / epochs)
        } ?? 0
        s.operations = StudyHistory.weights(operationFrequencies(trials: history.leaders, top: StudyHistory.leaderCount), population: false)
        s.latencyTarget = settings.latencyTarget
        s.device = settings.device
        s.comparison = comparison
        s.otherStudies = otherStudies
        s.log = Array(log.suffix(20))
        s.storagePath = store.location
        state.publish(s)
    }

    /// Follows the study at about ten frames a second on the calling thread until `stop()` (or
    /// a `.stop` command from the screen, which detaches and leaves the study running).
    public func run(framesPerSecond: Double = 10) {
        while !isStopped {
            let frameStart = Date()
            for command in state.drainCommands() { handle(command) }
            do { try refresh() } catch { note("storage: \(error)"); publish() }
            let rest = 1 / framesPerSecond - Date().timeIntervalSince(frameStart)
            if rest > 0 { Thread.sleep(forTimeInterval: rest) }
        }
    }

    /// Starts `run` on a background thread.
    @discardableResult
    public func start() -> Thread {
        let thread = Thread { [self] in run() }
        thread.name = "nas-tui follower"
        thread.start()
        return thread
    }

    public func stop() { lock.lock(); stopped = true; lock.unlock() }
    public var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    /// A command from the screen: written into the storage when attached; refused in a view.
    func handle(_ command: Command) {
        if case .stop = command { stop(); return }
        if case .compare(let name) = command { compare(with: name); return }
        guard mode == .attach else {
            note("read-only view: \(Self.describe(command)) not sent; nothing in the study changes (attach to steer it)")
            return
        }
        do {
            switch command {
            case .pause: try store.send(.pause, study: study.id, issuer: issuer)
            case .resume: try store.send(.resume, study: study.id, issuer: issuer)
            case .togglePause: try store.send(.togglePause, study: study.id, issuer: issuer)
            case .prune(let id): try store.send(.prune(trialID: id), study: study.id, issuer: issuer)
            case .switchStrategy(let name): try store.send(.switchStrategy(name), study: study.id, issuer: issuer)
            case .changeBudget(let delta): try store.send(.changeBudget(by: delta), study: study.id, issuer: issuer)
            case .enqueue(let text):
                guard let checker else { note("not enqueued: this study's space cannot be read here"); return }
                try store.send(.enqueue(genotypeJSON: try checker.genotypeJSON(for: text)), study: study.id, issuer: issuer)
            case .exportBest(let path): exportBest(to: path)
            case .stop, .compare: break
            }
        } catch {
            note("\(Self.describe(command)) failed: \(error)")
        }
    }

    /// Writes the best genotype beside the storage (or to `path`), from this process.
    func exportBest(to path: String?) {
        guard let best = history.best else { note("export: no complete trial yet"); return }
        do {
            let written = try StudyExport.writeBest(best, to: path ?? StudyExport.defaultPath(store: store, study: study.name))
            note("exported trial \(best.id) to \(written.joined(separator: ", "))")
        } catch {
            note("export failed: \(error)")
        }
    }

    func compare(with name: String?) {
        guard let name else { comparison = nil; return }
        do {
            guard let other = try store.study(named: name) else { note("no study named \(name) to compare with"); return }
            var curve = StudyHistory()
            for trial in try store.allFinishedTrials(study: other.id) { curve.append(trial) }
            comparison = ComparisonCurve(study: name, points: curve.fitness)
            note("comparing with \(name) (\(curve.count) trials)")
        } catch {
            note("cannot compare with \(name): \(error)")
        }
    }

    func note(_ line: String) {
        log.append(line)
        if log.count > 200 { log.removeFirst(log.count - 200) }
    }

    static func describe(_ command: StudyCommand) -> String {
        switch command {
        case .pause: return "paused"
        case .resume: return "resumed"
        case .togglePause: return "pause toggled"
        case .prune(let id): return "prune trial \(id)"
        case .switchStrategy(let name): return "switch to \(name)"
        case .changeBudget(let delta): return "budget \(delta >= 0 ? "+" : "")\(delta)"
        case .stop: return "stop"
        case .enqueue(let json): return "enqueue \((try? Genotype.parse(json).summary) ?? json)"
        }
    }

    static func describe(_ command: Command) -> String {
        switch command {
        case .pause, .resume, .togglePause: return "pause/resume"
        case .prune(let id): return "prune of trial \(id)"
        case .switchStrategy(let name): return "switch to \(name)"
        case .exportBest: return "export"
        case .stop: return "stop"
        case .enqueue: return "enqueue"
        case .changeBudget(let delta): return "budget \(delta >= 0 ? "+" : "")\(delta)"
        case .compare: return "compare"
        }
    }
}
