import Foundation
import XCTest
@testable import NAS
import Tensor

/// Zero-cost proxies against the CIFAR-10 accuracies of the shipped NAS-Bench-201 subset
/// (NB201 network C=16, N=5 at 3x32x32, weights seeded 0, as `nas-tui score` builds them).
///
/// The full figure over all 724 architectures is slow; it runs with NAS_TUI_PROXY_BENCH=1:
///
///     NAS_TUI_PROXY_BENCH=1 swift test -c release --scratch-path .build-proxy --filter NB201ProxyTests
///
/// (NAS_TUI_PROXY_BENCH_PROXIES=synflow,naswot limits the proxies; NAS_TUI_PROXY_BENCH_LIMIT=N the rows.)
final class NB201ProxyTests: XCTestCase {
    struct Row { let arch: NB201Architecture; let accuracy: Double }

    static func benchmarkRows() throws -> [Row] {
        let path = NB201NetworkTests.benchmarkFile.path
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        return try lines.map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return Row(arch: try NB201Architecture(nb201String: String(fields[0])), accuracy: Double(fields[1])!)
        }
    }

    static func network(_ arch: NB201Architecture) -> NB201Network {
        var generator = SeededGenerator(seed: 0)
        return NB201Network(architecture: arch, channels: 16, cellsPerStage: 5, classes: 10, inputChannels: 3, generator: &generator)
    }

    /// Always on: synflow over 20 rows spread across the file ranks them as their accuracy does.
    func testSynflowRanksTwentyBenchmarkArchitectures() throws {
        let rows = try Self.benchmarkRows()
        let picked = stride(from: 0, to: rows.count, by: rows.count / 20).prefix(20).map { rows[$0] }
        var scores: [Double] = []
        for row in picked {
            scores.append(try ZeroCostProxy.logSynflow(model: Self.network(row.arch), inputShape: [3, 32, 32]))
        }
        let rho = try XCTUnwrap(RankCorrelation.spearman(scores, picked.map(\.accuracy)))
        print("synflow Spearman over \(picked.count) NB201 architectures: \(String(format: "%.3f", rho))")
        XCTAssertGreaterThan(rho, 0.5)
    }

    /// The figure: Spearman's ρ of each proxy with CIFAR-10 validation accuracy over the 724
    /// architectures. snip, grad_norm and naswot run on one batch of 64 synthetic 3x32x32 images
    /// (seed 0; there are no CIFAR-10 images here).
    func testProxyRankCorrelationOverTheBenchmark() throws {
        let environment = ProcessInfo.processInfo.environment
        guard environment["NAS_TUI_PROXY_BENCH"] == "1" else { throw XCTSkip("set NAS_TUI_PROXY_BENCH=1 to run the 724-architecture figure") }
        var rows = try Self.benchmarkRows()
        if let limit = environment["NAS_TUI_PROXY_BENCH_LIMIT"].flatMap(Int.init) { rows = Array(rows.prefix(limit)) }
        let proxies = try environment["NAS_TUI_PROXY_BENCH_PROXIES"].map { list in
            try list.split(separator: ",").map { try ZeroCostProxy(name: String($0)) }
        } ?? ZeroCostProxy.allCases
        let batch = try ProxyBatch.synthetic(shape: [3, 32, 32], classes: 10, count: 64, seed: 0)
        var scores: [ZeroCostProxy: [Double]] = [:]
        var seconds: [ZeroCostProxy: Double] = [:]
        let started = Date()
        for (index, row) in rows.enumerated() {
            let model = Self.network(row.arch)
            for proxy in proxies {
                let start = Date()
                let value = proxy == .synflow
                    ? try ZeroCostProxy.logSynflow(model: model, inputShape: [3, 32, 32])
                    : try proxy.score(model: model, inputShape: [3, 32, 32], batch: batch)
                seconds[proxy, default: 0] += Date().timeIntervalSince(start)
                scores[proxy, default: []].append(value)
            }
            if (index + 1) % 100 == 0 {
                print("  \(index + 1)/\(rows.count) architectures, \(Int(Date().timeIntervalSince(started))) s")
            }
        }
        let accuracies = rows.map(\.accuracy)
        print("Spearman rank correlation with CIFAR-10 validation accuracy, \(rows.count) NB201 architectures (C=16, N=5, 3x32x32):")
        for proxy in proxies {
            let rho = RankCorrelation.spearman(scores[proxy]!, accuracies) ?? .nan
            let tau = RankCorrelation.kendall(scores[proxy]!, accuracies) ?? .nan
            let data = proxy == .synflow ? "all-ones input" : "64 synthetic images"
            let name = proxy.name.padding(toLength: 9, withPad: " ", startingAt: 0)
            print("  \(name) " + String(format: "rho = %.3f  tau = %.3f  ", rho, tau)
                  + "(\(data), " + String(format: "%.1f ms/arch)", 1000 * seconds[proxy]! / Double(rows.count)))
        }
        if let synflow = scores[.synflow], rows.count == 724 {
            XCTAssertGreaterThanOrEqual(RankCorrelation.spearman(synflow, accuracies) ?? 0, 0.70)
        }
    }
}
