import NAS
import Search

/// The finished trials and what the screen derives from them, kept up to date one trial at a
/// time so a publish never rebuilds the world: the rows (shared chunks), the fitness history
/// (per N trials, at most ~512 points), the running median of the fitness values, the Pareto
/// front and the best trial.
struct StudyHistory {
    private(set) var trials: [Trial] = []
    private(set) var rows = TrialRows()
    private(set) var fitness: [FitnessPoint] = []
    /// The non-dominated complete trials (`ParetoFront.dominates`) as distinct points, fastest
    /// first, each with the ids of the trials there: a tabular study evaluates a front cell again
    /// and again, and thousands of tied trials made every update walk a list of thousands.
    private(set) var front: [FrontPoint] = []
    private var frontIDs: [[Int]] = []
    private(set) var best: Trial?
    private(set) var switches: [(trials: Int, strategy: String)] = []
    private var fitnessValues = RunningMedian()
    /// Trials per fitness point; doubles when the history grows past its limit.
    private var pointStride = 1
    private static let pointLimit = 512
    /// The best complete trials, best first (the heatmap's op frequencies come from them).
    private(set) var leaders: [Trial] = []
    static let leaderCount = 10

    /// The ids of `trials`: a worker reading the shared history skips the trials it already has.
    private(set) var ids: Set<Int> = []

    var count: Int { trials.count }
    /// The ids of the front's trials in `ParetoFront`'s order: latency, accuracy (highest
    /// first), then id.
    var paretoFront: [Int] { frontIDs.flatMap { $0.sorted() } }

    mutating func noteSwitch(to strategy: String) { switches.append((trials.count, strategy)) }

    mutating func append(_ trial: Trial) {
        guard ids.insert(trial.id).inserted else { return }
        trials.append(trial)
        rows.append(Self.row(trial))
        if let f = trial.completedFitness {
            fitnessValues.insert(f)
            if best?.completedFitness.map({ f > $0 }) ?? true { best = trial }
            if leaders.count < Self.leaderCount || f > leaders.last!.fitness! {
                leaders.insert(trial, at: leaders.firstIndex { $0.fitness! < f } ?? leaders.count)
                if leaders.count > Self.leaderCount { leaders.removeLast() }
            }
            if let latency = trial.latencyMs, let accuracy = trial.accuracy {
                updatePareto(ParetoFront.Point(trialID: trial.id, latencyMs: latency, accuracy: accuracy, rank: 0))
            }
        }
        recordFitnessPoint(strategy: trial.strategy)
    }

    private mutating func recordFitnessPoint(strategy: String) {
        guard trials.count % pointStride == 0, let bestValue = fitnessValues.maximum, let median = fitnessValues.median else { return }
        fitness.append(FitnessPoint(trials: trials.count, best: bestValue, median: median, strategy: strategy))
        if fitness.count > Self.pointLimit {
            pointStride *= 2
            fitness = fitness.filter { $0.trials % pointStride == 0 }
        }
    }

    /// Keeps the non-dominated set of (latency lower, accuracy higher) in `ParetoFront`'s
    /// order: latency, then accuracy (highest first); a trial at a front point joins its ties.
    private mutating func updatePareto(_ point: ParetoFront.Point) {
        guard let latency = point.latencyMs else { return }
        if let tie = front.firstIndex(where: { $0.latencyMs == latency && $0.accuracy == point.accuracy }) {
            frontIDs[tie].append(point.trialID)
            front[tie].trials += 1
            front[tie].id = min(front[tie].id, point.trialID)
            return
        }
        func asPoint(_ f: FrontPoint) -> ParetoFront.Point { .init(trialID: f.id, latencyMs: f.latencyMs, accuracy: f.accuracy) }
        if front.contains(where: { ParetoFront.dominates(asPoint($0), point) }) { return }
        for k in front.indices.reversed() where ParetoFront.dominates(point, asPoint(front[k])) {
            front.remove(at: k)
            frontIDs.remove(at: k)
        }
        let at = front.firstIndex { ($0.latencyMs, -$0.accuracy) > (latency, -point.accuracy) } ?? front.count
        front.insert(FrontPoint(id: point.trialID, latencyMs: latency, accuracy: point.accuracy, trials: 1), at: at)
        frontIDs.insert([point.trialID], at: at)
    }

    /// The row a finished or running trial shows as.
    static func row(_ trial: Trial) -> TrialRow {
        TrialRow(id: trial.id, strategy: trial.strategy, status: TrialRow.Status(trial.status), summary: trial.genotype.summary,
                 accuracy: trial.accuracy, fitness: trial.fitness, latencyMs: trial.latencyMs, parameters: trial.parameters,
                 flops: trial.flops, curve: trial.epochs.map {
                     CurvePoint(epoch: $0.epoch, trainLoss: $0.trainLoss, validationLoss: $0.validationLoss,
                                trainAccuracy: $0.trainAccuracy, validationAccuracy: $0.validationAccuracy)
                 }, steps: trial.steps.map { LossPoint(epoch: $0.epoch, loss: $0.loss) }, note: trial.note,
                 origin: trial.origin?.rawValue, fidelity: trial.fidelity.map { "\($0) ep" }, worker: trial.worker)
    }
}

extension TrialRow.Status {
    /// The screen's status for a trial's.
    init(_ status: TrialStatus) {
        switch status {
        case .running: self = .running
        case .complete: self = .complete
        case .pruned: self = .pruned
        case .failed: self = .failed
        }
    }
}
