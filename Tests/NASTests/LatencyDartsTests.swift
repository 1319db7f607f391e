import Foundation
import XCTest
@testable import NAS
import Tensor

/// The figure: predicted against measured forward latency of 50 random darts networks
/// (C=16, L=5, 1x28x28, batch 1). Timing-sensitive and a minute long, so gated:
///
///     NAS_TUI_LATENCY_BENCH=1 swift test -c release --scratch-path .build-proxy --filter DartsLatencyTests
///
/// Run it on an otherwise idle machine: other work on the cores skews both sides.
///
/// Each network is measured with `LatencyMeasurement.forwardMilliseconds` (median of 7 passes)
/// in three rounds over all 50 networks; the asserted figure keeps each network's smallest
/// median (what the machine does when nothing else runs, which the table also records), and
/// the first round alone is printed too.
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
        print(String(format: "profiled %d operations of darts C=16 L=5 at 1x28x28 in %.2f s (latency on %d thread), overhead %.3f ms",
                     model.table.entries.count, profileSeconds, LatencyMeasurement.threads, model.table.overheadMilliseconds))

        let count = 50, rounds = 3
        var sampler = SeededGenerator(seed: 2024)
        var cases: [(predicted: Double, network: Module)] = []
        for _ in 0..<count {
            let genotype = space.sample(using: &sampler)
            var generator = SeededGenerator(seed: 0)
            cases.append((try model.predict(genotype), try space.build(genotype, inputShape: input, classes: 10, generator: &generator)))
        }
        var measured = [[Double]](repeating: [], count: count)
        for _ in 0..<rounds {
            for (i, c) in cases.enumerated() { measured[i].append(try LatencyMeasurement.forwardMilliseconds(c.network, input: input)) }
        }
        func figure(_ label: String, _ truth: [Double]) -> Double {
            let ratios = zip(cases, truth).map { $0.0.predicted / $0.1 }
            let within = ratios.filter { abs($0 - 1) <= 0.10 }.count
            let sorted = ratios.sorted()
            print(label + String(format: ": within ±10%%: %d/%d (%.0f%%); predicted/measured median %.3f, min %.3f, max %.3f",
                         within, count, 100 * Double(within) / Double(count), sorted[count / 2], sorted.first!, sorted.last!))
            return Double(within) / Double(count)
        }
        for (i, c) in cases.enumerated() {
            let best = measured[i].min()!
            let all = measured[i].map { String(format: "%.3f", $0) }.joined(separator: " ")
            print(String(format: "  %2d measured %7.3f ms", i, best) + " (rounds \(all))"
                  + String(format: "  predicted %7.3f ms  error %+6.1f%%", c.predicted, 100 * (c.predicted / best - 1)))
        }
        // How far the machine agrees with itself: round 1 against the last round.
        let repeatable = measured.filter { abs($0[0] / $0[rounds - 1] - 1) <= 0.10 }.count
        print("measurement repeatability: round 1 within ±10% of round \(rounds) for \(repeatable)/\(count) networks")
        _ = figure("first round", measured.map { $0[0] })
        let share = figure("best of \(rounds) rounds", measured.map { $0.min()! })
        XCTAssertGreaterThanOrEqual(share, 0.90)
        XCTAssertLessThan(profileSeconds, 20, "profiling the darts table should take a few seconds")
    }
}
