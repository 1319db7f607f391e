import ArgumentParser

/// The root command: `nas-tui [run] [options]` and the subcommands of the contract.
struct NasTUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nas-tui",
        abstract: "Run neural architecture searches and steer them while they run.",
        discussion: """
        With no subcommand, `run` starts the default experiment. Exit codes: 0 success, \
        1 runtime failure, 2 bad usage or bad input.
        """,
        subcommands: [RunCommand.self, WorkerCommand.self, AttachCommand.self, ViewCommand.self, StudiesCommand.self,
                      EnqueueCommand.self, ExportCommand.self, InspectCommand.self, ScoreCommand.self, TrainCommand.self,
                      PredictCommand.self, BenchCommand.self, ParityCommand.self],
        defaultSubcommand: RunCommand.self)
}
