import Config
import NAS
import Foundation

/// The run options a user gave on the command line: each one set overrides the config file's
/// value, which overrides the default experiment's.
public struct ExperimentOverrides: Sendable {
    public var space: SpaceName?, strategy: StrategyName?, dataset: String?, benchmark: String?
    public var budget: Int?, epochs: Int?, seed: UInt64?, latencyTarget: Double?
    public var channels: Int?, layers: Int?, trainLimit: Int?, validationLimit: Int?
    public var pruner: PrunerName?, prerank: Int?
    public var device: String?, budgetSeconds: Double?
    public var storage: String?, theme: String?

    public init() {}
}

/// What `run` starts from: the settings, and the storage and theme named by flag or config.
public struct ResolvedExperiment: Sendable {
    public var settings: ExperimentSettings
    public var storage: String?
    public var theme: String?
}

extension ExperimentSettings {
    /// The default experiment, then the config file (when given), then the flags.
    public static func resolve(config: TOMLDocument?, overrides o: ExperimentOverrides) throws -> ResolvedExperiment {
        var s = ExperimentSettings()
        var storage: String?, theme: String?
        if let config { (storage, theme) = try s.apply(config: config) }
        if let v = o.space { s.space = v }
        if let v = o.strategy { s.strategy = v }
        if let v = o.dataset { s.dataset = v }
        if let v = o.benchmark { s.benchmark = v }
        if let v = o.budget { s.budget = v }
        if let v = o.epochs { s.epochs = v }
        if let v = o.seed { s.seed = v }
        if let v = o.latencyTarget { s.latencyTarget = v }
        if let v = o.channels { s.channels = v }
        if let v = o.layers { s.layers = v }
        if let v = o.trainLimit { s.trainLimit = v }
        if let v = o.validationLimit { s.validationLimit = v }
        if let v = o.pruner { s.pruner = v }
        if let v = o.prerank { s.prerank = v }
        if let v = o.device { s.device = v }
        if let v = o.budgetSeconds { s.budgetSeconds = v }
        // A budget in seconds alone: as many trials as the seconds allow.
        let configBudget = config.map { c in ((try? c.table("experiment")) ?? c.root).contains("budget") } ?? false
        if s.budgetSeconds != nil && o.budget == nil && !configBudget { s.budget = unlimitedTrials }
        return ResolvedExperiment(settings: s, storage: o.storage ?? storage, theme: o.theme ?? theme)
    }
}
