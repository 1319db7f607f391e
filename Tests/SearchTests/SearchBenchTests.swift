import Foundation
import NAS
import Tensor
import XCTest
@testable import Search

/// Figures for the search layer, run on demand:
///
///     NAS_TUI_SEARCH_BENCH=1 swift test -c release --scratch-path .build-search --filter SearchBenchTests
///
/// Prints the mean best CIFAR-10 validation accuracy of random search, evolution and TPE on the
/// shipped NB201 subset (restricted to its 724 architectures, budget 40, 10 seeds), and the time
/// TPE spends proposing and learning over 1,000 trials.
final class SearchBenchTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["NAS_TUI_SEARCH_BENCH"] == "1",
                          "set NAS_TUI_SEARCH_BENCH=1 to print the search figures")
    }

    func testTabularSearchFigures() throws {
        let table = try TabularBenchmark(contentsOfFile: shippedBenchmarkPath)
        let objective = try TabularObjective(benchmark: table)
        let domain = try table.domain()
        let oracle = table.entries.compactMap { $0.accuracies["cifar10_val_acc"] }.max()!
        let configs: [(String, () throws -> SampleStrategy)] = [
            ("random", { RandomSearch(domain: domain) }),
            ("evolution P=10 S=3", { try RegularizedEvolution(domain: domain, populationSize: 10, sampleSize: 3) }),
            ("evolution P=10 S=3 crossover", { try RegularizedEvolution(domain: domain, populationSize: 10, sampleSize: 3, crossover: true) }),
            ("evolution P=20 S=5", { try RegularizedEvolution(domain: domain) }),
            ("tpe startup=10", { try TPESampler(domain: domain) }),
            ("tpe startup=5", { try TPESampler(domain: domain, settings: .init(startupTrials: 5)) }),
        ]
        print("tabular search: \(table.entries.count) archs, budget 40, seeds 1...10, best in table \(percent(oracle))")
        var means: [String: Double] = [:]
        for (label, make) in configs {
            var bests: [Double] = []
            for seed in UInt64(1)...10 {
                let trials = try runSearch(try make(), budget: 40, seed: seed) { objective.lookup($0)?.fitness }
                bests.append(bestFitness(trials))
            }
            let mean = bests.reduce(0, +) / Double(bests.count)
            means[label] = mean
            print("  \(label.padding(toLength: 30, withPad: " ", startingAt: 0)) mean best \(percent(mean))  "
                + "(min \(percent(bests.min()!)), max \(percent(bests.max()!)), hit optimum \(bests.filter { $0 == oracle }.count)/10)")
        }
        XCTAssertGreaterThanOrEqual(means["evolution P=10 S=3"]!, means["random"]!)
        XCTAssertGreaterThanOrEqual(means["tpe startup=10"]!, means["random"]!)
    }

    func testTPESamplerTime() throws {
        let table = try TabularBenchmark(contentsOfFile: shippedBenchmarkPath)
        let objective = try TabularObjective(benchmark: table)
        let cases: [(String, SearchDomain, (Genotype) -> Double?)] = [
            ("tabular nb201 subset (724 candidates)", try table.domain(), { objective.lookup($0)?.fitness }),
            ("whole nb201 space, toy objective", SearchDomain(space: .nb201(channels: 16, cellsPerStage: 5)), conv3x3Share),
            ("whole darts space, toy objective", SearchDomain(space: .darts(channels: 16, layers: 5)), sepConvShare),
        ]
        for (label, domain, score) in cases {
            let tpe = try TPESampler(domain: domain)
            var generator = SeededGenerator(seed: 1)
            var seconds = 0.0
            var best = 0.0
            for id in 0..<1000 {
                let start = DispatchTime.now().uptimeNanoseconds
                let genotype = try tpe.ask(using: &generator)
                seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                var trial = Trial(id: id, genotype: genotype, strategy: "tpe")
                if let value = score(genotype) { trial.complete(with: Evaluation(accuracy: value)) } else { trial.status = .failed }
                let tellStart = DispatchTime.now().uptimeNanoseconds
                tpe.tell(trial)
                seconds += Double(DispatchTime.now().uptimeNanoseconds - tellStart) / 1e9
                best = max(best, trial.rankingFitness ?? 0)
            }
            print("TPE sampler time, 1,000 trials, \(label): \(String(format: "%.3f", seconds)) s (best \(percent(best)))")
        }
    }

    private func percent(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }
}
