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

    /// PyTorch's default for `nn.Conv2d` and `nn.Linear` weights and biases:
    /// `kaiming_uniform_(a=√5)`, i.e. U(−1/√fanIn, 1/√fanIn) (standard deviation 1/√(3·fanIn)).
    /// With batch norm after a convolution the weights' scale sets the effective learning rate
    /// (∝ lr/‖w‖²), so this, not Kaiming normal (√6 times larger), is what trains like PyTorch.
    public static func pytorchDefault(_ shape: [Int], fanIn: Int, generator: inout SeededGenerator) -> Tensor {
        uniform(shape, bound: 1 / Float(max(fanIn, 1)).squareRoot(), generator: &generator)
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
