import Foundation
import XCTest
@testable import Engine
import NAS
import Search

/// Paths and helpers shared by the engine tests.
enum EngineTestSupport {
    /// The NAS-Bench-201 subset the project ships (demo/benchmarks).
    static var benchmarkPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../demo/benchmarks/nb201_cifar10_subset.csv").standardized.path
    }

    /// All 15,625 NAS-Bench-201 cells with 12-epoch accuracy, train_seconds and device latencies.
    static var fullBenchmarkPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../demo/benchmarks/nb201_full.csv").standardized.path
    }

    /// An engine on a fresh in-memory study (or on `store`) named `name`, with its state store.
    static func engine(_ settings: ExperimentSettings, store: StudyStore? = nil, name: String = "test") throws
        -> (engine: Engine, state: StateStore, store: StudyStore) {
        let studies = try store ?? SQLiteStudyStore()
        let record = try StudyOpening.prepareRun(store: studies, name: name, settings: settings, resume: false)
        let state = StateStore()
        return (try Engine(study: record, store: studies, state: state), state, studies)
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "nas-tui-engine-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Settings for a fast tabular study on the shipped benchmark.
    static func tabularSettings(budget: Int, strategy: StrategyName = .random) -> ExperimentSettings {
        var settings = ExperimentSettings()
        settings.space = .nb201
        settings.strategy = strategy
        settings.benchmark = benchmarkPath
        settings.budget = budget
        return settings
    }

    /// Settings for a tiny training study on synthetic images.
    static func trainingSettings(budget: Int, epochs: Int = 2) -> ExperimentSettings {
        var settings = ExperimentSettings()
        settings.space = .darts
        settings.strategy = .random
        settings.dataset = "synthetic:1x12x12"
        settings.channels = 4
        settings.layers = 3
        settings.trainLimit = 256
        settings.validationLimit = 64
        settings.batchSize = 16
        settings.epochs = epochs
        settings.budget = budget
        settings.pruner = .none
        return settings
    }

    /// The nas-tui executable: $NAS_TUI_BIN (make test sets it) or the debug build.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["NAS_TUI_BIN"] { return path }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../.build/debug/nas-tui").standardized.path
    }

    /// Waits until `condition` holds or `timeout` seconds pass.
    static func wait(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition()
    }
}
