import Config
import ArgumentParser
import Dispatch
import Engine
import Foundation
import NAS
import Search
import Tensor
import TUI

/// `nas-tui [run]`: the search with the TUI, or headless with progress on stderr.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a search with the TUI (default) or --headless.",
        discussion: """
        With no options: regularized evolution over the darts space on a Fashion-MNIST subset \
        (synthetic images when Fashion-MNIST is not installed). Every finished trial is stored in \
        the SQLite study (--storage, default runs/<timestamp>.db) before the next starts; \
        --resume continues one. SIGINT/SIGTERM stop at the next batch (exit 130/143).
        """)

    @Option(help: "Search space: darts, nb201 or chain.") var space: String?
    @Option(help: "Strategy: evolution, random, tpe or darts.") var strategy: String?
    @Option(help: "Data set: fashion-mnist, synthetic or a PATH (default: fashion-mnist when installed).") var dataset: String?
    @Option(help: "Tabular benchmark CSV: look accuracy up instead of training (columns arch, cifar10_val_acc, …).") var benchmark: String?
    @Option(help: "Number of trials.") var budget: Int?
    @Option(help: "Epochs per trial.") var epochs: Int?
    @Option(help: "Random seed.") var seed: UInt64?
    @Option(name: .customLong("latency-target"), help: "Latency target in milliseconds (fitness is penalised above it).") var latencyTarget: Double?
    @Option(help: "TOML file setting any option (top level or [experiment]); flags override it.") var config: String?
    @Option(help: "SQLite study file (default: runs/<timestamp>.db).") var storage: String?
    @Flag(help: "Continue the study in --storage with its settings.") var resume = false
    @Option(help: "Theme name from themes/ (default, light, high-contrast, mono).") var theme: String?
    @Flag(help: "No TUI: progress lines on stderr.") var headless = false
    @Flag(help: "With --headless: one JSON event per line on stdout.") var json = false
    @Option(help: "Channels of the networks (darts C, default 8 in searches; nb201 C, default 16).") var channels: Int?
    @Option(help: "Cells of the networks (darts L; nb201 cells per stage), default 5.") var layers: Int?
    @Option(name: .customLong("train-limit"), help: "Training images per trial.") var trainLimit: Int?
    @Option(name: .customLong("validation-limit"), help: "Validation images per trial.") var validationLimit: Int?
    @Option(help: "Pruner: median, halving or none.") var pruner: String?
    @Option(help: "Zero-cost pre-ranking: train the best by synflow of N candidates of the strategy (default 1: off).") var prerank: Int?
    @Option(help: "Threads for the tensor core (default: all cores).") var threads: Int?

    func validate() throws {
        if resume && storage == nil { throw ValidationError("--resume needs --storage FILE.db, the study to continue") }
        if json && !headless { throw ValidationError("--json goes with --headless (the TUI owns the screen)") }
        if let threads, threads < 1 { throw ValidationError("--threads \(threads): accepted: 1 or more") }
    }

    func run() throws {
        if let threads { ThreadConfig.set(threads) }
        var settings = ExperimentSettings()
        var storagePath = storage
        var themeName = theme
        if let config {
            let document: TOMLDocument
            do {
                document = try TOMLDocument(contentsOfFile: config)
                let extra = try settings.apply(config: document)
                storagePath = storagePath ?? extra.storage
                themeName = themeName ?? extra.theme
            } catch { throw CLIError.usage("\(error)") }
        }
        if let space { settings.space = space }
        if let strategy { settings.strategy = strategy }
        if let dataset { settings.dataset = dataset }
        if let benchmark { settings.benchmark = benchmark }
        if let budget { settings.budget = budget }
        if let epochs { settings.epochs = epochs }
        if let seed { settings.seed = seed }
        if let latencyTarget { settings.latencyTarget = latencyTarget }
        if let channels { settings.channels = channels }
        if let layers { settings.layers = layers }
        if let trainLimit { settings.trainLimit = trainLimit }
        if let validationLimit { settings.validationLimit = validationLimit }
        if let pruner { settings.pruner = pruner }
        if let prerank { settings.prerank = prerank }
        let path = storagePath ?? Self.defaultStoragePath()
        let store = StateStore()
        let engine: Engine
        do {
            if !resume { try settings.validate() }
            engine = try Engine(settings: settings, storagePath: path, resume: resume, store: store,
                                budgetOverride: resume ? budget : nil)
        } catch let error as StudyStorage.StorageError {
            throw CLIError.usage(error.description)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError.usage("\(error)")
        }
        let signals = SignalStop(store: store)
        if headless {
            let output = HeadlessOutput(json: json)
            engine.onEvent = output.handle
            FileHandle.standardError.write(Data("nas-tui: \(engine.settings.strategy) on \(engine.settings.space), budget \(engine.settings.budget), study \(path)\n".utf8))
            let stopped: Bool
            do { stopped = try engine.run() } catch { throw CLIError.runtime("\(error)") }
            if stopped, let signal = signals.received { throw ExitCode(128 + signal) }
            return
        }
        var engineError: Error?
        engine.start { result in if case .failure(let error) = result { engineError = error } }
        let code: Int32
        do {
            code = try TUIApp.run(store: store, themes: ThemeLibrary.locate(), themeName: themeName, engineDone: { engine.isDone })
        } catch {
            store.send(.stop)
            while !engine.isDone { Thread.sleep(forTimeInterval: 0.05) }
            throw CLIError.runtime("\(error); the study is safe in \(path) (continue with --headless, or --resume)")
        }
        while !engine.isDone { Thread.sleep(forTimeInterval: 0.05) }
        if let engineError { throw CLIError.runtime("\(engineError)") }
        if let signal = signals.received { throw ExitCode(128 + signal) }
        if code != 0 { throw ExitCode(code) }
    }

    static func defaultStoragePath() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "runs/\(formatter.string(from: Date())).db"
    }
}

/// Turns SIGINT and SIGTERM into a stop command (the engine stops at the next batch).
final class SignalStop {
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var signal: Int32?

    init(store: StateStore) {
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                self?.lock.lock(); self?.signal = self?.signal ?? number; self?.lock.unlock()
                store.send(.stop)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    var received: Int32? { lock.lock(); defer { lock.unlock() }; return signal }
}
