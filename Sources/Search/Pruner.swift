import NAS

/// Decides, after each epoch of a running trial, whether to stop it early. Values are
/// validation accuracies (higher is better); epochs are numbered from 1 as `EpochReport` does.
/// A pruned trial keeps its curve: the engine records it as `.pruned` with its epochs so far.
public protocol Pruner: Sendable {
    /// "median", "successive-halving".
    var name: String { get }
    /// Whether trial `trialID`, which just reported `value` at `epoch`, should stop. `history`
    /// holds the trials so far (any status); the trial itself may be among them with its
    /// earlier epochs. A NaN value is always pruned.
    func shouldPrune(trialID: Int, epoch: Int, value: Double, history: [Trial]) -> Bool
}

/// Optuna's `MedianPruner`: prunes a trial whose best value so far is below the median of the
/// complete trials' values at the same epoch. Never prunes before `startupTrials` trials have
/// completed, during the first `warmupEpochs` epochs, or when fewer than `minimumTrials`
/// complete trials reported that epoch.
public struct MedianPruner: Pruner, Equatable {
    public let name = "median"
    /// Complete trials needed before pruning starts (Optuna's n_startup_trials).
    public var startupTrials: Int
    /// Epochs 1...warmupEpochs are never pruned (Optuna's n_warmup_steps with 0-based steps).
    public var warmupEpochs: Int
    /// Complete trials that must have a value at the epoch (Optuna's n_min_trials).
    public var minimumTrials: Int

    public init(startupTrials: Int = 5, warmupEpochs: Int = 0, minimumTrials: Int = 1) {
        self.startupTrials = startupTrials
        self.warmupEpochs = warmupEpochs
        self.minimumTrials = minimumTrials
    }

    public func shouldPrune(trialID: Int, epoch: Int, value: Double, history: [Trial]) -> Bool {
        let complete = history.filter { $0.status == .complete && $0.id != trialID }
        guard !complete.isEmpty, complete.count >= startupTrials, epoch > warmupEpochs else { return false }
        var best = value
        if let own = history.first(where: { $0.id == trialID }) {
            for point in own.validationCurve where point.epoch < epoch { best = max(best, point.value) }
        }
        if best.isNaN { return true }
        let atEpoch = complete.compactMap { trial in
            trial.validationCurve.first(where: { $0.epoch == epoch }).map(\.value)
        }.filter { !$0.isNaN }
        guard atEpoch.count >= max(minimumTrials, 1) else { return false }
        return best < median(atEpoch)
    }
}

/// The median of non-empty `values` (the mean of the middle two for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
