import Foundation

/// Hyperband's brackets (Li et al., "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
/// Optimization", 2018) over any ladder of fidelities: epochs of training, or a table's cheap and
/// full columns.
///
/// With levels r₀ < r₁ < … < r_smax (the last is the full resource R) and reduction factor η,
/// bracket s (s = smax … 0) starts n_s = ⌈(smax+1)/(s+1) · η^s⌉ configurations at level
/// r_(smax−s); its rung i (0 … s) evaluates ⌊n_s · η^−i⌋ of them at level r_(smax−s+i), the
/// best 1/η of each rung going on to the next. Bracket 0 is plain random search at R. With
/// geometric levels (`geometric`) this is the paper's schedule exactly.
public struct HyperbandSchedule: Equatable, Sendable {
    /// One rung of a bracket: how many configurations are evaluated at which level.
    public struct Rung: Equatable, Sendable {
        public var level: Int
        public var configurations: Int
    }

    /// One successive-halving bracket.
    public struct Bracket: Equatable, Sendable {
        /// s: the number of halvings (rungs − 1).
        public var s: Int
        public var rungs: [Rung]
    }

    /// The fidelity levels, ascending; the last is the full resource.
    public let levels: [Int]
    /// η: each rung keeps the best 1/η.
    public let eta: Int

    /// Throws unless `levels` is a non-empty strictly ascending list of positive resources and η ≥ 2.
    public init(levels: [Int], eta: Int) throws {
        guard !levels.isEmpty, levels.allSatisfy({ $0 >= 1 }), zip(levels, levels.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw SearchError("hyperband levels \(levels); accepted: ascending positive resources (e.g. epochs 1, 3, 9)")
        }
        guard eta >= 2 else { throw SearchError("hyperband eta \(eta); accepted: 2 or more (each rung keeps the best 1/eta)") }
        self.levels = levels
        self.eta = eta
    }

    /// The paper's levels R·η^−k down to `minResource` (rounded, duplicates dropped): for R = 27
    /// and η = 3, epochs 1, 3, 9, 27.
    public static func geometric(maxResource: Int, minResource: Int = 1, eta: Int) throws -> HyperbandSchedule {
        guard maxResource >= 1, minResource >= 1, minResource <= maxResource else {
            throw SearchError("hyperband resources \(minResource)...\(maxResource); accepted: 1 ≤ min ≤ max")
        }
        guard eta >= 2 else { throw SearchError("hyperband eta \(eta); accepted: 2 or more (each rung keeps the best 1/eta)") }
        var levels: [Int] = []
        var r = Double(maxResource)
        while r.rounded() >= Double(minResource) {
            let level = Int(r.rounded())
            if levels.last != level { levels.append(level) }
            r /= Double(eta)
        }
        return try HyperbandSchedule(levels: levels.reversed(), eta: eta)
    }

    /// smax: halvings in the most aggressive bracket.
    public var maxS: Int { levels.count - 1 }

    /// Bracket s (0 … smax).
    public func bracket(_ s: Int) -> Bracket {
        precondition((0...maxS).contains(s), "bracket \(s) outside 0...\(maxS)")
        var power = 1
        for _ in 0..<s { power *= eta }
        let n = ((maxS + 1) * power + s) / (s + 1)  // ⌈(smax+1)·η^s / (s+1)⌉ in whole numbers
        var rungs: [Rung] = []
        var count = n
        for i in 0...s {
            rungs.append(Rung(level: levels[maxS - s + i], configurations: max(1, count)))
            count /= eta
        }
        return Bracket(s: s, rungs: rungs)
    }

    /// The brackets of one Hyperband iteration, most aggressive first (s = smax … 0).
    public var brackets: [Bracket] { (0...maxS).reversed().map(bracket) }
}
