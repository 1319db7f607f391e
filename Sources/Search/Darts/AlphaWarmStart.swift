import Foundation
import NAS

/// Starting values for the alphas from the trials already in the history, so that switching
/// to DARTS mid-search carries over what the earlier strategy learned.
///
/// The best `topTrials` complete trials of the darts space (by fitness, else accuracy; any
/// strategy) vote per supernet edge: a trial that keeps edge e with op o adds one to count(e, o);
/// a trial that drops edge e adds one to count(e, none) when `none` is a candidate — in the
/// supernet a dropped edge is the zero operation, and this is what makes the derivation's edge
/// choice (by the strongest non-none weight) follow the edges the trials used. With n voters
/// and K candidate operations,
///
///     p(e, o) = (count(e, o) + a) / (n + a·K)            (a = `pseudoCount`, smoothing)
///     α(e, o) += s · (log p(e, o) − mean over o′ of log p(e, o′))     (s = `strength`)
///
/// Centering per edge leaves the softmax unchanged and keeps α near zero, where the alpha
/// weight decay pulls it. With the default s = 0.2 and 10 unanimous voters the favoured op
/// starts about e^(0.2·ln 21) ≈ 1.8 times as heavy as an op no voter used: a nudge that the
/// search confirms or overrides, not a decision. Operations a trial uses that are not
/// candidates of the supernet cast no vote.
public struct AlphaWarmStart: Sendable, Equatable {
    public struct Settings: Codable, Sendable, Equatable {
        public var enabled = true
        /// How many of the best trials vote.
        public var topTrials = 10
        /// s: log-frequency scale added to the alphas.
        public var strength: Float = 0.2
        /// a: added to every count before taking frequencies.
        public var pseudoCount: Float = 0.5

        public init(enabled: Bool = true, topTrials: Int = 10, strength: Float = 0.2, pseudoCount: Float = 0.5) {
            self.enabled = enabled
            self.topTrials = topTrials
            self.strength = strength
            self.pseudoCount = pseudoCount
        }

        func validate() throws {
            guard topTrials >= 1 else {
                throw DartsSearchError("DARTS warm start: top trials \(topTrials); accepted: 1 or more")
            }
            guard strength >= 0, strength.isFinite else {
                throw DartsSearchError("DARTS warm start: strength \(strength); accepted: 0 or more (0.2 is a gentle nudge)")
            }
            guard pseudoCount > 0, pseudoCount.isFinite else {
                throw DartsSearchError("DARTS warm start: pseudo-count \(pseudoCount); accepted: a positive number")
            }
        }
    }

    /// The trials that voted, best first.
    public let trialIDs: [Int]
    /// Offsets added to alphaNormal and alphaReduce, [edges][operations].
    public let normal: [[Float]]
    public let reduce: [[Float]]

    /// The offsets from `history`, or nil when no complete darts trial with a score is in it.
    public static func make(from history: [Trial], operations: [DartsOperation], settings: Settings) -> AlphaWarmStart? {
        guard settings.enabled else { return nil }
        let ranked: [(Trial, DartsGenotype, Double)] = history.compactMap { trial in
            guard trial.status == .complete, case .darts(let genotype) = trial.genotype,
                  let score = trial.fitness ?? trial.accuracy, score.isFinite else { return nil }
            return (trial, genotype, score)
        }
        .sorted { $0.2 != $1.2 ? $0.2 > $1.2 : $0.0.id < $1.0.id }
        let voters = Array(ranked.prefix(settings.topTrials))
        guard !voters.isEmpty else { return nil }
        func offsets(_ cell: DartsGenotype.Cell) -> [[Float]] {
            let edges = DartsGenotype.supernetEdgeCount, k = operations.count
            let noneColumn = operations.firstIndex(of: .none)
            var counts = [[Float]](repeating: [Float](repeating: 0, count: k), count: edges)
            for (_, genotype, _) in voters {
                for (edge, op) in genotype.supernetOps(cell).enumerated() {
                    if let op {
                        if let column = operations.firstIndex(of: op) { counts[edge][column] += 1 }
                    } else if let noneColumn {
                        counts[edge][noneColumn] += 1
                    }
                }
            }
            let n = Float(voters.count), a = settings.pseudoCount
            return counts.map { row in
                let logs = row.map { log(($0 + a) / (n + a * Float(k))) }
                let mean = logs.reduce(0, +) / Float(k)
                return logs.map { settings.strength * ($0 - mean) }
            }
        }
        return AlphaWarmStart(trialIDs: voters.map(\.0.id), normal: offsets(.normal), reduce: offsets(.reduce))
    }

    /// Adds the offsets to the supernet's alphas (shapes as `make` was given).
    public func apply(to network: DartsSupernet) {
        for (alpha, rows) in [(network.alphaNormal, normal), (network.alphaReduce, reduce)] {
            let columns = alpha.shape[1], d = alpha.data
            for (e, row) in rows.enumerated() where e < alpha.shape[0] {
                for (o, value) in row.enumerated() where o < columns { d[e * columns + o] += value }
            }
        }
    }

    /// One line for the log: which trials voted.
    public var summary: String {
        let shown = trialIDs.prefix(8).map { "#\($0)" }.joined(separator: ", ")
        return "alphas warm-started from the op frequencies of \(trialIDs.count) trial\(trialIDs.count == 1 ? "" : "s") (\(shown)\(trialIDs.count > 8 ? ", …" : ""))"
    }
}
