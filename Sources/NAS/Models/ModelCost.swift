import Tensor

/// The size of a network: trainable parameters and the multiply-adds of one forward pass on one
/// input (convolutions and linear layers with their biases, as NAS-Bench-201 counts FLOPs).
/// A training-only auxiliary head counts in neither (DARTS's parameter count leaves it out too).
public struct ModelCost: Hashable, Codable, Sendable {
    public let parameters: Int
    public let flops: Int

    /// Counts `model` on one input of shape `input` ([C, H, W]) in evaluation mode; the model's
    /// mode and running statistics are left as they were.
    public static func measure(_ model: Module, input: [Int]) throws -> ModelCost {
        let wasTraining = model.isTraining
        model.train(false)
        defer { model.train(wasTraining) }
        let x = Tensor(zeros: [1] + input)
        let (_, flops) = try MultiplyAddCounter.counting { try GradMode.withoutGrad { try model(x) } }
        return ModelCost(parameters: model.inferenceParameterCount, flops: flops)
    }
}
