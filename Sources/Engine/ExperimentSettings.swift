import Config
import Foundation
import NAS

/// Everything that defines a search: saved with the study so `--resume` continues it as it was.
/// Defaults are the default experiment: regularized evolution over the darts space on a
/// Fashion-MNIST subset, small networks, one epoch per trial.
public struct ExperimentSettings: Codable, Equatable, Sendable {
    public var space = SpaceName.darts
    public var strategy = StrategyName.evolution
    /// fashion-mnist, synthetic or a path; nil: fashion-mnist when installed, else synthetic.
    public var dataset: String?
    /// A tabular benchmark CSV: accuracy is looked up instead of trained.
    public var benchmark: String?
    public var budget = 30
    public var epochs = 1
    public var seed: UInt64 = 0
    /// Latency target in ms: fitness is penalised above it.
    public var latencyTarget: Double?
    /// darts: initial channels C and cells L; nb201: C and cells per stage N.
    public var channels: Int?
    public var layers: Int?
    /// Training images per trial and validation images for its accuracy.
    public var trainLimit = 3000
    public var validationLimit = 1000
    public var batchSize = 64
    public var learningRate: Float = 0.05
    public var pruner = PrunerName.median
    /// The chain space's TOML file (space chain).
    public var chainConfig: String?
    /// Zero-cost pre-ranking: each proposal is the best by synflow of this many candidates of
    /// the strategy (nil or 1: off). Not for darts, which proposes by gradient.
    public var prerank: Int?
    /// Regularized evolution's population P and tournament size S (nil: sized for the budget).
    public var population: Int?
    public var tournament: Int?
    /// Pre-rank only the study's first this many trials (a zero-cost warm start); nil: all.
    public var prerankTrials: Int?
    /// Tabular studies: latency from the table's `latency_DEVICE_ms` column (nil: `latency_ms`,
    /// or this machine's latency model).
    public var device: String?
    /// A budget in simulated seconds (a table's `train_seconds`, scaled to each query's fidelity),
    /// instead of or besides `budget` trials: no trial starts once it is spent.
    public var budgetSeconds: Double?
    /// Hyperband's reduction factor η (nil: `defaultHyperbandEta`).
    public var hyperbandEta: Int?
    /// Where hyperband's new configurations come from: random, evolution or tpe (nil: random).
    public var hyperbandSampler: StrategyName?
    /// How trials train: a named recipe (`recipe = "retrain"`) and values over it (`cutout = 8`,
    /// …); nil: the plain recipe. Absent from studies stored before it existed, which decode as nil.
    public var recipe: RecipeOptions?

    public init() {}

    /// The samplers hyperband draws new configurations from.
    public static let hyperbandSamplers: [StrategyName] = [.random, .evolution, .tpe]
    /// η when none is given: 3, the paper's.
    public static let defaultHyperbandEta = 3
    /// The trial budget of a study given only a budget in seconds (no limit in practice).
    public static let unlimitedTrials = 1_000_000_000

    /// Evolution's (P, S) when the settings give them (S defaults to 5, at most P).
    public var evolutionSizes: (population: Int, sample: Int)? {
        population.map { p in (p, tournament ?? min(5, p)) }
    }

    /// The channels and cells networks are built with.
    public var networkChannels: Int { channels ?? (space == .darts ? 8 : 16) }
    public var networkLayers: Int { layers ?? 5 }

    /// Throws a message naming the first value outside what is accepted.
    public func validate() throws {
        func require(_ ok: Bool, _ message: String) throws { if !ok { throw NASError(message) } }
        try require(budget >= 1, "budget \(budget); accepted: 1 or more trials")
        try require(epochs >= 1, "epochs \(epochs); accepted: 1 or more")
        try require(latencyTarget.map { $0 > 0 } ?? true, "latency target \(latencyTarget ?? 0) ms; accepted: a positive number of milliseconds")
        try require(networkChannels >= 2 && networkChannels % 2 == 0, "channels \(networkChannels); accepted: an even number, 2 or more")
        try require(networkLayers >= 1, "layers \(networkLayers); accepted: 1 or more")
        try require(trainLimit >= 2, "train limit \(trainLimit); accepted: 2 or more images")
        try require(validationLimit >= 1, "validation limit \(validationLimit); accepted: 1 or more images")
        try require(batchSize >= 2, "batch size \(batchSize); accepted: 2 or more")
        try require(learningRate > 0, "learning rate \(learningRate); accepted: a positive number")
        try require(space != .chain || chainConfig != nil, "space chain needs its TOML file (--config FILE.toml with [space] and [[layer]] tables)")
        try require(prerank.map { $0 >= 1 } ?? true, "prerank \(prerank ?? 0); accepted: 1 or more candidates per proposal (1: off)")
        try require(budgetSeconds.map { $0 > 0 && $0.isFinite } ?? true,
                    "budget seconds \(budgetSeconds ?? 0); accepted: a positive number of simulated seconds")
        try require(population.map { $0 >= 1 } ?? true, "population \(population ?? 0); accepted: 1 or more trials")
        try require(tournament == nil || population != nil, "tournament \(tournament ?? 0) needs population (evolution's P) as well")
        try require(tournament.map { $0 >= 1 && $0 <= (population ?? 0) } ?? true,
                    "tournament \(tournament ?? 0); accepted: 1 to population (\(population ?? 0))")
        try require(prerankTrials.map { $0 >= 0 } ?? true, "prerank trials \(prerankTrials ?? 0); accepted: 0 or more (the trials pre-ranked as a warm start)")
        try require(hyperbandEta.map { $0 >= 2 } ?? true, "hyperband eta \(hyperbandEta ?? 0); accepted: 2 or more")
        try require(hyperbandSampler.map(Self.hyperbandSamplers.contains) ?? true,
                    "hyperband sampler '\(hyperbandSampler?.rawValue ?? "")'; accepted: \(Self.hyperbandSamplers.map(\.rawValue).joined(separator: ", "))")
        try require(device == nil || benchmark != nil, "device \(device ?? ""): device latencies come from a tabular benchmark's latency_DEVICE_ms columns; accepted with --benchmark FILE.csv")
        try require(budgetSeconds == nil || benchmark != nil, "budget seconds: simulated time is a table's train_seconds; accepted with --benchmark FILE.csv (a table with a train_seconds column)")
        if let benchmark, device != nil || budgetSeconds != nil { try validateAgainstHeader(of: benchmark) }
        if strategy == .darts { try require(space == .darts && benchmark == nil, "strategy darts searches the darts space by training a supernet; accepted with --space darts and no --benchmark") }
        if let recipe {
            try require(benchmark == nil, "recipe options (\(RecipeOptions.Key.allCases.map(\.rawValue).joined(separator: ", "))): a tabular benchmark's trials are looked up, not trained; accepted without --benchmark")
            var training = TrainingSettings()
            try recipe.apply(to: &training, space: space, naming: .configKey)
        }
    }

    /// The training settings of a trial of `epochs` epochs, seeded with `seed`: the study's batch
    /// size and learning rate, with its recipe. Returns notes about recipe values left off.
    public func trialTraining(epochs: Int, seed: UInt64) throws -> (settings: TrainingSettings, notes: [String]) {
        var training = TrainingSettings()
        training.epochs = epochs
        training.batchSize = batchSize
        training.learningRate = learningRate
        training.seed = seed
        let notes = try recipe?.apply(to: &training, space: space, naming: .configKey) ?? []
        return (training, notes)
    }

    /// Checks `device` and `budgetSeconds` against the table's header line alone (before any
    /// study is created): the device's column must exist, and a budget in seconds needs
    /// `train_seconds`. A file that cannot be read is left for the table loader to report.
    func validateAgainstHeader(of path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 64 * 1024), as: UTF8.self)
        let line = head.split(maxSplits: 1, omittingEmptySubsequences: false, whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let columns = line.trimmingCharacters(in: CharacterSet(charactersIn: "\r\u{FEFF}")).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if let device {
            let devices = columns.compactMap { c -> String? in
                guard c.hasPrefix("latency_"), c.hasSuffix("_ms"), c.count > "latency__ms".count else { return nil }
                return String(c.dropFirst("latency_".count).dropLast("_ms".count))
            }
            guard devices.contains(device) else {
                throw NASError("--device \(device): \(path) has no column latency_\(device)_ms; accepted: "
                    + (devices.isEmpty ? "none (the table has no latency_DEVICE_ms columns)" : devices.joined(separator: ", ")))
            }
        }
        if let budgetSeconds, !columns.contains("train_seconds") {
            throw NASError("--budget-seconds \(budgetSeconds): \(path) has no train_seconds column, so queries have no simulated cost; accepted: a table with train_seconds (e.g. demo/benchmarks/nb201_full.csv), or --budget N trials")
        }
    }

    /// The settings as one line of JSON (stored with the study).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Settings read back from `json`.
    public static func decode(_ json: String) throws -> ExperimentSettings {
        try JSONDecoder().decode(ExperimentSettings.self, from: Data(json.utf8))
    }
}

extension ExperimentSettings {
    /// The keys an `[experiment]` table (or the top level) of a config file may set.
    public static let configKeys: Set<String> = Set([
        "space", "strategy", "dataset", "benchmark", "budget", "epochs", "seed", "latency_target", "channels", "layers",
        "train_limit", "validation_limit", "batch_size", "lr", "pruner", "prerank", "storage", "theme",
        "device", "budget_seconds", "hyperband_eta", "hyperband_sampler", "prerank_trials", "population", "tournament",
    ]).union(RecipeOptions.configKeys)

    /// Applies a TOML config: run options at the top level or in `[experiment]`; a chain space's
    /// own tables ([space], [[layer]], [train]) may sit in the same file. Unknown keys are errors
    /// naming the line. Returns the `storage` and `theme` values, which are not study settings.
    public mutating func apply(config document: TOMLDocument) throws -> (storage: String?, theme: String?) {
        // A [space] table declares a chain space in this very file.
        let declaresChain = (try? document.table("space")) != nil
        if declaresChain { chainConfig = document.file; space = .chain }
        try document.checkKeys(allowed: Self.configKeys.union(["experiment", "layer", "train"]))
        let table = document.root.contains("experiment") ? try document.table("experiment") : document.root
        if !table.isRoot { try table.checkKeys(allowed: Self.configKeys) }
        if table.contains("space") && !(table.isRoot && declaresChain) { space = try table.choice("space", of: SpaceName.self) }
        if table.contains("strategy") { strategy = try table.choice("strategy", of: StrategyName.self) }
        if table.contains("dataset") { dataset = try table.string("dataset") }
        if table.contains("benchmark") { benchmark = try table.string("benchmark") }
        if table.contains("budget") { budget = try table.int("budget") }
        if table.contains("epochs") { epochs = try table.int("epochs") }
        if table.contains("seed") { seed = UInt64(max(0, try table.int("seed"))) }
        if table.contains("latency_target") { latencyTarget = try table.double("latency_target") }
        if table.contains("channels") { channels = try table.int("channels") }
        if table.contains("layers") { layers = try table.int("layers") }
        if table.contains("train_limit") { trainLimit = try table.int("train_limit") }
        if table.contains("validation_limit") { validationLimit = try table.int("validation_limit") }
        if table.contains("batch_size") { batchSize = try table.int("batch_size") }
        if table.contains("lr") { learningRate = Float(try table.double("lr")) }
        if table.contains("pruner") { pruner = try table.choice("pruner", of: PrunerName.self) }
        if table.contains("prerank") { prerank = try table.int("prerank") }
        if table.contains("population") { population = try table.int("population") }
        if table.contains("tournament") { tournament = try table.int("tournament") }
        if table.contains("prerank_trials") { prerankTrials = try table.int("prerank_trials") }
        if table.contains("device") { device = try table.string("device") }
        if table.contains("budget_seconds") { budgetSeconds = try table.double("budget_seconds") }
        if table.contains("hyperband_eta") { hyperbandEta = try table.int("hyperband_eta") }
        if table.contains("hyperband_sampler") { hyperbandSampler = try table.choice("hyperband_sampler", of: StrategyName.self) }
        var recipeOptions = recipe ?? RecipeOptions()
        try recipeOptions.read(table)
        recipe = recipeOptions.isEmpty ? nil : recipeOptions
        let storage = table.contains("storage") ? try table.string("storage") : nil
        let theme = table.contains("theme") ? try table.string("theme") : nil
        return (storage, theme)
    }
}
