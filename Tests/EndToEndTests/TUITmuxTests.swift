import Foundation
import XCTest

/// Drives the real TUI in tmux: the five panes, pause, the strategy picker, export, resizes,
/// quit, and pruning the running trial of a training run.
final class TUITmuxTests: XCTestCase {
    private var session = ""
    private var directory = ""

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { throw XCTSkip("tmux is not installed") }
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.binary) else { throw XCTSkip("nas-tui not built") }
        session = "nas-tui-test-\(UUID().uuidString.prefix(8))"
        directory = NSTemporaryDirectory() + "nas-tui-tmux-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        _ = try? tmux(["kill-session", "-t", session])
    }

    /// Runs a tmux command. Only capture-pane goes through Foundation's Process: the command
    /// that starts the tmux server forks a daemon that inherits Process's descriptors, and
    /// `waitUntilExit` would then wait for the server. The others go through system(3), which
    /// waits for the client alone.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        guard arguments.first == "capture-pane" else {
            let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
            _ = system("/usr/bin/tmux \(quoted) </dev/null >/dev/null 2>&1")
            return ""
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    private func start(_ arguments: String, width: Int = 200, height: Int = 60) throws {
        let command = "cd \(CommandLineTests.repository.path) && LANG=C.UTF-8 \(CommandLineTests.binary) \(arguments); echo EXIT=$? > \(directory)/exit; sleep 30"
        try tmux(["new-session", "-d", "-s", session, "-x", String(width), "-y", String(height), command])
    }

    private func screen() -> String { (try? tmux(["capture-pane", "-t", session, "-p"])) ?? "" }

    private func key(_ key: String) throws { try tmux(["send-keys", "-t", session, key]) }

    /// Waits for the screen to satisfy `condition`; fails with the screen otherwise.
    private func waitForScreen(_ what: String, timeout: Double = 20, file: StaticString = #filePath, line: UInt = #line,
                               _ condition: (String) -> Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        while Date() < deadline {
            text = screen()
            if condition(text) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("\(what); the screen was:\n\(text)", file: file, line: line)
    }

    private func exitStatus(timeout: Double = 20) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: directory + "/exit", encoding: .utf8) { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    func testTabularDemoPanesKeysResizeAndQuit() throws {
        let study = directory + "/study.db"
        try start("run --config demo/nb201_tabular.toml --budget 1000000 --storage \(study)")
        waitForScreen("the five panes and RUNNING") { s in
            ["Fitness", "Operations", "Loss", "Pareto", "Trials"].allSatisfy(s.contains) && s.contains("RUNNING")
        }
        try key("p")
        waitForScreen("PAUSED after p") { $0.contains("PAUSED") }
        try key("p")
        waitForScreen("RUNNING after p again") { $0.contains("RUNNING") && !$0.contains("PAUSED") }

        try key("s")
        waitForScreen("the strategy picker") { $0.contains("tpe") && $0.contains("random") }
        try key("t")
        waitForScreen("tpe in the status bar") { s in s.split(separator: "\n").last.map { $0.contains("tpe") } ?? false }

        try key("e")
        let exported = directory + "/study.best.json"
        XCTAssertTrue(waitFor(10) { FileManager.default.fileExists(atPath: exported) }, "e writes \(exported)")
        XCTAssertTrue((try? String(contentsOfFile: exported, encoding: .utf8))?.contains("\"space\":\"nb201\"") ?? false)

        try tmux(["resize-window", "-t", session, "-x", "80", "-y", "24"])
        waitForScreen("the panes at 80x24") { s in
            let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
            return ["Fitness", "Trials"].allSatisfy(s.contains) && lines.allSatisfy { $0.count <= 80 }
        }
        try tmux(["resize-window", "-t", session, "-x", "30", "-y", "8"])
        waitForScreen("the too-small message at 30x8") { $0.contains("too small") }
        try tmux(["resize-window", "-t", session, "-x", "200", "-y", "60"])
        waitForScreen("the panes again at 200x60") { s in ["Fitness", "Operations", "Loss", "Pareto", "Trials"].allSatisfy(s.contains) }

        try key("q")
        XCTAssertEqual(exitStatus(), "EXIT=0")
    }

    func testTrainingRunPrunesTheRunningTrialWithX() throws {
        let study = directory + "/train.db"
        try start("run --space darts --strategy random --dataset synthetic:1x12x12 --channels 4 --layers 3 --train-limit 4000 --epochs 4 --pruner none --budget 20 --storage \(study)")
        waitForScreen("a running trial", timeout: 60) { $0.contains(" running ") && $0.contains("RUNNING") }
        // No selection and one trial running: x prunes that one, and says which.
        try key("x")
        var pruned: Int?
        waitForScreen("the flash naming the pruned trial", timeout: 30) { s in
            guard let r = s.range(of: "pruning trial #") else { return false }
            pruned = Int(s[r.upperBound...].prefix { $0.isNumber })
            return pruned != nil
        }
        let id = try XCTUnwrap(pruned)
        waitForScreen("trial \(id) pruned", timeout: 60) { s in
            s.split(separator: "\n").contains { $0.hasPrefix("│\(String(repeating: " ", count: max(0, 5 - String(id).count)))\(id) random    pruned ") }
        }
        try key("q")
        XCTAssertEqual(exitStatus(timeout: 60), "EXIT=0")
        // The study says so too: read it back through the export the user has (`--pruner none`:
        // this is the only pruned trial).
        let csv = try runBinary(["export", "--storage", study, "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let rows = csv.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", maxSplits: 3).map(String.init) }
        XCTAssertGreaterThan(rows.count, 0, csv.stdout)
        XCTAssertEqual(rows.filter { $0.count > 2 && $0[2] == "pruned" }.map { $0[0] }, [String(id)], csv.stdout)
    }

    /// Runs the binary to the end (not in tmux): exit status, stdout and stderr.
    private func runBinary(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    private func waitFor(_ timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline { if condition() { return true }; Thread.sleep(forTimeInterval: 0.05) }
        return condition()
    }
}
