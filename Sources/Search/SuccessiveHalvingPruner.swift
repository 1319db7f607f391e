import Foundation
import NAS

/// Optuna's `SuccessiveHalvingPruner` (asynchronous successive halving, Li et al. 2018).
///
/// Rung r sits at epoch minResource × reductionFactor^(minEarlyStoppingRate + r): 1, 3, 9, 27
/// epochs with the defaults. When a trial first reaches a rung, its value there is compared with
/// the values every trial (any status) had on reaching that rung: it continues only if it is
/// in the top 1/reductionFactor of them (for the first few trials, when that share rounds to
/// none, if it is the best so far). A trial's value at a rung is read from its curve (its first
/// epoch at or past the rung), so the pruner keeps no state of its own.
public struct SuccessiveHalvingPruner: Pruner, Equatable {
    public let name = "successive-halving"
    /// Epochs before the first rung (Optuna's min_resource).
    public var minResource: Int
    /// η: each rung keeps the top 1/η (Optuna's reduction_factor).
    public var reductionFactor: Int
    /// Shifts the first rung to minResource × η^s (Optuna's min_early_stopping_rate).
    public var minEarlyStoppingRate: Int
    /// Trials needed at a rung before anyone is promoted from it (Optuna's bootstrap_count).
    public var bootstrapCount: Int

    /// Throws unless minResource >= 1, reductionFactor >= 2 and the others >= 0.
    public init(minResource: Int = 1, reductionFactor: Int = 3, minEarlyStoppingRate: Int = 0, bootstrapCount: Int = 0) throws {
        guard minResource >= 1 else {
            throw SearchError("successive halving min resource must be at least 1 epoch; got \(minResource)")
        }
        guard reductionFactor >= 2 else {
            throw SearchError("successive halving reduction factor must be at least 2; got \(reductionFactor)")
        }
        guard minEarlyStoppingRate >= 0, bootstrapCount >= 0 else {
            throw SearchError("successive halving min early stopping rate and bootstrap count must be 0 or more; "
                + "got \(minEarlyStoppingRate) and \(bootstrapCount)")
        }
        self.minResource = minResource
        self.reductionFactor = reductionFactor
        self.minEarlyStoppingRate = minEarlyStoppingRate
        self.bootstrapCount = bootstrapCount
    }

    /// The epoch of rung `rung` (0-based).
    public func rungEpoch(_ rung: Int) -> Int {
        var epoch = minResource
        for _ in 0..<(minEarlyStoppingRate + rung) {
            guard epoch <= Int.max / reductionFactor else { return Int.max }
            epoch *= reductionFactor
        }
        return epoch
    }

    public func shouldPrune(trialID: Int, epoch: Int, value: Double, history: [Trial]) -> Bool {
        let earlier = history.first(where: { $0.id == trialID })?.validationCurve.filter { $0.epoch < epoch } ?? []
        var rung = 0
        while true {
            let rungAt = rungEpoch(rung)
            if epoch < rungAt { return false }
            // A rung first reached at an earlier epoch was passed then.
            if earlier.contains(where: { $0.epoch >= rungAt }) { rung += 1; continue }
            if value.isNaN { return true }
            var competing = [value]
            for trial in history where trial.id != trialID {
                if let reached = trial.validationCurve.first(where: { $0.epoch >= rungAt }), !reached.value.isNaN {
                    competing.append(reached.value)
                }
            }
            if competing.count <= bootstrapCount { return true }
            if !promotable(value, competing) { return true }
            rung += 1
        }
    }

    /// Whether `value` is within the top 1/η of `competing` (which includes it); with fewer
    /// than η values, whether it is the best.
    private func promotable(_ value: Double, _ competing: [Double]) -> Bool {
        let sorted = competing.sorted()
        let index = max(competing.count / reductionFactor - 1, 0)
        return value >= sorted[sorted.count - 1 - index]
    }
}
