import ArgumentParser

// Subcommands of the contract whose layers are not built yet. Each accepts its documented
// options so `--help` describes it, and says plainly that it is not available (exit 2).

/// `nas-tui run`: the TUI (or headless engine) on an experiment.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Start the search with the TUI (default), or --headless. (not available yet)")
    @Option(help: "Search space: darts, nb201 or chain.") var space: String?
    @Option(help: "Strategy: evolution, random, tpe or darts.") var strategy: String?
    @Option(help: "Data set: fashion-mnist, synthetic or a PATH.") var dataset: String?
    @Option(help: "Tabular benchmark CSV: look accuracy up instead of training.") var benchmark: String?
    @Option(help: "Number of trials.") var budget: Int?
    @Option(help: "Epochs per trial.") var epochs: Int?
    @Option(help: "Random seed.") var seed: Int?
    @Option(name: .customLong("latency-target"), help: "Latency target in milliseconds.") var latencyTarget: Double?
    @Option(help: "TOML file setting any option; flags override it.") var config: String?
    @Option(help: "SQLite study file (default: runs/<timestamp>.db).") var storage: String?
    @Flag(help: "Continue the study in --storage.") var resume = false
    @Option(help: "Theme name from themes/.") var theme: String?
    @Flag(help: "No TUI: progress on stderr.") var headless = false
    @Flag(help: "With --headless: JSON events on stdout.") var json = false
    @Option(help: "Channels of darts networks.") var channels: Int?
    @Option(help: "Cells of darts networks.") var layers: Int?

    func run() throws { throw CLIError.notAvailable("run", issue: "the engine and TUI are issues #5 and #6") }
}

/// `nas-tui export`: the best genotype or every trial of a study.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export the best genotype (json, darts, nb201) or every trial (csv) of a study. (not available yet)")
    @Option(help: "SQLite study file.") var storage: String
    @Option(help: "json, darts, nb201 or csv.") var format: String = "json"
    @Option(help: "Output file (default: stdout).") var out: String?
    func run() throws { throw CLIError.notAvailable("export", issue: "studies are stored by the engine, issue #5") }
}

/// `nas-tui score`: zero-cost proxy scores.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Zero-cost proxy score per architecture. (not available yet)")
    @Option(help: "Search space: darts, nb201 or chain.") var space: String
    @Option(help: "synflow, snip, grad_norm or naswot.") var proxy: String
    @Option(help: "One architecture string.") var arch: String?
    @Option(help: "A file with one architecture per line.") var archs: String?
    @Flag(help: "JSON output.") var json = false
    func run() throws { throw CLIError.notAvailable("score", issue: "zero-cost proxies, issue #4") }
}

