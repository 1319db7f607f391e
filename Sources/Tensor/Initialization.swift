import Foundation

/// Weight initialisers.
public enum Initializer {
    /// Kaiming (He) normal initialisation for ReLU networks: N(0, 2 / fanIn).
    public static func kaimingNormal(_ shape: [Int], fanIn: Int, generator: inout SeededGenerator) -> Tensor {
        let t = Tensor(uninitialized: shape)
        let std = (2 / Float(max(fanIn, 1))).squareRoot()
        for i in 0..<t.count { t.data[i] = std * generator.nextNormal() }
        t.requiresGrad = true
        return t
    }

    /// Uniform in [-bound, bound].
    public static func uniform(_ shape: [Int], bound: Float, generator: inout SeededGenerator) -> Tensor {
        let t = Tensor(uninitialized: shape)
        for i in 0..<t.count { t.data[i] = (2 * generator.nextFloat() - 1) * bound }
        t.requiresGrad = true
        return t
    }

    /// Normal with a given standard deviation (DARTS initialises alphas as 1e-3 · N(0, 1)).
    public static func normal(_ shape: [Int], std: Float, generator: inout SeededGenerator) -> Tensor {
        let t = Tensor(uninitialized: shape)
        for i in 0..<t.count { t.data[i] = std * generator.nextNormal() }
        t.requiresGrad = true
        return t
    }
}
