import ArgumentParser

// Subcommands of the contract whose layers are not built yet. Each accepts its documented
// options so `--help` describes it, and says plainly that it is not available (exit 2)
// through `CLIError.notAvailable`. (None at the moment: `score` is ScoreCommand.swift.)
