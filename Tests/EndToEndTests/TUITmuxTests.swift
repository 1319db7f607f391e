import Foundation
import XCTest

/// Drives the real TUI in tmux: the five panes, pause, the strategy picker, export, resizes,
/// quit, and pruning the running trial of a training run.
final class TUITmuxTests: XCTestCase {
    private var tmux: TmuxSession!
    private var directory: String { tmux.directory }

    override func setUpWithError() throws { tmux = try TmuxSession() }
    override func tearDown() { tmux?.kill() }

    private func start(_ arguments: String) throws { try tmux.start(arguments) }
    private func key(_ key: String) throws { try tmux.key(key) }
    private func waitForScreen(_ what: String, timeout: Double = 20, file: StaticString = #filePath, line: UInt = #line,
                               _ condition: (String) -> Bool) {
        tmux.waitForScreen(what, timeout: timeout, file: file, line: line, condition)
    }
    private func exitStatus(timeout: Double = 20) -> String? { tmux.exitStatus(timeout: timeout) }

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
        XCTAssertTrue(TmuxSession.waitFor(10) { FileManager.default.fileExists(atPath: exported) }, "e writes \(exported)")
        XCTAssertTrue((try? String(contentsOfFile: exported, encoding: .utf8))?.contains("\"space\":\"nb201\"") ?? false)

        try tmux.resize(80, 24)
        waitForScreen("the panes at 80x24") { s in
            let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
            return ["Fitness", "Trials"].allSatisfy(s.contains) && lines.allSatisfy { $0.count <= 80 }
        }
        try tmux.resize(30, 8)
        waitForScreen("the too-small message at 30x8") { $0.contains("too small") }
        try tmux.resize(200, 60)
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
        let csv = try CommandLineTests.nasTUI(["export", "--storage", study, "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let rows = csv.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", maxSplits: 3).map(String.init) }
        XCTAssertGreaterThan(rows.count, 0, csv.stdout)
        XCTAssertEqual(rows.filter { $0.count > 2 && $0[2] == "pruned" }.map { $0[0] }, [String(id)], csv.stdout)
    }
}
