import Foundation
import XCTest

/// `demo/fashion_pipeline.sh` as a user runs it: bad settings exit 2 naming the value; with
/// NAS_TUI_PIPELINE=1 (real Fashion-MNIST, at most 3 minutes each) two small end-to-end runs, the
/// CNN search and the DARTS-cell search, each retrain the study's best and print the
/// retraining's `train --json` as their last line.
final class FashionPipelineTests: XCTestCase {
    private func pipeline(_ environment: [String: String]) throws -> CommandLineTests.Run {
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary) else { throw XCTSkip("\(CommandLineTests.binary) not built") }
        return try CommandLineTests.run("/bin/bash", ["demo/fashion_pipeline.sh", CommandLineTests.binary], environment: environment)
    }

    func testBadSettingsExitTwoNamingTheValueAndWriteNothing() throws {
        let directory = try CommandLineTests.temporaryDirectory()
        let existing = directory + "/taken"
        try FileManager.default.createDirectory(atPath: existing, withIntermediateDirectories: true)
        try "kept".write(toFile: existing + "/study.db", atomically: true, encoding: .utf8)
        for (environment, message) in [
            (["MINUTES": "fifty"], "'fifty' is not a positive whole number (MINUTES, SEARCH_MINUTES, CHANNELS, LAYERS, TRAIN_LIMIT)"),
            (["CHANNELS": "0"], "'0' is not a positive whole number"),
            (["MINUTES": "10", "SEARCH_MINUTES": "10"], "SEARCH_MINUTES=10 leaves nothing of MINUTES=10 to retrain"),
            (["OUT": existing], "\(existing) exists; choose another OUT"),
            (["CONFIG": "demo/no_such.toml"], "CONFIG=demo/no_such.toml is not a file"),
        ] {
            let run = try pipeline(environment.merging(["OUT": environment["OUT"] ?? directory + "/new"]) { first, _ in first })
            XCTAssertEqual(run.status, 2, "\(environment): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains(message), "\(environment): \(run.stderr)")
            XCTAssertEqual(run.stdout, "")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/new"), "a refused run creates nothing")
        XCTAssertEqual(try String(contentsOfFile: existing + "/study.db", encoding: .utf8), "kept")
    }

    private func requirePipelineRuns() throws {
        guard ProcessInfo.processInfo.environment["NAS_TUI_PIPELINE"] == "1" else {
            throw XCTSkip("set NAS_TUI_PIPELINE=1 for the real-data pipeline (Fashion-MNIST, at most 3 minutes)")
        }
    }

    /// A small run's `train --json` (its last line), checked for what every run reports.
    private func smallRun(_ environment: [String: String], out: String) throws -> [String: Any] {
        let run = try pipeline(environment.merging(["MINUTES": "3", "SEARCH_MINUTES": "1", "TRAIN_LIMIT": "1000", "OUT": out]) { first, _ in first })
        XCTAssertEqual(run.status, 0, run.stderr)
        let last = try XCTUnwrap(run.stdout.split(separator: "\n").last.map(String.init))
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], last)
        XCTAssertEqual(result["train_images"] as? Int, 1000)
        XCTAssertEqual(result["test_images"] as? Int, 10000, "the retrained network is tested on all of Fashion-MNIST's test images")
        let accuracy = try XCTUnwrap(result["test_accuracy"] as? Double)
        XCTAssertGreaterThan(accuracy, 0.3, "1,000 images train far above chance (0.1)")
        let metrics = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/model/metrics.json"))) as? [String: Any])
        let training = try XCTUnwrap(metrics["training"] as? [String: Any])
        XCTAssertEqual(training["label_smoothing"] as? Double, 0.1, "retrained with the pipeline's recipe")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/model/model.onnx"))
        return result
    }

    func testASmallCNNPipelineRetrainsTheStudysBestAndPrintsItsResultLast() throws {
        try requirePipelineRuns()
        let out = try CommandLineTests.temporaryDirectory() + "/fashion"
        let result = try smallRun([:], out: out)
        let export = try CommandLineTests.nasTUI(["export", "--storage", out + "/search.db", "--study", "fashion", "--format", "json"])
        XCTAssertEqual(result["space"] as? String, "chain")
        let best = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])
        let saved = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/model/genotype.json"))) as? [String: Any])
        XCTAssertEqual(saved["params"] as? NSDictionary, best["params"] as? NSDictionary, "the retrained network is the study's best")
    }

    func testASmallDartsCellPipelineRetrainsTheStudysBestCell() throws {
        try requirePipelineRuns()
        let out = try CommandLineTests.temporaryDirectory() + "/fashion"
        _ = try smallRun(["CONFIG": "demo/fashion_darts_cells.toml", "CHANNELS": "4", "LAYERS": "2"], out: out)
        let best = try String(contentsOfFile: out + "/best.darts.txt", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let export = try CommandLineTests.nasTUI(["export", "--storage", out + "/search.db", "--study", "fashion", "--format", "darts"])
        XCTAssertEqual(export.stdout.trimmingCharacters(in: .whitespacesAndNewlines), best, "the retrained cell is the study's best")
    }
}
