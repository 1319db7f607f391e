import ArgumentParser

// Subcommands of the contract whose layers are not built yet. Each accepts its documented
// options so `--help` describes it, and says plainly that it is not available (exit 2).

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

