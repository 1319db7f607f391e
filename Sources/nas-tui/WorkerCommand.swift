import ArgumentParser
import Engine
import Foundation
import Tensor

/// `nas-tui worker`: one more process working on a study that `run` created.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Join a study: claim and evaluate its trials beside the other workers until its budget is met.",
        discussion: """
        Workers claim trials atomically in the storage, so none is evaluated twice; the budget counts across all of \
        them. Pause, resume, switch, prune and stop from any attached TUI act on every worker. DARTS (one \
        supernet) runs only in the process that created the study; workers wait meanwhile. Progress on stderr; \
        --json as for run --headless.
        """)

    @Option(help: "Study storage: a SQLite file, or postgresql://user[:password]@host[:port]/database.") var storage: String
    @Option(help: "The study to join.") var study: String?
    @Option(help: "Threads for the tensor core (default: all cores).") var threads: Int?
    @Flag(help: "One JSON event per line on stdout.") var json = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads \(threads): accepted: 1 or more") }
    }

    func run() throws {
        if let threads { ThreadConfig.set(threads) }
        let state = StateStore()
        let engine: Engine
        do {
            let store = try StudyOpening.openStore(storage, create: false)
            let record = try StudyOpening.resolve(store: store, name: study)
            let worker = WorkerInfo.current()
            engine = try Engine(study: record, store: store, state: state, worker: worker, seedSalt: UInt64(truncatingIfNeeded: worker.id.hashValue))
        } catch { throw CLIError.usage("\(error)") }
        engine.runsDarts = false
        let signals = SignalStop(store: state)
        let output = HeadlessOutput(json: json)
        engine.onEvent = output.handle
        FileHandle.standardError.write(Data("nas-tui worker \(engine.worker.id): study \(engine.study.name) in \(engine.store.location), budget \(engine.control.budget)\n".utf8))
        let outcome: RunOutcome
        do { outcome = try engine.run() } catch { throw CLIError.runtime("\(error); the study in \(engine.store.location) keeps every finished trial") }
        if outcome == .stopped, let signal = signals.received { throw ExitCode(128 + signal) }
    }
}
