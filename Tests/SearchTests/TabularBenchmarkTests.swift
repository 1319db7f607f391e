import Foundation
import NAS
import XCTest
@testable import Search

final class TabularBenchmarkTests: XCTestCase {
    let archA = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
    let archB = "|skip_connect~0|+|nor_conv_1x1~0|none~1|+|avg_pool_3x3~0|nor_conv_3x3~1|none~2|"
    let archC = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"

    func write(_ text: String, name: String = "bench.csv") throws -> String {
        let url = try temporaryDirectory().appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func assertError(_ text: String, contains parts: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try write(text)
        XCTAssertThrowsError(try TabularBenchmark(contentsOfFile: path), file: file, line: line) { error in
            let message = "\(error)"
            for part in parts {
                XCTAssertTrue(message.contains(part.replacingOccurrences(of: "FILE", with: path)),
                              "'\(message)' lacks '\(part)'", file: file, line: line)
            }
        }
    }

    func testReadsTheStandardFormat() throws {
        let path = try write("""
        arch,cifar10_val_acc,cifar100_val_acc,imagenet16_val_acc,params,flops,latency_ms
        \(archA),91.5,70.1,44.2,1073466,153000000,12.5
        \(archB),85.0,,30.0,300000,40000000,
        """)
        let table = try TabularBenchmark(contentsOfFile: path)
        XCTAssertEqual(table.entries.count, 2)
        XCTAssertEqual(table.spaceName, "nb201")
        XCTAssertEqual(table.accuracyColumns, ["cifar10_val_acc", "cifar100_val_acc", "imagenet16_val_acc"])
        let a = try XCTUnwrap(table.entry(for: Genotype.parse(archA)))
        XCTAssertEqual(a.accuracies["cifar10_val_acc"]!, 0.915, accuracy: 1e-12)
        XCTAssertEqual(a.parameters, 1_073_466)
        XCTAssertEqual(a.flops, 153_000_000)
        XCTAssertEqual(a.latencyMs, 12.5)
        XCTAssertEqual(a.line, 2)
        let b = try XCTUnwrap(table.entry(for: Genotype.parse(archB)))
        XCTAssertNil(b.accuracies["cifar100_val_acc"])
        XCTAssertNil(b.latencyMs)

        let objective = try TabularObjective(benchmark: table)
        XCTAssertEqual(objective.metric, "cifar10_val_acc")
        XCTAssertEqual(try objective.evaluate(Genotype.parse(archA)).accuracy, 0.915, accuracy: 1e-12)
        XCTAssertNil(objective.lookup(try Genotype.parse(archC)))
        XCTAssertThrowsError(try objective.evaluate(Genotype.parse(archC))) { error in
            XCTAssertTrue("\(error)".contains("is not in the table \(path)"), "\(error)")
        }
        let cifar100 = try TabularObjective(benchmark: table, metric: "cifar100_val_acc")
        XCTAssertThrowsError(try cifar100.evaluate(Genotype.parse(archB))) { error in
            XCTAssertTrue("\(error)".contains("\(path):3"), "\(error)")
        }
        XCTAssertThrowsError(try TabularObjective(benchmark: table, metric: "top1")) { error in
            XCTAssertTrue("\(error)".contains("cifar10_val_acc, cifar100_val_acc"), "\(error)")
        }
        // Under a latency target of 10 ms, 12.5 ms costs (1.25)^1.5.
        let hardware = try TabularObjective(benchmark: table, hardware: HardwareAwareObjective(targetMs: 10))
        let penalised = try hardware.evaluate(Genotype.parse(archA))
        XCTAssertEqual(penalised.fitness, 0.915 / pow(1.25, 1.5), accuracy: 1e-12)
        XCTAssertEqual(penalised.accuracy, 0.915, accuracy: 1e-12)
        XCTAssertEqual(try hardware.evaluate(Genotype.parse(archB)).fitness, 0.85, accuracy: 1e-12, "no latency, no penalty")
    }

    func testAMinimalUserTableAndQuotedDartsStrings() throws {
        let darts = DartsGenotype.dartsV2.dartsString
        let quoted = "\"" + darts.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let table = try TabularBenchmark(parsing: "arch,top1_acc\r\n\(quoted),0.93\r\n\r\n", file: "mine.csv")
        XCTAssertEqual(table.spaceName, "darts")
        XCTAssertEqual(table.accuracyColumns, ["top1_acc"])
        XCTAssertEqual(table.entry(for: .darts(.dartsV2))?.accuracies["top1_acc"], 0.93, "fractions stay fractions")
        let domain = try table.domain()
        XCTAssertEqual(domain.candidates, [.darts(DartsGenotype.dartsV2.canonical)])
    }

    func testErrorsNameTheFileAndLine() throws {
        try assertError("", contains: ["FILE", "empty", "arch"])
        try assertError("name,cifar10_val_acc\n\(archA),90\n", contains: ["FILE:1", "no 'arch' column"])
        try assertError("arch,params\n\(archA),10\n", contains: ["FILE:1", "no accuracy column", "cifar10_val_acc"])
        try assertError("arch,cifar10_val_acc\n", contains: ["FILE", "no rows"])
        try assertError("arch,cifar10_val_acc\n\(archA),90\n\(archB),ninety\n", contains: ["FILE:3", "cifar10_val_acc", "'ninety'"])
        try assertError("arch,cifar10_val_acc\n\(archA),90\n\(archB),190\n", contains: ["FILE:3", "0...100"])
        try assertError("arch,cifar10_val_acc\n\(archA),90\n\n|nor_conv_3x3~0|+|bogus~0|none~1|,80\n",
                        contains: ["FILE:4", "column arch"])
        try assertError("arch,cifar10_val_acc\n\(archA),90\n\(archA),91\n", contains: ["FILE:3", "repeats line 2"])
        try assertError("arch,cifar10_val_acc,params\n\(archA),90\n", contains: ["FILE:2", "2 fields", "header has 3"])
        try assertError("arch,cifar10_val_acc,params\n\(archA),90,1.5\n", contains: ["FILE:2", "params", "whole number"])
        try assertError("arch,cifar10_val_acc,latency_ms\n\(archA),90,-3\n", contains: ["FILE:2", "latency_ms"])
        try assertError("arch,cifar10_val_acc,cifar100_val_acc\n\(archA),,\n", contains: ["FILE:2", "no accuracy"])
        try assertError("arch,cifar10_val_acc\n\(archA),90\n\"\(archB),80\n", contains: ["FILE:3", "never closed"])
        try assertError("arch,cifar10_val_acc,arch\n", contains: ["FILE:1", "appears twice"])
        try assertError("arch,cifar10_val_acc\n\(archA),90\n\"\(DartsGenotype.dartsV1.dartsString)\",80\n",
                        contains: ["FILE:3", "darts", "one space"])
        XCTAssertThrowsError(try TabularBenchmark(contentsOfFile: "/nonexistent/bench.csv")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/bench.csv"), "\(error)")
        }
    }

    func testTheSharedNB201Subset() throws {
        let table = try TabularBenchmark(contentsOfFile: shippedBenchmarkPath)
        XCTAssertEqual(table.entries.count, 724)
        XCTAssertEqual(try table.domain().candidates?.count, 724)
        for entry in table.entries {
            XCTAssertTrue(entry.accuracies.values.allSatisfy { $0 > 0 && $0 < 1 })
            XCTAssertNotNil(entry.parameters)
            XCTAssertNotNil(entry.flops)
        }
    }

    func testHardwareAwareFitness() throws {
        let objective = try HardwareAwareObjective(targetMs: 10)
        XCTAssertEqual(objective.fitness(accuracy: 0.8, latencyMs: 10), 0.8)
        XCTAssertEqual(objective.fitness(accuracy: 0.8, latencyMs: 5), 0.8)
        XCTAssertEqual(objective.fitness(accuracy: 0.8, latencyMs: 20), 0.8 / pow(2, 1.5), accuracy: 1e-12)
        XCTAssertEqual(objective.fitness(accuracy: 0.8, latencyMs: nil), 0.8)
        XCTAssertThrowsError(try HardwareAwareObjective(targetMs: 0)) { error in
            XCTAssertTrue("\(error)".contains("positive"), "\(error)")
        }
    }
}
