import Foundation
import Tensor

/// Measured forward latency of a network on this machine.
public enum LatencyMeasurement {
    /// The median wall time of `runs` forward passes of one image (after two warm-up passes),
    /// in evaluation mode without gradients, in milliseconds.
    public static func forwardMilliseconds(_ model: Module, input: [Int], runs: Int = 7) throws -> Double {
        let wasTraining = model.isTraining
        model.train(false)
        defer { model.train(wasTraining) }
        let x = Tensor(zeros: [1] + input)
        return try GradMode.withoutGrad {
            try Workloads.medianMilliseconds(warmup: 2, steps: runs) { _ = try model(x) }
        }
    }
}
