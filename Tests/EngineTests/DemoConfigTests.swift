import Config
import Foundation
import XCTest
@testable import Engine
import NAS
import Tensor

/// Every experiment in demo/ reads and validates as the README promises.
final class DemoConfigTests: XCTestCase {
    func testEveryDemoConfigIsAValidExperiment() throws {
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../demo").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: demo.path).filter { $0.hasSuffix(".toml") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 6, "\(files)")
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(demo.deletingLastPathComponent().path)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        for file in files {
            var settings = ExperimentSettings()
            XCTAssertNoThrow(try settings.apply(config: TOMLDocument(contentsOfFile: "demo/" + file)), file)
            XCTAssertNoThrow(try settings.validate(), file)
            if file == "zero_cost.toml" { XCTAssertEqual(settings.prerank, 20) }
            if file == "nb201_tabular.toml" {
                XCTAssertEqual(settings.benchmark, "demo/benchmarks/nb201_full.csv", "the NB201 demo runs on all 15,625 cells")
                XCTAssertEqual(settings.device, "raspi4")
            }
            if file == "fashion_mnist.toml" || file == "fashion_darts_cells.toml" {
                XCTAssertEqual(settings.strategy, .hyperband, "the pipeline's search halves candidates over epochs")
                XCTAssertEqual(settings.dataset, "fashion-mnist")
                XCTAssertEqual(settings.epochs, 3)
                XCTAssertNil(settings.prerank, "synflow favours heavy networks, which retrain in fewer epochs")
                XCTAssertNil(settings.benchmark, "it trains every trial on real images")
            }
            if file == "fashion_mnist.toml" {
                XCTAssertEqual(settings.space, .chain, "the search and its CNN space are one file")
                XCTAssertEqual(settings.chainConfig, "demo/fashion_mnist.toml")
                XCTAssertEqual(settings.latencyTarget, 1.6)
                let space = try ChainSpace(contentsOfFile: "demo/fashion_mnist.toml")
                var generator = SeededGenerator(seed: 1)
                for _ in 0..<20 {
                    let convs = try space.resolve(space.sample(using: &generator)).layers.filter { $0.kind == .conv }
                    XCTAssertTrue(convs.count >= 4 && convs.allSatisfy { $0.norm == .batch }, "every conv has batch norm: \(convs)")
                }
            }
            if file == "fashion_darts_cells.toml" {
                XCTAssertEqual(settings.space, .darts)
                XCTAssertEqual(settings.latencyTarget, 1.3)
            }
            if file == "nb201_search.toml" {
                XCTAssertEqual(settings.benchmark, "demo/benchmarks/nb201_full.csv")
                XCTAssertEqual(settings.evolutionSizes?.population, 5)
                XCTAssertEqual(settings.evolutionSizes?.sample, 5)
                XCTAssertEqual(settings.prerank, 10)
                XCTAssertEqual(settings.prerankTrials, 30)
            }
        }
    }
}
