import Foundation

/// Rank correlations between a proxy's scores and accuracies, as NAS papers report them.
public enum RankCorrelation {
    /// Spearman's ρ: the Pearson correlation of the ranks (ties get their average rank, as
    /// scipy.stats.spearmanr). NaN scores rank lowest, with -infinity. Nil for fewer than two
    /// pairs, different lengths, or a constant sequence.
    public static func spearman(_ a: [Double], _ b: [Double]) -> Double? {
        guard a.count == b.count, a.count >= 2 else { return nil }
        return pearson(ranks(a), ranks(b))
    }

    /// Kendall's τ-b (tie-corrected), O(n²).
    public static func kendall(_ a: [Double], _ b: [Double]) -> Double? {
        guard a.count == b.count, a.count >= 2 else { return nil }
        let x = a.map(orderable), y = b.map(orderable)
        var concordant = 0.0, discordant = 0.0, tiesX = 0.0, tiesY = 0.0
        for i in 0..<x.count {
            for j in (i + 1)..<x.count {
                let dx = x[i] == x[j] ? 0 : (x[i] < x[j] ? -1 : 1), dy = y[i] == y[j] ? 0 : (y[i] < y[j] ? -1 : 1)
                if dx == 0 && dy == 0 { continue }
                if dx == 0 { tiesX += 1; continue }
                if dy == 0 { tiesY += 1; continue }
                if dx == dy { concordant += 1 } else { discordant += 1 }
            }
        }
        let denominator = ((concordant + discordant + tiesX) * (concordant + discordant + tiesY)).squareRoot()
        return denominator > 0 ? (concordant - discordant) / denominator : nil
    }

    /// Ranks 1...n, ties averaged.
    public static func ranks(_ values: [Double]) -> [Double] {
        let keyed = values.map(orderable)
        let order = keyed.indices.sorted { keyed[$0] < keyed[$1] }
        var result = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && keyed[order[end + 1]] == keyed[order[start]] { end += 1 }
            let average = Double(start + end) / 2 + 1
            for k in start...end { result[order[k]] = average }
            start = end + 1
        }
        return result
    }

    /// The Pearson correlation, nil when either sequence is constant.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        guard x.count == y.count, x.count >= 2 else { return nil }
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    private static func orderable(_ v: Double) -> Double { v.isNaN ? -.infinity : v }
}
