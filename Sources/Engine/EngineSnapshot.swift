import Foundation
import NAS
import Search

extension Engine {
    /// Publishes a new snapshot: always when `force`, otherwise at most every 200 ms.
    func publish(force: Bool = false) {
        let now = Date()
        guard force || now.timeIntervalSince(lastPublish) >= 0.2 else { return }
        lastPublish = now
        var s = Snapshot()
        s.experiment = "\(settings.strategy) on \(settings.space)"
        s.study = study.name
        s.space = settings.space.rawValue
        s.strategy = strategy.name
        s.strategies = strategies
        s.state = finished ? .finished : control.state == .paused ? .paused : control.state == .finished ? .finished : .running
        s.budget = control.budget >= ExperimentSettings.unlimitedTrials ? 0 : control.budget
        s.budgetSeconds = control.budgetSeconds
        s.spentSeconds = control.spentSeconds
        s.workers = liveWorkers
        s.finishedTrials = control.countedFinished
        s.elapsedSeconds = now.timeIntervalSince(started)
        s.etaSeconds = eta
        history.fill(&s)
        s.running = running.map(StudyHistory.row)
        s.runningProgress = runningProgress
        s.operations = operationWeights()
        s.latencyTarget = settings.latencyTarget
        s.device = settings.device
        s.comparison = comparison
        s.otherStudies = otherStudies
        s.log = Array(log.suffix(20))
        s.storagePath = store.location
        s.dataNote = evaluator.dataNote
        state.publish(s)
    }

    /// softmax(alpha) under DARTS; op frequencies among the population or the best trials otherwise.
    func operationWeights() -> OperationWeights? {
        switch strategy {
        case .darts(let search):
            let columns = search.operations.map(\.rawValue)
            let normal = search.operationWeights(.normal).map { $0.map(Double.init) }
            let reduce = search.operationWeights(.reduce).map { $0.map(Double.init) }
            return OperationWeights(columns: columns, rows: DartsGenotype.supernetEdgeLabels, normal: normal, reduce: reduce,
                                    source: "softmax(alpha)")
        case .sampler(let sampler):
            return StudyHistory.weights(sampler.operationFrequencies(history: history.leaders, top: StudyHistory.leaderCount),
                                        population: !sampler.population.isEmpty)
        }
    }
}

extension StudyHistory {
    /// Fills the parts of a snapshot the finished trials make: rows, fitness, switches, front, best.
    func fill(_ s: inout Snapshot) {
        s.trials = rows
        s.fitness = fitness
        s.switches = switches
        s.paretoFront = front
        s.best = best.map(StudyHistory.row)
    }

    /// The heatmap's weights from op frequencies (of a population, or of the best trials).
    static func weights(_ frequencies: OperationFrequencies?, population: Bool) -> OperationWeights? {
        guard let f = frequencies, let first = f.matrices.first else { return nil }
        let what = population ? "population of \(f.trialCount)" : "top \(f.trialCount) trials"
        return OperationWeights(columns: first.columnLabels, rows: first.rowLabels, normal: first.values,
                                reduce: f.matrices.count > 1 ? f.matrices[1].values : nil, source: "op frequency, \(what)")
    }
}
