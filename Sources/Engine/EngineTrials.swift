import Foundation
import NAS
import Search
import Tensor

/// The one trial pipeline: claim the work in the storage, evaluate it (train, look up, or one
/// DARTS supernet epoch), measure its cost, compute its fitness, map how it ended to a status,
/// store it, tell the strategy. Sampled and DARTS trials differ only in how they are evaluated.
extension Engine {
    /// Proposes, claims and evaluates the next trial; waits when others hold the last of the budget.
    /// The trial finished before is written in the same transaction as the claim, unless the
    /// last proposal was slow (it is then written first, so it does not wait for the proposal).
    func runNextTrial() throws {
        if lastProposalSeconds >= Self.joinedWriteProposalSeconds { try storeFinished() }
        let asked = Date()
        let proposal: TrialProposal
        /// The fidelity a multi-fidelity strategy asked for (nil: full).
        var fidelity: Int?
        switch strategy {
        case .sampler(let sampler):
            do {
                if let multi = sampler as? MultiFidelityStrategy {
                    let asked = try multi.askWithFidelity(using: &generator)
                    proposal = TrialProposal(genotype: asked.genotype, strategy: sampler.name)
                    fidelity = asked.fidelity == multi.levels.last ? nil : asked.fidelity
                } else {
                    proposal = TrialProposal(genotype: try sampler.ask(using: &generator), strategy: sampler.name)
                }
            } catch {
                try storeFinished()
                note("\(sampler.name) could not propose: \(error); switching to random")
                try store.send(.switchStrategy("random"), study: study.id, issuer: worker.id)
                try poll(force: true)
                return
            }
        case .darts(let search):
            proposal = TrialProposal(genotype: .darts((try? search.derivedGenotype()) ?? .dartsV2), strategy: DartsSearch.strategyName)
        }
        lastProposalSeconds = Date().timeIntervalSince(asked)
        let claim: ClaimResult
        if let finished = unstoredFinish {
            unstoredFinish = nil
            do { claim = try store.finish(finished, study: study.id, thenClaimFor: worker.id, proposal: proposal) } catch StoreError.trialTaken {
                dropTaken(finished)
                return
            }
            stored(finished)
        } else {
            claim = try store.claim(study: study.id, worker: worker.id, proposal: proposal)
        }
        switch claim {
        case .budgetTaken(let othersRunning):
            // Others still evaluate the last trials of the budget (or a retry waits for them).
            if othersRunning > 0 { idle() }
            try poll(force: true)
            try syncHistory()
        case .trial(var trial):
            // A queued architecture (the user's, or a retry) is evaluated in full.
            if trial.origin == nil { trial.fidelity = fidelity }
            logPreRanking(trial)
            if case .darts(let search) = strategy, trial.origin == nil {
                try evaluate(trial) { trial, control in try self.runDartsEpoch(search, trial: &trial, control: control) }
                if search.isFinished {
                    note("DARTS finished its epochs; continuing with evolution from the history")
                    try store.send(.switchStrategy("evolution"), study: study.id, issuer: worker.id)
                }
            } else {
                try evaluate(trial) { trial, control in
                    try self.evaluator.evaluate(&trial, control: control, progress: self.progress(of: trial.id, control: control))
                }
            }
        }
    }

    /// Evaluates a claimed trial with `body`, then scores and stores it.
    private func evaluate(_ claimed: Trial, _ body: (inout Trial, TrainingControl) throws -> TrainingOutcome) throws {
        var trial = claimed
        let control = TrainingControl()
        control.betweenBatches = { [unowned self] in
            do { try batchBoundary(control) } catch { control.requestStop(.stoppedByUser); note("storage unreachable: \(error)") }
        }
        running = trial
        runningControl = control
        runningProgress = 0
        publish()
        defer { running = nil; runningControl = nil }
        let outcome: TrainingOutcome
        do {
            outcome = try body(&trial, control)
        } catch {
            trial.status = .failed
            trial.note = "\(error)"
            try store(trial)
            return
        }
        switch outcome {
        case .completed:
            trial.status = trial.accuracy == nil ? .failed : .complete
            if trial.accuracy == nil { trial.note = "no validation accuracy" }
        case .stopped(let reason):
            switch reason {
            case .prunedByUser, .prunedByPruner:
                trial.status = .pruned
                trial.note = reason.description
                trial.accuracy = trial.epochs.last?.validationAccuracy
            case .stoppedByUser:
                // Not the architecture's fault: it does not count and runs again when the study goes on.
                try store.interrupt(trialID: trial.id, study: study.id, note: reason.description)
                note("trial \(trial.id) interrupted; it is evaluated again when the study continues")
                return
            case .strategySwitch:
                trial.status = trial.accuracy == nil ? .failed : .complete
                trial.note = [trial.note, "epoch \(reason)"].compactMap { $0 }.joined(separator: "; ")
            }
        }
        if trial.status != .failed {
            do {
                let cost = try evaluator.cost(of: trial.genotype)
                trial.parameters = cost.parameters
                trial.flops = cost.flops
                trial.latencyMs = cost.latencyMs
            } catch {
                note("trial \(trial.id): cost not measured: \(error)")
            }
        }
        trial.fitness = trial.accuracy.map { hardware?.fitness(accuracy: $0, latencyMs: trial.latencyMs) ?? $0 }
        try store(trial)
    }

    /// Tells the strategy about a finished trial, which then waits in `unstoredFinish` to be
    /// written with the next claim (`runNextTrial`) or on its own (`storeFinished`, when the
    /// engine does not claim next); it enters the history once written.
    private func store(_ trial: Trial) throws {
        if case .sampler(let sampler) = strategy { sampler.tell(trial) }
        unstoredFinish = trial
    }

    /// Writes the finished trial that waits for a claim, if any (one transaction): before a pause,
    /// a strategy switch, the budget's end or the run's.
    func storeFinished() throws {
        guard let finished = unstoredFinish else { return }
        unstoredFinish = nil
        do { try store.finish(finished, study: study.id) } catch StoreError.trialTaken {
            dropTaken(finished)
            return
        }
        stored(finished)
    }

    /// A finished trial the study refused: the strategy keeps what it learned (the measurement
    /// is real), but the trial is neither in the storage nor in the history.
    private func dropTaken(_ trial: Trial) {
        note("trial \(trial.id) was given up by the study while it ran here (no heartbeat in time); its result is dropped")
    }

    /// A finished trial is written: into the history, the counters, the events and the screen.
    private func stored(_ trial: Trial) {
        history.append(trial)
        let accuracy = trial.accuracy.map { String(format: "%.2f%%", $0 * 100) } ?? "-"
        note("trial \(trial.id) \(trial.status.rawValue) \(accuracy) [\(trial.strategy)]\(trial.note.map { trial.status == .complete ? "" : ": \($0)" } ?? "")")
        control.countedFinished += 1
        control.spentSeconds += trial.costSeconds ?? 0
        onEvent?(.trialFinished(trial, best: history.best, finished: control.countedFinished, budget: control.budget, etaSeconds: eta))
        // At most every 200 ms: a tabular study finishes thousands of trials a second, and the
        // screen redraws only a few times a second (the run's end publishes in any case).
        publish()
    }

    /// The running trial's epoch and loss-point reports: curves for the screen and the storage,
    /// the pruner's judgement, headless progress.
    private func progress(of trialID: Int, control: TrainingControl) -> TrialProgress {
        // A multi-fidelity strategy chooses the fidelity itself: no pruner then.
        let multiFidelity: Bool
        if case .sampler(let sampler) = strategy { multiFidelity = sampler is MultiFidelityStrategy } else { multiFidelity = false }
        let pruner = multiFidelity ? nil : self.pruner
        let epochs = evaluator is TabularEvaluator ? TabularBenchmark.fullEpochs : (running?.fidelity ?? settings.epochs)
        return TrialProgress(
            onEpoch: { [unowned self] report in
                running?.epochs.append(report)
                runningProgress = Double(report.epoch) / Double(epochs)
                if let pruner, let value = report.validationAccuracy,
                   pruner.shouldPrune(trialID: trialID, epoch: report.epoch, value: value, history: history.trials) {
                    control.requestStop(.prunedByPruner(name: pruner.name, epoch: report.epoch))
                }
                writeProgressIfDue(force: true)
                publish(force: true)
                onEvent?(.progress(trialID: trialID, epoch: report.epoch, epochs: epochs, fraction: runningProgress,
                                   finished: self.control.countedFinished, budget: self.control.budget))
            },
            onLossPoint: { [unowned self] point in
                running?.steps.append(point)
                runningProgress = point.epoch / Double(epochs)
                writeProgressIfDue()
                publish()
            })
    }

    /// One supernet epoch of DARTS (cut short by a switch or prune), then its derived genotype.
    private func runDartsEpoch(_ search: DartsSearch, trial: inout Trial, control: TrainingControl) throws -> TrainingOutcome {
        for step in 0..<search.stepsPerEpoch {
            control.betweenBatches?()
            if control.stopRequest != nil || search.isFinished { break }
            _ = try search.step()
            runningProgress = Double(step + 1) / Double(search.stepsPerEpoch)
        }
        if let reason = control.stopRequest, reason != .strategySwitch { return .stopped(reason: reason) }
        _ = try search.evaluate()
        let derived = try search.derivedTrial(id: trial.id)
        trial.genotype = derived.genotype
        trial.accuracy = derived.accuracy
        trial.note = derived.note
        trial.seconds = derived.seconds
        return control.stopRequest.map { .stopped(reason: $0) } ?? .completed
    }

    private func logPreRanking(_ trial: Trial) {
        guard trial.origin == nil, case .sampler(let sampler) = strategy, let ranking = sampler as? ZeroCostPreRanking,
              !ranking.lastScores.isEmpty else { return }
        let scores = ranking.lastScores.map(\.logSynflow).sorted()
        note(String(format: "pre-ranking for trial %d: best of %d by synflow (ln %.1f, pool median %.1f), scored in %.2f s", trial.id,
                    scores.count, scores.last ?? .nan, scores.isEmpty ? .nan : scores[scores.count / 2], ranking.lastSeconds))
    }

    /// The pruner of the settings. Tabular trials are pruned on the table's cheap fidelity, and
    /// only under a budget in seconds, where a pruned query costs less (under a trial budget it
    /// would spend a whole trial on a cheap look); training trials need 2 epochs or more.
    static func pruner(for settings: ExperimentSettings) -> Pruner? {
        if settings.benchmark != nil {
            guard settings.budgetSeconds != nil else { return nil }
        } else {
            guard settings.epochs >= 2 else { return nil }
        }
        switch settings.pruner {
        case .median: return MedianPruner()
        case .halving: return try? SuccessiveHalvingPruner()
        case .none: return nil
        }
    }

    // MARK: strategies

    func makeStrategy(_ name: String) throws -> ActiveStrategy {
        if name == "darts" {
            guard case .darts = space, let training = evaluator as? TrainingEvaluator else {
                throw SearchError("strategy darts needs the darts space and training data (no --benchmark)")
            }
            var dartsSettings = DartsSearchSettings()
            dartsSettings.batchSize = min(settings.batchSize, max(2, training.train.count / 4))
            dartsSettings.epochs = max(1, control.budget - history.count)
            let size = DartsSupernetSize(channels: settings.networkChannels, layers: settings.networkLayers, classes: training.train.classCount,
                                         inputChannels: training.train.channels)
            return .darts(try DartsSearch(size: size, settings: dartsSettings, data: training.train, seed: settings.seed &+ UInt64(history.count),
                                          history: history.trials))
        }
        if name == Hyperband.strategyName { return .sampler(try makeHyperband()) }
        return .sampler(try preRanked(try SampleStrategies.make(name, domain: domain, history: history.trials, budget: control.budget,
                                                                  evolutionSizes: settings.evolutionSizes),
                                      name: name))
    }

    /// Hyperband over the table's fidelities (cheap columns, then the full one) or over training
    /// epochs (geometric levels up to the study's epochs), drawing new configurations from the
    /// settings' sampler (pre-ranked when `prerank` is set).
    private func makeHyperband() throws -> Hyperband {
        let eta = settings.hyperbandEta ?? ExperimentSettings.defaultHyperbandEta
        let schedule: HyperbandSchedule
        if let table = evaluator as? TabularEvaluator {
            schedule = try HyperbandSchedule(levels: table.objective.fidelityLevels, eta: eta)
        } else {
            schedule = try HyperbandSchedule.geometric(maxResource: settings.epochs, eta: eta)
        }
        let samplerName = (settings.hyperbandSampler ?? .random).rawValue
        let budget = control.budget >= ExperimentSettings.unlimitedTrials ? nil : control.budget
        let inner = try preRanked(try SampleStrategies.make(samplerName, domain: domain, history: history.trials, budget: budget,
                                                                  evolutionSizes: settings.evolutionSizes),
                                  name: samplerName)
        note("hyperband over \(schedule.levels.map(String.init).joined(separator: "/")) epochs, eta \(eta), new configurations from \(samplerName)")
        let hyperband = Hyperband(schedule: schedule, sampler: inner)
        return hyperband
    }

    /// `sampler`, wrapped in zero-cost pre-ranking when the settings ask for it.
    private func preRanked(_ sampler: SampleStrategy, name: String) throws -> SampleStrategy {
        guard let pool = settings.prerank, pool > 1 else { return sampler }
        guard let input = evaluator.networkInput else {
            throw NASError("prerank \(pool): zero-cost pre-ranking builds each candidate's network, and this study's networks (\(settings.benchmark ?? settings.space.rawValue)) cannot be built here; accepted: training studies and NAS-Bench-201 tables")
        }
        note("\(name) proposals pre-ranked: the best by synflow of \(pool) candidates is trained"
            + (settings.prerankTrials.map { " (the first \($0) trials: a zero-cost warm start)" } ?? ""))
        // A warm start counts the study's trials so far: a switch or resume does not start it again.
        let warm = settings.prerankTrials.map { max(0, $0 - history.count) }
        return try ZeroCostPreRanking(sampler, poolSize: pool, inputShape: input.shape, classes: input.classes, warmStart: warm)
    }

    func switchStrategy(to name: String) {
        guard name != strategy.name else { return }
        do {
            strategy = try makeStrategy(name)
            history.noteSwitch(to: name)
            note("switched to \(name) with \(history.count) trials of history")
        } catch {
            note("cannot switch to \(name): \(error)")
            // The study keeps the strategy that runs, so no worker tries again and again.
            try? store.send(.switchStrategy(strategy.name), study: study.id, issuer: worker.id)
        }
    }
}
