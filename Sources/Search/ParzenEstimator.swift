import Foundation
import Tensor

/// The pieces of Optuna's univariate TPE (optuna/samplers/_tpe/parzen_estimator.py, with its
/// defaults: prior weight 1, magic clip on, endpoints off): the gamma split, the observation
/// weights, and categorical and truncated-Gaussian Parzen estimators.
enum TPEMath {
    /// Optuna's default gamma: how many trials form the good side, min(ceil(0.1 n), 25).
    static func gamma(_ n: Int) -> Int { min((n + 9) / 10, 25) }

    /// Optuna's default weights for `count` observations in trial order, at `position`: 1 for
    /// fewer than 25; otherwise a ramp from 1/count up to 1 for the oldest count-25, then 1.
    static func weight(position: Int, count: Int) -> Double {
        let rampCount = count - 25
        guard count >= 25, position < rampCount else { return 1 }
        let start = 1.0 / Double(count)
        if rampCount == 1 { return start }
        return start + (1 - start) * Double(position) / Double(rampCount - 1)
    }

    /// Standard normal CDF.
    static func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// P(a < Z < b) for a standard normal Z, accurate in both tails.
    static func mass(_ a: Double, _ b: Double) -> Double {
        a > 0 ? cdf(-a) - cdf(-b) : cdf(b) - cdf(a)
    }

    /// Standard normal quantile (Acklam's approximation refined by one Halley step).
    static func quantile(_ p: Double) -> Double {
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                 -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                 -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        var x: Double
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - 0.02425 {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = cdf(x) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        return x - u / (1 + x * u / 2)
    }

    /// A draw of a standard normal truncated to [a, b] (inverse-CDF sampling).
    static func truncatedNormal(_ a: Double, _ b: Double, using generator: inout SeededGenerator) -> Double {
        if a > 0 { return -truncatedNormal(-b, -a, using: &generator) }
        let pa = cdf(a), pb = cdf(b)
        let z = quantile(pa + generator.nextDouble() * (pb - pa))
        return min(max(z, a), b)
    }

    /// log(sum(exp(terms))) without overflow; -inf for no terms.
    static func logSumExp(_ terms: [Double]) -> Double {
        guard let top = terms.max(), top > -.infinity else { return -.infinity }
        var sum = 0.0
        for t in terms { sum += exp(t - top) }
        return top + log(sum)
    }
}

/// A categorical Parzen estimator: one kernel per observation (its own choice plus prior
/// weight / kernels spread over all choices) and a uniform prior kernel, mixed by weights.
struct CategoricalParzen {
    /// log of the mixture's probability of each choice.
    let logProbability: [Double]
    private let cumulative: [Double]

    /// From per-choice sums of observation weights (`counts`), their total, the number of
    /// observations, and the prior weight.
    init(counts: [Double], totalWeight: Double, observations: Int, priorWeight: Double) {
        let choices = Double(counts.count)
        var probability = [Double](repeating: 1 / choices, count: counts.count)
        if observations > 0 {
            let spread = priorWeight / Double(observations + 1)
            let rowNorm = 1 + choices * spread
            let mixNorm = totalWeight + priorWeight
            for c in counts.indices {
                probability[c] = ((totalWeight * spread + counts[c]) / rowNorm + priorWeight / choices) / mixNorm
            }
        }
        logProbability = probability.map { log($0) }
        var running = 0.0
        cumulative = probability.map { running += $0; return running }
    }

    /// A choice drawn from the mixture.
    func sample(using generator: inout SeededGenerator) -> Int {
        let u = generator.nextDouble() * cumulative[cumulative.count - 1]
        return cumulative.firstIndex { u < $0 } ?? cumulative.count - 1
    }
}

/// A Parzen estimator over a numeric range (already on log scale for log parameters): a
/// truncated Gaussian per observation with Optuna's neighbour-gap bandwidth (clipped to
/// [range / min(100, 1 + kernels), range]) plus a prior kernel centred on the range with the
/// range as bandwidth. With `step`, values live on the grid low, low + step, ... and each
/// kernel's mass is integrated over a cell of the grid.
struct NumericParzen {
    let low: Double, high: Double, step: Double?
    private let mus: [Double], sigmas: [Double], logWeights: [Double]
    private let cumulative: [Double]
    /// Per kernel: log(sigma) + log(mass inside the truncation range) (log of the mass alone with a step).
    private let logNormalizers: [Double]

    init(observations: [Double], weights: [Double], low: Double, high: Double, step: Double?, priorWeight: Double) {
        self.low = low
        self.high = high
        self.step = step
        let half = (step ?? 0) / 2
        let width = high - low + (step ?? 0)
        let priorMu = 0.5 * (low + high)
        var mus = observations, sigmas: [Double] = [], kernelWeights = weights
        if !observations.isEmpty {
            var withPrior = observations
            withPrior.append(priorMu)
            let order = withPrior.indices.sorted { withPrior[$0] < withPrior[$1] }
            var points = [low - half]
            points += order.map { withPrior[$0] }
            points.append(high + half)
            var sortedSigmas: [Double] = []
            for i in 1..<(points.count - 1) {
                let left: Double = points[i] - points[i - 1]
                let right: Double = points[i + 1] - points[i]
                sortedSigmas.append(max(left, right))
            }
            if points.count >= 4 {
                sortedSigmas[0] = points[2] - points[1]
                sortedSigmas[sortedSigmas.count - 1] = points[points.count - 2] - points[points.count - 3]
            }
            var unsorted = [Double](repeating: 0, count: withPrior.count)
            for (rank, index) in order.enumerated() { unsorted[index] = sortedSigmas[rank] }
            let minSigma = width / min(100, Double(1 + observations.count + 1))
            sigmas = unsorted.prefix(observations.count).map { min(max($0, minSigma), width) }
        } else {
            kernelWeights = []
        }
        mus.append(priorMu)
        sigmas.append(width)
        kernelWeights.append(observations.isEmpty ? 1 : priorWeight)
        let total = kernelWeights.reduce(0, +)
        self.mus = mus
        self.sigmas = sigmas
        self.logWeights = kernelWeights.map { log($0 / total) }
        var running = 0.0
        self.cumulative = kernelWeights.map { running += $0 / total; return running }
        self.logNormalizers = zip(mus, sigmas).map { mu, sigma in
            let mass = log(TPEMath.mass((low - half - mu) / sigma, (high + half - mu) / sigma))
            return step == nil ? log(sigma) + mass : mass
        }
    }

    /// A value drawn from the mixture (on the grid when there is a step).
    func sample(using generator: inout SeededGenerator) -> Double {
        let u = generator.nextDouble()
        let k = cumulative.firstIndex { u < $0 } ?? cumulative.count - 1
        let half = (step ?? 0) / 2
        let z = TPEMath.truncatedNormal((low - half - mus[k]) / sigmas[k], (high + half - mus[k]) / sigmas[k],
                                        using: &generator)
        let x = mus[k] + sigmas[k] * z
        guard let step else { return min(max(x, low), high) }
        return min(max(low + ((x - low) / step).rounded() * step, low), high)
    }

    /// log density of the mixture at `x` (log probability of the grid cell with a step).
    func logDensity(_ x: Double) -> Double {
        var terms = [Double](repeating: 0, count: mus.count)
        for k in mus.indices {
            if let step {
                let lo = (x - step / 2 - mus[k]) / sigmas[k], hi = (x + step / 2 - mus[k]) / sigmas[k]
                terms[k] = logWeights[k] + log(TPEMath.mass(lo, hi)) - logNormalizers[k]
            } else {
                let z = (x - mus[k]) / sigmas[k]
                terms[k] = logWeights[k] - 0.5 * z * z - 0.5 * log(2 * Double.pi) - logNormalizers[k]
            }
        }
        return TPEMath.logSumExp(terms)
    }
}
