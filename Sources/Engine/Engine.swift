import Foundation
import NAS
import Search
import Tensor

/// Runs a search on its own thread: asks the active strategy for work, trains or looks up each
/// candidate, stores every finished trial before anything else happens, and publishes snapshots
/// to the `StateStore`. Commands from the store act at batch boundaries.
public final class Engine: @unchecked Sendable {
    public let settings: ExperimentSettings
    public let store: StateStore
    public let storage: StudyStorage
    /// Called on the engine thread for headless output.
    public var onEvent: ((EngineEvent) -> Void)?

    let space: SearchSpace
    let domain: SearchDomain
    let evaluator: TrialEvaluator
    var history = StudyHistory()
    var strategy: ActiveStrategy
    var generator: SeededGenerator
    var paused = false
    var stopRequested = false
    var pendingSwitch: String?
    var log: [String] = []
    let started = Date()
    var lastPublish = Date.distantPast
    var running: Trial?
    var runningProgress = 0.0
    private let doneLock = NSLock()
    private var finishedFlag = false

    /// Opens (or resumes) the study at `storagePath` and prepares the first strategy. Bad
    /// settings, data or storage throw before any thread starts. A resumed study keeps its
    /// stored settings; `budgetOverride` may extend its budget.
    public init(settings: ExperimentSettings, storagePath: String, resume: Bool, store: StateStore,
                budgetOverride: Int? = nil) throws {
        var settings = settings
        storage = try StudyStorage(path: storagePath, create: !resume)
        if resume, let saved = try storage.loadSettings() {
            settings = try ExperimentSettings.decode(saved)
        }
        if let budgetOverride { settings.budget = budgetOverride }
        try settings.validate()
        self.settings = settings
        self.store = store
        space = try SearchSpace.named(settings.space, channels: settings.networkChannels, layers: settings.networkLayers,
                                      chainFile: settings.chainConfig)
        if let benchmark = settings.benchmark {
            let table = try TabularEvaluator(path: benchmark, latencyTarget: settings.latencyTarget)
            evaluator = table
            domain = try table.objective.benchmark.domain(space: space)
        } else {
            evaluator = try TrainingEvaluator(space: space, settings: settings)
            domain = SearchDomain(space: space)
        }
        generator = SeededGenerator(seed: settings.seed)
        try storage.saveSettings(settings.json)
        let interrupted = try storage.failInterruptedTrials()
        for trial in try storage.loadTrials() { history.append(trial) }
        // (A placeholder first: every stored property must be set before a method is called.)
        strategy = .sampler(RandomSearch(domain: domain, history: history.trials))
        // A resumed study continues with the strategy of its last trial.
        let first = resume ? (history.trials.last?.strategy ?? settings.strategy) : settings.strategy
        strategy = try makeStrategy(ExperimentSettings.strategies.contains(first) ? first : settings.strategy)
        history.noteSwitch(to: strategy.name)
        if !interrupted.isEmpty { note("resumed: trial\(interrupted.count == 1 ? "" : "s") \(interrupted.map(String.init).joined(separator: ", ")) had not finished and are marked failed") }
        if resume { note("resumed \(storagePath): \(history.count) trials stored, budget \(settings.budget)") }
        publish(force: true)
    }

    /// Whether `run` has returned.
    public var isDone: Bool { doneLock.lock(); defer { doneLock.unlock() }; return finishedFlag }

    /// Starts `run` on a background thread.
    @discardableResult
    public func start(onFinish: @escaping (Result<Bool, Error>) -> Void = { _ in }) -> Thread {
        let thread = Thread { [self] in
            let result = Result { try run() }
            onFinish(result)
        }
        thread.name = "nas-tui engine"
        thread.stackSize = 8 << 20
        thread.start()
        return thread
    }

    /// Runs the search on the calling thread until the budget is met or a stop command arrives;
    /// returns whether it was stopped early.
    @discardableResult
    public func run() throws -> Bool {
        defer {
            doneLock.lock(); finishedFlag = true; doneLock.unlock()
        }
        prepareLatencyModel()
        while history.count < settings.budget {
            applyCommands()
            if stopRequested { break }
            if paused { publish(); Thread.sleep(forTimeInterval: 0.05); continue }
            if let name = pendingSwitch { pendingSwitch = nil; switchStrategy(to: name) }
            switch strategy {
            case .sampler(let sampler): try runSampledTrial(sampler)
            case .darts(let search): try runDartsEpoch(search)
            }
        }
        running = nil
        let stopped = history.count < settings.budget
        note(stopped ? "stopped after \(history.count) of \(settings.budget) trials" : "budget of \(settings.budget) trials met")
        publish(force: true, state: .finished)
        onEvent?(.done(finished: history.count, best: history.best, stopped: stopped))
        return stopped
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

    // MARK: trials

    private func nextID() -> Int { (history.trials.last?.id ?? 0) + 1 }

    private func runSampledTrial(_ sampler: SampleStrategy) throws {
        let genotype: Genotype
        do { genotype = try sampler.ask(using: &generator) } catch {
            note("\(sampler.name) could not propose: \(error); switching to random")
            strategy = .sampler(RandomSearch(domain: domain, history: history.trials))
            return
        }
        var trial = Trial(id: nextID(), genotype: genotype, strategy: sampler.name)
        if let ranking = sampler as? ZeroCostPreRanking {
            let scores = ranking.lastScores.map(\.logSynflow).sorted()
            note(String(format: "pre-ranking for trial %d: best of %d by synflow (ln %.1f, pool median %.1f), scored in %.2f s", trial.id,
                        scores.count, scores.last ?? .nan, scores.isEmpty ? .nan : scores[scores.count / 2], ranking.lastSeconds))
        }
        try storage.begin(trial)
        running = trial
        runningProgress = 0
        publish(force: true)
        let control = TrainingControl()
        let epochs = settings.epochs
        var batches = 0
        let runningID = trial.id
        control.betweenBatches = { [unowned self] in
            batches += 1
            applyCommands(control: control, runningID: runningID)
            while paused && !stopRequested && control.stopRequest == nil {
                publish()
                Thread.sleep(forTimeInterval: 0.05)
                applyCommands(control: control, runningID: runningID)
            }
            if stopRequested { control.requestStop(reason: "stopped by the user before the trial finished") }
            if batches % 4 == 0 { publish() }
        }
        let pruner = makePruner()
        let trialID = trial.id
        let outcome: TrainingOutcome
        do {
            outcome = try evaluator.evaluate(&trial, control: control) { [unowned self] report in
                running?.epochs.append(report)
                runningProgress = Double(report.epoch) / Double(epochs)
                if let value = report.validationAccuracy, pruner?.shouldPrune(trialID: trialID, epoch: report.epoch, value: value, history: history.trials) == true {
                    control.requestStop(reason: "pruned by the \(settings.pruner) pruner at epoch \(report.epoch)")
                }
                onEvent?(.progress(trialID: trialID, epoch: report.epoch, epochs: epochs, fraction: runningProgress,
                                   finished: history.count, budget: settings.budget))
                publish(force: true)
            }
        } catch {
            trial.status = .failed
            trial.note = "\(error)"
            try finish(trial)
            return
        }
        switch outcome {
        case .completed:
            trial.status = trial.accuracy == nil ? .failed : .complete
            if trial.accuracy == nil { trial.note = "no validation accuracy" }
        case .stopped(let reason):
            trial.status = reason.hasPrefix("stopped") ? .failed : .pruned
            trial.note = reason
            trial.accuracy = trial.epochs.last?.validationAccuracy
        }
        try finish(trial)
    }

    private func runDartsEpoch(_ search: DartsSearch) throws {
        let id = nextID()
        running = Trial(id: id, genotype: .darts((try? search.derivedGenotype()) ?? .dartsV2), strategy: "darts")
        let control = TrainingControl()
        for step in 0..<search.stepsPerEpoch {
            applyCommands(control: control, runningID: id)
            while paused && !stopRequested { publish(); Thread.sleep(forTimeInterval: 0.05); applyCommands(control: control, runningID: id) }
            if stopRequested || control.stopRequest != nil || search.isFinished { break }
            _ = try search.step()
            runningProgress = Double(step + 1) / Double(search.stepsPerEpoch)
            if step % 2 == 0 { publish() }
        }
        if stopRequested { running = nil; return }
        _ = try search.evaluate()
        var trial = try search.derivedTrial(id: id)
        if let reason = control.stopRequest { trial.note = (trial.note ?? "") + "; epoch cut short: \(reason)" }
        if case .darts = trial.genotype, let model = try? space.build(trial.genotype, inputShape: [search.size.inputChannels, search.weightData.height, search.weightData.width], classes: search.size.classes, generator: &generator) {
            let cost = try ModelCost.measure(model, input: [search.size.inputChannels, search.weightData.height, search.weightData.width])
            trial.parameters = cost.parameters
            trial.flops = cost.flops
            trial.latencyMs = (try? evaluator.latencyModel?.predict(trial.genotype))
                ?? (try? LatencyMeasurement.forwardMilliseconds(model, input: [search.size.inputChannels, search.weightData.height, search.weightData.width], runs: 5))
            trial.fitness = trial.accuracy.map { hardwareAwareFitness(accuracy: $0, latencyMs: trial.latencyMs, target: settings.latencyTarget) }
        }
        try storage.begin(trial)
        try finish(trial)
        if search.isFinished {
            note("DARTS finished its epochs; continuing with evolution from the history")
            switchStrategy(to: "evolution")
        }
    }

    /// Stores the trial (one transaction), then tells the strategy, updates the history and publishes.
    private func finish(_ trial: Trial) throws {
        try storage.finish(trial)
        running = nil
        history.append(trial)
        if case .sampler(let sampler) = strategy { sampler.tell(trial) }
        let accuracy = trial.accuracy.map { String(format: "%.2f%%", $0 * 100) } ?? "-"
        note("trial \(trial.id) \(trial.status.rawValue) \(accuracy) [\(trial.strategy)]\(trial.note.map { trial.status == .complete ? "" : ": \($0)" } ?? "")")
        onEvent?(.trialFinished(trial, best: history.best, finished: history.count, budget: settings.budget, etaSeconds: eta))
        publish(force: true)
    }

    /// The pruner of the settings; tabular trials have no epochs to prune on.
    private func makePruner() -> Pruner? {
        guard settings.benchmark == nil, settings.epochs >= 2 else { return nil }
        switch settings.pruner {
        case "median": return MedianPruner()
        case "halving": return try? SuccessiveHalvingPruner()
        default: return nil
        }
    }

    // MARK: strategies and commands

    func makeStrategy(_ name: String) throws -> ActiveStrategy {
        if name == "darts" {
            guard case .darts = space, let training = evaluator as? TrainingEvaluator else {
                throw SearchError("strategy darts needs the darts space and training data (no --benchmark)")
            }
            var dartsSettings = DartsSearchSettings()
            dartsSettings.batchSize = min(settings.batchSize, max(2, training.train.count / 4))
            dartsSettings.epochs = max(1, settings.budget - history.count)
            let size = DartsSupernetSize(channels: settings.networkChannels, layers: settings.networkLayers, classes: training.train.classCount,
                                         inputChannels: training.train.channels)
            return .darts(try DartsSearch(size: size, settings: dartsSettings, data: training.train, seed: settings.seed &+ UInt64(history.count),
                                          history: history.trials))
        }
        let sampler = try SampleStrategies.make(name, domain: domain, history: history.trials, budget: settings.budget)
        guard let pool = settings.prerank, pool > 1 else { return .sampler(sampler) }
        guard let input = evaluator.networkInput else {
            throw NASError("prerank \(pool): zero-cost pre-ranking builds each candidate's network, and this study's networks (\(settings.benchmark ?? settings.space)) cannot be built here; accepted: training studies and NAS-Bench-201 tables")
        }
        note("\(name) proposals pre-ranked: the best by synflow of \(pool) candidates is trained")
        return .sampler(try ZeroCostPreRanking(sampler, poolSize: pool, inputShape: input.shape, classes: input.classes))
    }

    private func switchStrategy(to name: String) {
        guard name != strategy.name else { return }
        do {
            if case .darts(let search) = strategy, search.completedSteps > 0, let derived = try? search.derivedTrial(id: nextID()) {
                try storage.begin(derived)
                try finish(derived)
            }
            strategy = try makeStrategy(name)
            history.noteSwitch(to: name)
            note("switched to \(name) with \(history.count) trials of history")
        } catch {
            note("cannot switch to \(name): \(error)")
        }
    }

    /// Applies queued commands; during a trial, prune and stop act through `control`.
    func applyCommands(control: TrainingControl? = nil, runningID: Int? = nil) {
        for command in store.drainCommands() {
            switch command {
            case .pause: paused = true; note("paused")
            case .resume: paused = false; note("resumed")
            case .togglePause: paused.toggle(); note(paused ? "paused" : "resumed")
            case .prune(let id):
                if id == runningID, let control { control.requestStop(reason: "pruned by the user"); paused = false }
                else { note("trial \(id) is not running; only the running trial can be pruned") }
            case .switchStrategy(let name):
                guard ExperimentSettings.strategies.contains(name) else { note("unknown strategy \(name)"); continue }
                pendingSwitch = name
                note("switching to \(name) after the running trial")
                if case .darts = strategy, let control { control.requestStop(reason: "strategy switch") }
            case .exportBest(let path): exportBest(to: path)
            case .stop:
                stopRequested = true
                control?.requestStop(reason: "stopped by the user before the trial finished")
            case .enqueue, .changeBudget, .compare:
                note("\(command) is not supported yet")
            }
        }
    }

    private func exportBest(to path: String?) {
        guard let best = history.best else { note("export: no complete trial yet"); return }
        do {
            let written = try StudyExport.writeBest(best, besideStorage: storage.path, to: path)
            note("exported trial \(best.id) to \(written.joined(separator: ", "))")
        } catch {
            note("export failed: \(error)")
        }
    }

    func note(_ line: String) {
        log.append(line)
        if log.count > 200 { log.removeFirst(log.count - 200) }
        onEvent?(.message(line))
    }

    var eta: Double? {
        let done = history.count
        guard done > 0 else { return nil }
        let elapsed = Date().timeIntervalSince(started)
        return elapsed / Double(done) * Double(settings.budget - done)
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
