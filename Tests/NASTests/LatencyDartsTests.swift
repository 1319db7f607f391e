import Foundation
import XCTest
@testable import NAS
import Tensor

/// The figure: predicted against measured forward latency of 50 random darts networks
/// (C=16, L=5, 1x28x28, batch 1). Timing-sensitive and a few minutes long, so gated:
///
///     NAS_TUI_LATENCY_BENCH=1 swift test -c release --scratch-path .build-proxy --filter DartsLatencyTests
///
/// Run it on an otherwise idle machine: other processes on the cores skew both sides.
final class DartsLatencyTests: XCTestCase {
    func testPredictedLatencyWithinTenPercentOfMeasured() throws {
        guard ProcessInfo.processInfo.environment["NAS_TUI_LATENCY_BENCH"] == "1" else {
            throw XCTSkip("set NAS_TUI_LATENCY_BENCH=1 to run the latency figure")
        }
        let space = SearchSpace.darts(channels: 16, layers: 5)
        let input = [1, 28, 28]
        let model = LatencyModel(space: space, inputShape: input, classes: 10)
        let start = Date()
        try model.profile()
        let profileSeconds = Date().timeIntervalSince(start)
        print(String(format: "profiled %d operations of darts C=16 L=5 at 1x28x28 in %.2f s (%d threads), overhead %.3f ms",
                     model.table.entries.count, profileSeconds, ThreadConfig.count, model.table.overheadMilliseconds))

        var sampler = SeededGenerator(seed: 2024)
        var within = 0
        var ratios: [Double] = []
        let count = 50
        for index in 0..<count {
            let genotype = space.sample(using: &sampler)
            var generator = SeededGenerator(seed: 0)
            let network = try space.build(genotype, inputShape: input, classes: 10, generator: &generator)
            let measured = try LatencyMeasurement.forwardMilliseconds(network, input: input)
            let predicted = try model.predict(genotype)
            let ratio = predicted / measured
            ratios.append(ratio)
            if abs(ratio - 1) <= 0.10 { within += 1 }
            print(String(format: "  %2d measured %7.3f ms  predicted %7.3f ms  error %+6.1f%%", index, measured, predicted, 100 * (ratio - 1)))
        }
        ratios.sort()
        let share = Double(within) / Double(count)
        print(String(format: "within ±10%%: %d/%d (%.0f%%); predicted/measured median %.3f, min %.3f, max %.3f",
                     within, count, 100 * share, ratios[count / 2], ratios.first!, ratios.last!))
        XCTAssertGreaterThanOrEqual(share, 0.90)
        XCTAssertLessThan(profileSeconds, 20, "profiling the darts table should take a few seconds")
    }
}
