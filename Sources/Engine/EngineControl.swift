import Foundation
import NAS
import Search

/// How the engine follows the study's steering: local commands (the in-process TUI, signals)
/// are written into the storage like anyone else's; the study row and the command log are
/// polled at batch boundaries and between trials, so every worker acts on every command.
extension Engine {
    /// Takes the local commands, then (at most every `pollInterval`, or when `force`) the
    /// study's state and new logged commands; beats the heartbeat and reads others' trials.
    func poll(force: Bool = false) throws {
        var wrote = false
        for command in state.drainCommands() { wrote = try handleLocal(command) || wrote }
        let now = Date()
        guard force || wrote || now.timeIntervalSince(lastPoll) >= Self.pollInterval else { return }
        lastPoll = now
        control = try store.control(study: study.id)
        if control.lastCommand > commandCursor {
            for logged in try store.commands(study: study.id, after: commandCursor) {
                commandCursor = logged.id
                apply(logged)
            }
        }
        if now.timeIntervalSince(lastHeartbeat) >= Self.heartbeatInterval {
            lastHeartbeat = now
            try store.heartbeat(worker: worker.id, study: study.id)
            liveWorkers = max(1, try store.liveWorkers(study: study.id, graceSeconds: Self.heartbeatGraceSeconds).count)
            // Another worker's trial whose process died (or stopped beating) is failed and queued again here.
            let lost = try store.recoverLostTrials(study: study.id, graceSeconds: Self.heartbeatGraceSeconds)
            if !lost.isEmpty {
                note("trial\(lost.count == 1 ? "" : "s") \(lost.map(String.init).joined(separator: ", ")) lost \(lost.count == 1 ? "its" : "their") worker: "
                    + "marked failed (not counted) and evaluated again")
            }
        }
        if liveWorkers > 1 && now.timeIntervalSince(lastSync) >= Self.syncInterval { try syncHistory() }
        if now.timeIntervalSince(lastStudyList) >= 5 {
            lastStudyList = now
            otherStudies = try store.studyNames().filter { $0 != study.name }
        }
    }

    /// A command from this process: steering goes through the storage; export and comparison
    /// are this process's own. Returns whether the storage was written.
    private func handleLocal(_ command: Command) throws -> Bool {
        func send(_ command: StudyCommand) throws -> Bool { try store.send(command, study: study.id, issuer: worker.id); return true }
        switch command {
        case .pause: return try send(.pause)
        case .resume: return try send(.resume)
        case .togglePause: return try send(.togglePause)
        case .prune(let id): return try send(.prune(trialID: id))
        case .switchStrategy(let name):
            guard strategies.contains(name) else {
                note("cannot switch to \(name): this study allows \(strategies.joined(separator: ", "))")
                return false
            }
            return try send(.switchStrategy(name))
        case .changeBudget(let delta): return try send(.changeBudget(by: delta))
        case .enqueue(let text):
            do { return try send(.enqueue(genotypeJSON: try validatedArchitecture(text).jsonString)) } catch {
                note("not enqueued: \(error)")
                return false
            }
        case .exportBest(let path):
            exportBest(to: path)
            return false
        case .compare(let name):
            compare(with: name)
            return false
        case .stop:
            stopRequested = true
            runningControl?.requestStop(.stoppedByUser)
            return false
        }
    }

    /// An architecture typed by the user, parsed for this study's space (and table).
    func validatedArchitecture(_ text: String) throws -> Genotype {
        try domain.parseArchitecture(text, space: space)
    }

    /// For the TUI's `a` prompt (any thread: the space and domain never change): nil when the
    /// architecture would be enqueued, else why not.
    public func problem(with text: String) -> String? {
        do { _ = try validatedArchitecture(text); return nil } catch { return "\(error)" }
    }

    /// Acts on a command from the study's log (any process's, this one's included).
    private func apply(_ logged: LoggedCommand) {
        let by = logged.issuer == worker.id ? "" : " (by \(logged.issuer))"
        switch logged.command {
        case .pause: note("paused\(by)")
        case .resume: note("resumed\(by)")
        case .togglePause: break
        case .prune(let id):
            if id == running?.id, let runningControl {
                runningControl.requestStop(.prunedByUser)
            } else if liveWorkers <= 1 {
                note("trial \(id) is not running; only a running trial can be pruned")
            }
        case .switchStrategy(let name):
            note("switching to \(name) after the running trial\(by)")
            if case .darts = strategy { runningControl?.requestStop(.strategySwitch) }
        case .changeBudget: note("budget now \(control.budget) trials\(by)")
        case .stop:
            note("stop requested\(by)")
            stopRequested = true
            runningControl?.requestStop(.stoppedByUser)
        case .enqueue(let json):
            note("enqueued\(by): \((try? Genotype.parse(json).summary) ?? json)")
        }
    }

    /// Blocks while the study is paused (between trials, or at a batch boundary of `trial`),
    /// publishing and polling; returns when it runs again, a stop arrives or the trial is stopped.
    func waitWhilePaused(trial: TrainingControl? = nil) throws {
        while control.state == .paused && !stopRequested && trial?.stopRequest == nil {
            publish()
            Thread.sleep(forTimeInterval: 0.05)
            try poll()
        }
    }

    /// Waits a moment with nothing to do (finished, or others run the last trials).
    func idle() {
        publish()
        Thread.sleep(forTimeInterval: 0.05)
    }

    /// What happens at every batch boundary of a running trial.
    func batchBoundary(_ trial: TrainingControl) throws {
        try poll()
        try waitWhilePaused(trial: trial)
        if stopRequested { trial.requestStop(.stoppedByUser) }
        writeProgressIfDue()
        publish()
    }

    /// Writes the running trial's curves for other processes (attach, view), at most every second.
    func writeProgressIfDue(force: Bool = false) {
        guard let running, force || Date().timeIntervalSince(lastProgressWrite) >= 1 else { return }
        lastProgressWrite = Date()
        do { try store.recordProgress(running, study: study.id) } catch { note("progress of trial \(running.id) not stored: \(error)") }
    }

    func exportBest(to path: String?) {
        guard let best = history.best else { note("export: no complete trial yet"); return }
        do {
            let written = try StudyExport.writeBest(best, to: path ?? StudyExport.defaultPath(store: store, study: study.name))
            note("exported trial \(best.id) to \(written.joined(separator: ", "))")
        } catch {
            note("export failed: \(error)")
        }
    }

    /// Loads another study's best-so-far curve to draw over the Fitness pane (nil: none).
    func compare(with name: String?) {
        guard let name else { comparison = nil; return }
        do {
            guard let other = try store.study(named: name) else { note("no study named \(name) to compare with"); return }
            var history = StudyHistory()
            for trial in try store.allFinishedTrials(study: other.id) { history.append(trial) }
            comparison = ComparisonCurve(study: name, points: history.fitness)
            note("comparing with \(name) (\(history.count) trials)")
        } catch {
            note("cannot compare with \(name): \(error)")
        }
    }
}
