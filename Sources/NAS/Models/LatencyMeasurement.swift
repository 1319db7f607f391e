import Foundation
import Tensor

/// Measured forward latency of a network on this machine.
///
/// Latency here means what deployment tables mean by it: one image, evaluation mode, no
/// gradients, on `threads` thread(s) of the tensor core, the fastest of several passes. One thread
/// makes the figure repeatable (a batch of one is too small to split well) and keeps it apart
/// from how many cores the search itself uses; the fastest pass is the network's own cost, while
/// slower ones add whatever else the machine was doing (on a shared virtual machine the median
/// of the same network moves by 30 % from one second to the next, the fastest pass by 2 %).
public enum LatencyMeasurement {
    /// Threads a latency is measured (and profiled) on.
    public static let threads = 1

    /// The fastest wall time of `runs` forward passes of one image (after two warm-up passes),
    /// in evaluation mode without gradients, on `threads` thread(s), in milliseconds.
    public static func forwardMilliseconds(_ model: Module, input: [Int], runs: Int = 7) throws -> Double {
        let wasTraining = model.isTraining
        model.train(false)
        defer { model.train(wasTraining) }
        let x = Tensor(zeros: [1] + input)
        let timing = LatencyProfiler(warmup: 2, minSamples: runs, maxSamples: runs, budgetMilliseconds: 0)
        return try timing.milliseconds { _ = try model(x) }
    }

    /// Runs `body` with the tensor core set to `threads` thread(s), then restores the count.
    public static func onLatencyThreads<T>(_ body: () throws -> T) rethrows -> T {
        let previous = ThreadConfig.count
        ThreadConfig.set(threads)
        defer { ThreadConfig.set(previous) }
        return try body()
    }
}
