import Foundation
import Tensor

/// How operations are timed: `warmup` untimed calls, then single calls timed until both
/// `minSamples` calls and `budgetMilliseconds` have passed (at most `maxSamples`); the fastest
/// call (as `LatencyMeasurement` measures networks).
/// `profile()` times the whole table `rounds` times, one round after the other, and keeps each
/// operation's fastest call, so a burst of other work on the machine during one round
/// does not stay in the table.
public struct LatencyProfiler: Sendable {
    public var warmup: Int
    public var minSamples: Int
    public var maxSamples: Int
    /// Time spent timing one operation (after warm-up), at least.
    public var budgetMilliseconds: Double
    /// Rounds over the whole table in `profile()`.
    public var rounds: Int
    /// Networks whose measured latency fixes the overhead (seeded samples of the space).
    public var calibrationNetworks: Int
    /// Timed forward passes of each calibration network.
    public var calibrationRuns: Int

    public init(warmup: Int = 3, minSamples: Int = 9, maxSamples: Int = 500, budgetMilliseconds: Double = 8,
                rounds: Int = 3, calibrationNetworks: Int = 5, calibrationRuns: Int = 15) {
        self.warmup = warmup
        self.minSamples = minSamples
        self.maxSamples = maxSamples
        self.budgetMilliseconds = budgetMilliseconds
        self.rounds = rounds
        self.calibrationNetworks = calibrationNetworks
        self.calibrationRuns = calibrationRuns
    }

    /// A quick profiler for tests: few samples, a millisecond per operation.
    public static let quick = LatencyProfiler(warmup: 1, minSamples: 3, maxSamples: 20, budgetMilliseconds: 1,
                                              rounds: 1, calibrationNetworks: 1, calibrationRuns: 3)

    /// The fastest call of `run`, in milliseconds, without gradients, on
    /// `LatencyMeasurement.threads` thread(s).
    public func milliseconds(_ run: () throws -> Void) throws -> Double {
        try LatencyMeasurement.onLatencyThreads { try GradMode.withoutGrad {
            for _ in 0..<warmup { try run() }
            var fastest = Double.infinity, samples = 0
            let start = DispatchTime.now().uptimeNanoseconds
            while samples < max(1, maxSamples) {
                let t0 = DispatchTime.now().uptimeNanoseconds
                try run()
                let t1 = DispatchTime.now().uptimeNanoseconds
                fastest = min(fastest, Double(t1 - t0) / 1e6)
                samples += 1
                if samples >= minSamples && Double(t1 - start) / 1e6 >= budgetMilliseconds { break }
            }
            return fastest
        } }
    }

    /// Times one table item on fresh random weights and input.
    func milliseconds(of item: LatencyItem, seed: UInt64 = 0) throws -> Double {
        var generator = SeededGenerator(seed: seed)
        let run = try item.makeRunner(generator: &generator)
        return try milliseconds(run)
    }
}
