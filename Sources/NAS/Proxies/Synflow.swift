import Foundation
import Tensor

/// SynFlow (Tanaka et al. 2020) as zero-cost-nas computes it (`synflow`, bn=False): batch norm
/// bypassed, every parameter replaced by its absolute value, one all-ones input image,
/// R = Σ outputs, score = Σ |θ ⊙ ∂R/∂θ| over convolution and linear weights.
///
/// zero-cost-nas runs this in double precision; the tensor core is single precision, where deep
/// networks overflow (the all-ones response grows by the gain of every layer, past 10³⁸ in
/// NAS-Bench-201's networks). With non-negative weights and inputs every ReLU is the identity,
/// so a network of convolutions, pooling, identity batch norms and sums is positively
/// homogeneous in its input: scaling the input by 2⁻ᵃ and the seed gradient ∂R/∂out by 2⁻ᵇ
/// scales every θ ⊙ ∂R/∂θ by exactly 2⁻⁽ᵃ⁺ᵇ⁾. When the plain pass overflows, a probe pass
/// measures the network's gain G, the pass reruns with a = b = log₂(G)/2 (activations and
/// gradients then stay between G^-½ and G^½) and the log score is corrected by (a+b)·ln 2.
/// This is exact for darts and nb201 networks (no biases before the classifier's, which no
/// scored weight's gradient depends on); for chain networks with biases or GELU/SiLU it is an
/// approximation, used only if the plain pass overflows.
enum Synflow {
    /// The synflow score (in double precision; +infinity only beyond 1.8·10³⁰⁸).
    static func score(model: Module, inputShape: [Int]) throws -> Double {
        let value = try logScore(model: model, inputShape: inputShape)
        return value == -.infinity ? 0 : exp(value)
    }

    /// The natural logarithm of the synflow score (-infinity when the score is 0, e.g. when
    /// the output does not depend on the input).
    static func logScore(model: Module, inputShape: [Int]) throws -> Double {
        let state = ProxyModelState(model)
        defer { state.restore() }
        linearize(model)
        let weights = model.scoredWeights
        if let plain = try scaledScore(model, inputShape, weights, inputExponent: 0, seedExponent: 0) {
            return plain > 0 ? log(plain) : -.infinity
        }
        // The plain pass overflowed: measure the gain with a tiny input and rescale.
        var outputSum = Double.infinity
        var probeExponent = -100
        for exponent in [-100, -126] {
            probeExponent = exponent
            let x = Tensor(repeating: powerOfTwo(exponent), shape: [1] + inputShape)
            let out = try GradMode.withoutGrad { try model(x) }
            outputSum = sumOfElements(out)
            if outputSum.isFinite { break }
        }
        guard outputSum.isFinite else {
            throw ProxyError("synflow: the network's response to an all-ones input exceeds single precision even at an input of 2^-126; the network is too deep to score")
        }
        guard outputSum > 0 else { return -.infinity }
        let log2Gain = log2(outputSum) - Double(probeExponent)
        let half = max(0, min(125, Int((log2Gain / 2).rounded())))
        guard let scaled = try scaledScore(model, inputShape, weights, inputExponent: -half, seedExponent: -half) else {
            throw ProxyError("synflow: the network's gain (2^\(Int(log2Gain))) exceeds what single precision can rescale")
        }
        return scaled > 0 ? log(scaled) + Double(2 * half) * M_LN2 : -.infinity
    }

    /// Evaluation mode with every batch norm the identity (zero mean, variance 1 - ε, weight 1,
    /// bias 0), and every other parameter replaced by its absolute value.
    private static func linearize(_ model: Module) {
        model.train(false)
        var normParameters = Set<ObjectIdentifier>()
        for case let norm as BatchNorm in model.selfAndDescendants {
            norm.runningMean.zero()
            fill(norm.runningVar, 1 - norm.epsilon)
            if let w = norm.weight { fill(w, 1); normParameters.insert(ObjectIdentifier(w)) }
            if let b = norm.bias { b.zero(); normParameters.insert(ObjectIdentifier(b)) }
        }
        for p in model.parameters where !normParameters.contains(ObjectIdentifier(p)) {
            let d = p.data
            for i in 0..<p.count { d[i] = abs(d[i]) }
        }
    }

    /// Σ |θ ⊙ ∂R/∂θ| for an input of 2^inputExponent everywhere and R = 2^seedExponent · Σ out,
    /// or nil when a value overflowed.
    private static func scaledScore(_ model: Module, _ inputShape: [Int], _ weights: [Tensor],
                                    inputExponent: Int, seedExponent: Int) throws -> Double? {
        for p in model.parameters { p.grad = nil }
        let x = Tensor(repeating: powerOfTwo(inputExponent), shape: [1] + inputShape)
        let out = try model(x)
        guard sumOfElements(out).isFinite else { return nil }
        guard out.requiresGrad else { return 0 }
        try out.scaled(by: powerOfTwo(seedExponent)).sum().backward()
        var total = 0.0
        for weight in weights {
            guard let grad = weight.grad else { continue }
            let w = weight.data, g = grad.data
            for i in 0..<weight.count {
                let v = Double(w[i]) * Double(g[i])
                guard v.isFinite else { return nil }
                total += abs(v)
            }
        }
        return total.isFinite ? total : nil
    }

    private static func powerOfTwo(_ exponent: Int) -> Float { Float(sign: .plus, exponent: exponent, significand: 1) }

    private static func fill(_ t: Tensor, _ value: Float) { t.data.update(repeating: value, count: t.count) }

    private static func sumOfElements(_ t: Tensor) -> Double {
        var total = 0.0
        for i in 0..<t.count { total += Double(t.data[i]) }
        return total
    }
}
