import ArgumentParser
import Engine
import Foundation
import TUI

/// `nas-tui attach` and `nas-tui view`: the dashboard on a study that other processes run.
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "The TUI on a study another process runs: keys steer it through its storage; q leaves it running.",
        discussion: """
        Snapshots are read from the storage about ten times a second (only what changed). p, x, s, +, -, a and e act \
        on the study for every process that runs it; q detaches.
        """)

    @OptionGroup var study: FollowedStudyOptions

    func run() throws { try study.follow(mode: .attach) }
}

/// `nas-tui view`: the same screen, read-only.
struct ViewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "The TUI on a study, read-only: never starts or changes anything (the status bar shows VIEW).",
        discussion: "A SQLite study is opened read-only; keys that would change the study say so and do nothing.")

    @OptionGroup var study: FollowedStudyOptions

    func run() throws { try study.follow(mode: .view) }
}

/// The storage and study that `attach` and `view` follow.
struct FollowedStudyOptions: ParsableArguments {
    @Option(help: "Study storage: a SQLite file, or postgresql://user[:password]@host[:port]/database.") var storage: String
    @Option(help: "The study (default: the storage's only study, or the one named after the file).") var study: String?
    @Option(help: "Theme name from themes/ (default, light, high-contrast, mono).") var theme: String?

    func follow(mode: ViewMode) throws {
        let state = StateStore()
        let follower: StudyFollower
        do {
            let store = mode == .view ? try StudyOpening.openStore(storage, create: false, readOnly: true)
                                      : try StudyOpening.openStore(storage, create: false)
            var name = study
            if name == nil {
                // Several studies and none named: the user picks one from a list.
                let summaries = try store.studySummaries()
                if summaries.count > 1 {
                    guard let picked = try TUIApp.pickStudy(summaries, storage: store.location, themes: ThemeLibrary.locate(), themeName: theme)
                    else { return }
                    name = picked
                }
            }
            let record = try StudyOpening.resolve(store: store, name: name)
            follower = try StudyFollower(store: store, study: record, mode: mode, state: state)
        } catch let error as CLIError { throw error } catch { throw CLIError.usage("\(error)") }
        let signals = SignalStop(store: state)
        follower.start()
        do {
            _ = try TUIApp.run(store: state, mode: mode, themes: ThemeLibrary.locate(), themeName: theme,
                               validateArchitecture: follower.problem(with:), engineDone: { follower.isStopped })
        } catch {
            follower.stop()
            throw CLIError.runtime("\(error)")
        }
        follower.stop()
        if let signal = signals.received { throw ExitCode(128 + signal) }
    }
}

/// `nas-tui enqueue`: an architecture for a study to evaluate next.
struct EnqueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Queue an architecture (genotype JSON, DARTS or NB201 string) to be a study's next trial.",
        discussion: "The processes that run the study take it before their strategy's next proposal; strategies learn from it.")

    @Option(help: "Study storage: a SQLite file, or postgresql://user[:password]@host[:port]/database.") var storage: String
    @Option(help: "The study (default: the storage's only study, or the one named after the file).") var study: String?
    @Option(help: "The architecture: genotype JSON, a DARTS string or an NB201 string.") var arch: String

    func run() throws {
        do {
            let store = try StudyOpening.openStore(storage, create: false)
            let record = try StudyOpening.resolve(store: store, name: self.study)
            let checker = try ArchitectureChecker(settings: try ExperimentSettings.decode(record.settings))
            let json = try checker.genotypeJSON(for: arch)
            let host = ProcessInfo.processInfo.hostName, pid = ProcessInfo.processInfo.processIdentifier
            try store.send(.enqueue(genotypeJSON: json), study: record.id, issuer: "enqueue@\(host):\(pid)")
            print("enqueued for study \(record.name): it is evaluated next")
        } catch { throw CLIError.usage("\(error)") }
    }
}
