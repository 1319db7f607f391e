import Foundation
import XCTest
@testable import NAS
import Tensor

/// The NAS-Bench-201 builder and counter against the 724 rows of the shipped tabular benchmark (demo/benchmarks).
final class NB201NetworkTests: XCTestCase {
    static var benchmarkFile: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../demo/benchmarks/nb201_cifar10_subset.csv").standardized
    }

    func testParametersAndFlopsMatchEveryRowOfTheBenchmark() throws {
        let path = Self.benchmarkFile.path
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        XCTAssertEqual(lines.count, 724)
        var generator = SeededGenerator(seed: 0)
        var cache: [NB201Architecture: ModelCost] = [:]
        var mismatches = 0
        for line in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            let arch = try NB201Architecture(nb201String: String(fields[0]))
            let expected = ModelCost(parameters: Int(fields[4])!, flops: Int(fields[5])!)
            let cost = try cache[arch] ?? ModelCost.measure(NB201Network(architecture: arch, generator: &generator), input: [3, 32, 32])
            cache[arch] = cost
            if cost != expected {
                mismatches += 1
                if mismatches <= 5 { XCTFail("\(fields[0]): counted \(cost), benchmark \(expected)") }
            }
        }
        XCTAssertEqual(mismatches, 0)
    }

    func testW3NetworkHasThePyTorchParameterCount() throws {
        var generator = SeededGenerator(seed: 0)
        let arch = try NB201Architecture(nb201String: "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_3x3~2|")
        XCTAssertEqual(NB201Network(architecture: arch, generator: &generator).parameterCount, 830_426)
    }
}
