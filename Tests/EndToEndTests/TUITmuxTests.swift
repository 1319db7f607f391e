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
        waitForScreen("a running trial", timeout: 60) { $0.contains("running") && $0.contains("RUNNING") }
        try key("G")
        Thread.sleep(forTimeInterval: 0.3)
        try key("x")
        waitForScreen("trial 1 pruned", timeout: 60) { $0.contains("pruned") }
        try key("q")
        XCTAssertEqual(exitStatus(timeout: 60), "EXIT=0")
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { return }
        let out = Pipe()
        sqlite.arguments = [study, "SELECT status, note FROM trials WHERE id = 1"]
        sqlite.standardOutput = out
        try sqlite.run()
        sqlite.waitUntilExit()
        XCTAssertEqual(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
                       "pruned|pruned by the user")
    }

    private func waitFor(_ timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline { if condition() { return true }; Thread.sleep(forTimeInterval: 0.05) }
        return condition()
    }
}
