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
        s.space = settings.space
        s.strategy = strategy.name
        s.strategies = strategies
        s.state = finished ? .finished : control.state == .paused ? .paused : control.state == .finished ? .finished : .running
        s.budget = control.budget
        s.budgetSeconds = control.budgetSeconds
        s.spentSeconds = control.spentSeconds
        s.workers = liveWorkers
        s.finishedTrials = control.countedFinished
        s.elapsedSeconds = now.timeIntervalSince(started)
        s.etaSeconds = eta
        s.trials = history.rows
        s.running = running.map(StudyHistory.row)
        s.runningProgress = runningProgress
        s.fitness = history.fitness
        s.switches = history.switches
        s.operations = operationWeights()
        s.paretoFront = history.paretoFront
        s.latencyTarget = settings.latencyTarget
        s.comparison = comparison
        s.best = history.best.map(StudyHistory.row)
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
            guard let f = sampler.operationFrequencies(history: history.leaders, top: StudyHistory.leaderCount),
                  let first = f.matrices.first else { return nil }
            let what = sampler.population.isEmpty ? "top \(f.trialCount) trials" : "population of \(f.trialCount)"
            return OperationWeights(columns: first.columnLabels, rows: first.rowLabels, normal: first.values,
                                    reduce: f.matrices.count > 1 ? f.matrices[1].values : nil, source: "op frequency, \(what)")
        }
    }
}
