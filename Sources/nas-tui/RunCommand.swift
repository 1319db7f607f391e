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

        Keys in the TUI: p or space pause/resume, up/down select a trial, x prune the selected \
        running trial (with no selection: the running one, if only one runs), s strategy picker, \
        e export the best genotype, + / - raise or lower the budget by a tenth (at least 1 trial; \
        a finished study goes on), a enqueue an architecture typed or pasted at a prompt, \
        C compare with another study of the storage, tab/enter focus/zoom a pane, T next theme, \
        ? help, q quit.
        """)

    @Option(help: "Search space.") var space: SpaceName?
    @Option(help: "Strategy (darts: the darts space with training data only; hyperband: successive-halving brackets over the table's fidelities or training epochs).") var strategy: StrategyName?
    @Option(help: "Data set: fashion-mnist, synthetic or a PATH (default: fashion-mnist when installed).") var dataset: String?
    @Option(help: "Tabular benchmark CSV: look accuracy up instead of training (columns arch, cifar10_val_acc, …).") var benchmark: String?
    @Option(help: "Number of trials.") var budget: Int?
    @Option(name: .customLong("budget-seconds"), help: "Budget in simulated seconds of a table's train_seconds (each query costs its fidelity's share); with or instead of --budget.") var budgetSeconds: Double?
    @Option(help: "Tabular latency from the table's column latency_NAME_ms (e.g. raspi4, pixel3); unknown names list the table's devices.") var device: String?
    @Option(help: "Epochs per trial.") var epochs: Int?
    @Option(help: "Random seed.") var seed: UInt64?
    @Option(name: .customLong("latency-target"), help: "Latency target in milliseconds (fitness is penalised above it).") var latencyTarget: Double?
    @Option(help: "TOML file setting any option (top level or [experiment]); flags override it.") var config: String?
    @Option(help: "Study storage: a SQLite file (default: runs/<timestamp>.db), or postgresql://user[:password]@host[:port]/database.") var storage: String?
    @Option(help: "The study's name in the storage (default: the storage file's name without extension).") var study: String?
    @Flag(help: "Continue the study (--study, or the storage's default one) with its stored settings.") var resume = false
    @Option(help: "Theme name from themes/ (default, light, high-contrast, mono).") var theme: String?
    @Flag(help: "No TUI: progress lines on stderr.") var headless = false
    @Flag(help: "With --headless: one JSON event per line on stdout.") var json = false
    @Option(help: "Channels of the networks (darts C, default 8 in searches; nb201 C, default 16).") var channels: Int?
    @Option(help: "Cells of the networks (darts L; nb201 cells per stage), default 5.") var layers: Int?
    @Option(name: .customLong("train-limit"), help: "Training images per trial.") var trainLimit: Int?
    @Option(name: .customLong("validation-limit"), help: "Validation images per trial.") var validationLimit: Int?
    @Option(help: "Pruner of training trials of 2 or more epochs.") var pruner: PrunerName?
    @Option(help: "Zero-cost pre-ranking: train the best by synflow of N candidates of the strategy (default 1: off).") var prerank: Int?
    @Option(help: "Threads for the tensor core (default: all cores).") var threads: Int?

    func validate() throws {
        if resume && storage == nil { throw ValidationError("--resume needs --storage FILE.db, the study to continue") }
        if json && !headless { throw ValidationError("--json goes with --headless (the TUI owns the screen)") }
        if let threads, threads < 1 { throw ValidationError("--threads \(threads): accepted: 1 or more") }
        if let budgetSeconds, !(budgetSeconds > 0 && budgetSeconds.isFinite) {
            throw ValidationError("--budget-seconds \(budgetSeconds): accepted: a positive number of simulated seconds")
        }
        if let device, device.isEmpty { throw ValidationError("--device '': accepted: a device of the table's latency_DEVICE_ms columns") }
    }

    func run() throws {
        if let threads { ThreadConfig.set(threads) }
        var overrides = ExperimentOverrides()
        overrides.space = space; overrides.strategy = strategy; overrides.dataset = dataset; overrides.benchmark = benchmark
        overrides.budget = budget; overrides.epochs = epochs; overrides.seed = seed; overrides.latencyTarget = latencyTarget
        overrides.channels = channels; overrides.layers = layers; overrides.trainLimit = trainLimit
        overrides.validationLimit = validationLimit; overrides.pruner = pruner; overrides.prerank = prerank
        overrides.storage = storage; overrides.theme = theme
        overrides.device = device; overrides.budgetSeconds = budgetSeconds
        let experiment: ResolvedExperiment
        do {
            experiment = try ExperimentSettings.resolve(config: try config.map { try TOMLDocument(contentsOfFile: $0) }, overrides: overrides)
        } catch { throw CLIError.usage("\(error)") }
        let settings = experiment.settings
        let themeName = experiment.theme
        let path = experiment.storage ?? Self.defaultStoragePath()
        let state = StateStore()
        let engine: Engine
        do {
            let store = try StudyOpening.openStore(path, create: !resume)
            let name = study ?? StudyOpening.defaultName(for: store)
            let record = try StudyOpening.prepareRun(store: store, name: name, settings: settings, resume: resume,
                                                     budgetOverride: resume ? budget : nil)
            engine = try Engine(study: record, store: store, state: state)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError.usage("\(error)")
        }
        let signals = SignalStop(store: state)
        let where_ = "study \(engine.study.name) in \(engine.store.location)"
        if headless {
            let output = HeadlessOutput(json: json)
            engine.onEvent = output.handle
            FileHandle.standardError.write(Data("nas-tui: \(engine.settings.strategy) on \(engine.settings.space), budget \(Self.budgetText(engine.control)), \(where_)\n".utf8))
            let outcome: RunOutcome
            do { outcome = try engine.run() } catch { throw CLIError.runtime("\(error); the \(where_) keeps every finished trial") }
            if outcome == .stopped, let signal = signals.received { throw ExitCode(128 + signal) }
            return
        }
        engine.staysAfterFinish = true
        let handle = engine.start()
        let code: Int32
        do {
            code = try TUIApp.run(store: state, mode: .run, themes: ThemeLibrary.locate(), themeName: themeName,
                                  validateArchitecture: engine.problem(with:), engineDone: { handle.isFinished })
        } catch {
            state.send(.stop)
            _ = handle.wait()
            throw CLIError.runtime("\(error); the \(where_) is safe (continue with --headless, or --resume)")
        }
        if case .failure(let error) = handle.wait() { throw CLIError.runtime("\(error); the \(where_) keeps every finished trial") }
        if let signal = signals.received { throw ExitCode(128 + signal) }
        if code != 0 { throw ExitCode(code) }
    }


    /// "100 trials", "91400 simulated s", or both.
    static func budgetText(_ control: StudyControl) -> String {
        let trials = control.budget >= ExperimentSettings.unlimitedTrials ? nil : "\(control.budget) trials"
        let seconds = control.budgetSeconds.map { String(format: "%.0f simulated s", $0) }
        return [trials, seconds].compactMap { $0 }.joined(separator: " or ")
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
