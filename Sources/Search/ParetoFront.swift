import NAS

/// The non-dominated sort of complete trials on latency (lower is better) against accuracy
/// (higher is better): the Pareto pane's front and every trial's rank.
///
/// A trial dominates another when it is no slower and no less accurate, and strictly better in
/// one of the two. Equal points do not dominate each other and share a rank. A trial without
/// a latency counts as infinitely slow (it is on the first front only if nothing is at least
/// as accurate); accuracy falls back to fitness when missing, and trials with neither are left
/// out.
public struct ParetoFront: Equatable, Sendable {
    /// One trial placed on the plane.
    public struct Point: Equatable, Sendable {
        public var trialID: Int
        public var latencyMs: Double?
        public var accuracy: Double
        /// 0 for the first (non-dominated) front, 1 for the next, ...
        public var rank: Int

        public init(trialID: Int, latencyMs: Double?, accuracy: Double, rank: Int = 0) {
            self.trialID = trialID
            self.latencyMs = latencyMs
            self.accuracy = accuracy
            self.rank = rank
        }
    }

    /// Every placed trial, sorted by latency (missing last), then accuracy (highest first),
    /// then id.
    public let points: [Point]

    /// Sorts the complete trials of `trials`.
    public init(trials: [Trial]) {
        var placed: [Point] = trials.compactMap { trial in
            guard trial.status == .complete, let accuracy = trial.accuracy ?? trial.fitness, accuracy.isFinite else { return nil }
            let latency = trial.latencyMs.flatMap { $0.isFinite ? $0 : nil }
            return Point(trialID: trial.id, latencyMs: latency, accuracy: accuracy, rank: 0)
        }
        func key(_ p: Point) -> Double { p.latencyMs ?? .infinity }
        placed.sort { (key($0), -$0.accuracy, $0.trialID) < (key($1), -$1.accuracy, $1.trialID) }
        // Sweep in latency order: every earlier point is no slower. Per front keep its best
        // accuracy and the lowest latency reaching it; a front dominates a point when that
        // accuracy is higher, or equal at a strictly lower latency.
        var fronts: [(accuracy: Double, latency: Double)] = []
        for i in placed.indices {
            let p = placed[i]
            var rank = 0
            while rank < fronts.count {
                let f = fronts[rank]
                if f.accuracy > p.accuracy || (f.accuracy == p.accuracy && f.latency < key(p)) { rank += 1 } else { break }
            }
            if rank == fronts.count {
                fronts.append((p.accuracy, key(p)))
            } else if p.accuracy > fronts[rank].accuracy {
                fronts[rank] = (p.accuracy, key(p))
            }
            placed[i].rank = rank
        }
        points = placed
    }

    /// The first front, fastest first.
    public var front: [Point] { points.filter { $0.rank == 0 } }

    /// The fronts in rank order, each fastest first.
    public var fronts: [[Point]] {
        var out: [[Point]] = []
        for p in points {
            while out.count <= p.rank { out.append([]) }
            out[p.rank].append(p)
        }
        return out
    }

    /// The rank of trial `id`, or nil when it was not placed.
    public func rank(ofTrial id: Int) -> Int? {
        points.first { $0.trialID == id }?.rank
    }

    /// Whether `a` dominates `b` (a missing latency counts as infinitely slow).
    public static func dominates(_ a: Point, _ b: Point) -> Bool {
        let la = a.latencyMs ?? .infinity, lb = b.latencyMs ?? .infinity
        return la <= lb && a.accuracy >= b.accuracy && (la < lb || a.accuracy > b.accuracy)
    }
}
