import Foundation
import XCTest

/// A headless `run` in one process, `attach` or `view` in tmux in another: the attached screen
/// follows the run and its keys steer it through the storage; `view` changes nothing.
final class AttachTmuxTests: XCTestCase {
    private var tmux: TmuxSession!
    private var headless: Process?

    override func setUpWithError() throws { tmux = try TmuxSession() }

    override func tearDown() {
        tmux?.kill()
        if let headless, headless.isRunning { headless.terminate(); headless.waitUntilExit() }
    }

    /// Starts a headless run whose JSON events go to `events` (a file).
    private func startHeadless(_ arguments: [String], events: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        process.arguments = ["run", "--headless", "--json"] + arguments
        process.currentDirectoryURL = CommandLineTests.repository
        FileManager.default.createFile(atPath: events, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: events))
        process.standardError = FileHandle.nullDevice
        try process.run()
        headless = process
        return process
    }

    private func events(_ path: String) -> [[String: Any]] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The finished-of-budget figure in the status bar ("1234/5000").
    private func progress(_ bar: String) -> (done: Int, budget: Int)? {
        guard let match = bar.range(of: #"\d+/\d+"#, options: .regularExpression) else { return nil }
        let parts = bar[match].split(separator: "/")
        return (Int(parts[0])!, Int(parts[1])!)
    }

    func testAttachFollowsPausesSwitchesExportsRaisesTheBudgetAndLeavesTheRunGoing() throws {
        let study = tmux.directory + "/steered.db", log = tmux.directory + "/events.jsonl"
        let run = try startHeadless(["--space", "nb201", "--benchmark", CommandLineTests.benchmark, "--strategy", "random",
                                     "--budget", "6000", "--storage", study], events: log)
        XCTAssertTrue(TmuxSession.waitFor(20) { self.events(log).count > 20 }, "the run started")
        try tmux.start("attach --storage \(study)")
        tmux.waitForScreen("the attached study's panes") { s in ["Fitness", "Trials", "RUNNING"].allSatisfy(s.contains) }
        let first = try XCTUnwrap(progress(tmux.statusBar()))
        tmux.waitForScreen("the trial count rises") { _ in (self.progress(self.tmux.statusBar())?.done ?? 0) > first.done }

        try tmux.key("p")
        tmux.waitForScreen("PAUSED after p") { $0.split(separator: "\n").last?.contains("PAUSED") ?? false }
        Thread.sleep(forTimeInterval: 0.5)
        let paused = events(log).count
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(events(log).count, paused, "the headless process stopped working")

        try tmux.key("s")
        tmux.waitForScreen("the strategy picker") { $0.contains("tpe") && $0.contains("evolution") }
        try tmux.key("t")
        try tmux.key("+")
        try tmux.key("p")
        XCTAssertTrue(TmuxSession.waitFor(20) { self.events(log).count > paused + 20 }, "p resumed it")
        XCTAssertTrue(TmuxSession.waitFor(20) { self.events(log).contains { $0["strategy"] as? String == "tpe" } },
                      "the headless process switched to TPE")
        tmux.waitForScreen("the raised budget in the status bar") { _ in self.progress(self.tmux.statusBar())?.budget == 6600 }

        try tmux.key("e")
        let exported = tmux.directory + "/steered.best.json"
        XCTAssertTrue(TmuxSession.waitFor(10) { FileManager.default.fileExists(atPath: exported) }, "e writes \(exported)")

        try tmux.key("q")
        XCTAssertEqual(tmux.exitStatus(), "EXIT=0")
        XCTAssertTrue(run.isRunning, "q leaves the study running")
        run.waitUntilExit()
        XCTAssertEqual(run.terminationStatus, 0)
        let trials = events(log).filter { $0["event"] as? String == "trial" }
        XCTAssertEqual(trials.count, 6600, "it went on past the old budget to the new one")
        XCTAssertEqual((events(log).last?["trials"]) as? Int, 6600)
    }

    func testXInAttachPrunesTheRunningTrialOfAnotherProcess() throws {
        let study = tmux.directory + "/train.db", log = tmux.directory + "/events.jsonl"
        _ = try startHeadless(["--space", "darts", "--strategy", "random", "--dataset", "synthetic:1x12x12", "--channels", "4",
                               "--layers", "3", "--train-limit", "4000", "--epochs", "4", "--pruner", "none", "--budget", "20",
                               "--storage", study], events: log)
        XCTAssertTrue(TmuxSession.waitFor(60) { self.events(log).contains { $0["event"] as? String == "progress" } })
        try tmux.start("attach --storage \(study)")
        tmux.waitForScreen("a running trial", timeout: 60) { $0.contains(" running ") }
        try tmux.key("x")
        var pruned: Int?
        tmux.waitForScreen("the flash naming the pruned trial", timeout: 30) { s in
            guard let r = s.range(of: "pruning trial #") else { return false }
            pruned = Int(s[r.upperBound...].prefix { $0.isNumber })
            return pruned != nil
        }
        let id = try XCTUnwrap(pruned)
        XCTAssertTrue(TmuxSession.waitFor(60) {
            self.events(log).contains { $0["event"] as? String == "trial" && $0["id"] as? Int == id && $0["status"] as? String == "pruned" }
        }, "the headless process pruned trial \(id)")
        XCTAssertEqual(events(log).first { $0["id"] as? Int == id && $0["event"] as? String == "trial" }?["note"] as? String,
                       "pruned by the user")
        try tmux.key("q")
        XCTAssertEqual(tmux.exitStatus(), "EXIT=0")
    }

    func testViewRefusesToSteerAndChangesNothing() throws {
        let study = tmux.directory + "/done.db"
        let finished = try CommandLineTests.nasTUI(["run", "--headless", "--space", "nb201", "--benchmark", CommandLineTests.benchmark,
                                                    "--budget", "300", "--storage", study])
        XCTAssertEqual(finished.status, 0, finished.stderr)
        let files = [study, study + "-wal"]
        let before = files.map { try? Data(contentsOf: URL(fileURLWithPath: $0)) }
        try tmux.start("view --storage \(study)")
        tmux.waitForScreen("VIEW in the status bar") { $0.split(separator: "\n").last?.contains("VIEW") ?? false }
        for key in ["p", "x", "+", "e"] { try tmux.key(key) }
        tmux.waitForScreen("the read-only message") { $0.contains("read-only") }
        try tmux.key("q")
        XCTAssertEqual(tmux.exitStatus(), "EXIT=0")
        let after = files.map { try? Data(contentsOf: URL(fileURLWithPath: $0)) }
        XCTAssertEqual(after[0], before[0], "the study file is unchanged byte for byte")
        // SQLite's reader may leave an empty write-ahead log where there was none; it writes nothing into it.
        XCTAssertEqual(after[1] ?? Data(), before[1] ?? Data(), "nothing was written to the log")
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmux.directory + "/done.best.json"), "nothing exported")
    }

    func testEAfterFinishedWritesTheExport() throws {
        let study = tmux.directory + "/small.db"
        try tmux.start("run --space nb201 --benchmark \(CommandLineTests.benchmark) --budget 40 --storage \(study)")
        tmux.waitForScreen("FINISHED", timeout: 30) { $0.split(separator: "\n").last?.contains("FINISHED") ?? false }
        try tmux.key("e")
        let exported = tmux.directory + "/small.best.json"
        XCTAssertTrue(TmuxSession.waitFor(10) { FileManager.default.fileExists(atPath: exported) }, "e after FINISHED writes \(exported)")
        try tmux.key("+")
        tmux.waitForScreen("the finished study continues to the raised budget", timeout: 30) { s in
            (s.split(separator: "\n").last?.contains("44/44") ?? false) && s.contains("FINISHED")
        }
        try tmux.key("q")
        XCTAssertEqual(tmux.exitStatus(), "EXIT=0")
    }

    func testEnqueueFromAShellMakesTheArchitectureTheNextTrial() throws {
        let study = tmux.directory + "/queue.db", log = tmux.directory + "/events.jsonl"
        let run = try startHeadless(["--space", "nb201", "--strategy", "random", "--dataset", "synthetic:3x8x8", "--channels", "4",
                                     "--layers", "1", "--train-limit", "12000", "--validation-limit", "64", "--epochs", "1",
                                     "--budget", "4", "--storage", study], events: log)
        XCTAssertTrue(TmuxSession.waitFor(60) { self.events(log).contains { $0["event"] as? String == "progress" || $0["event"] as? String == "trial" } })
        let arch = "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|"
        // Trials 1...N have finished: N+1 runs now (or N+2 was just claimed); the queue comes right after it.
        let finishedBefore = events(log).filter { $0["event"] as? String == "trial" }.count
        let enqueued = try CommandLineTests.nasTUI(["enqueue", "--storage", study, "--arch", arch])
        XCTAssertEqual(enqueued.status, 0, enqueued.stderr)
        let runningAtEnqueue = finishedBefore + 1
        run.waitUntilExit()
        let user = try XCTUnwrap(events(log).first { $0["event"] as? String == "trial" && $0["origin"] as? String == "user" })
        XCTAssertEqual(user["arch"] as? String, arch)
        XCTAssertEqual(user["strategy"] as? String, "user")
        XCTAssertLessThanOrEqual(try XCTUnwrap(user["id"] as? Int), runningAtEnqueue + 2, "the next trial after the running one")
    }

    func testBadInputIsRefusedWithExitTwo() throws {
        let study = tmux.directory + "/one.db"
        XCTAssertEqual(try CommandLineTests.nasTUI(["run", "--headless", "--space", "nb201", "--benchmark", CommandLineTests.benchmark,
                                                    "--budget", "5", "--storage", study]).status, 0)
        let unknown = try CommandLineTests.nasTUI(["attach", "--storage", study, "--study", "nope"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertEqual(unknown.stderr, "nas-tui: \(study): no study named nope; studies here: one\n")
        let notes = tmux.directory + "/notes.txt"
        try "not a study".write(toFile: notes, atomically: true, encoding: .utf8)
        let foreign = try CommandLineTests.nasTUI(["view", "--storage", notes])
        XCTAssertEqual(foreign.status, 2)
        XCTAssertTrue(foreign.stderr.contains("\(notes): not a nas-tui study"), foreign.stderr)
        let darts = try CommandLineTests.nasTUI(["enqueue", "--storage", study, "--arch",
                                                 try String(contentsOfFile: CommandLineTests.repository.path + "/demo/genotypes/darts_v2.txt", encoding: .utf8)])
        XCTAssertEqual(darts.status, 2)
        XCTAssertTrue(darts.stderr.contains("is a darts genotype; the space is nb201"), darts.stderr)
        let missing = try CommandLineTests.nasTUI(["attach", "--storage", tmux.directory + "/absent.db"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("absent.db: no such study file"), missing.stderr)
    }
}
