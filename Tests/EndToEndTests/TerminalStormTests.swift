import Foundation
import XCTest

/// Terminal storms: random key presses and resizes (from 1x1 to 300x100) at the real TUI in
/// tmux while a tabular run goes on, then the window sized back: the process must still be
/// there, answer keys, and draw the five panes whole, with what the study holds. Once per kind of
/// terminal: tmux's own, TERM=dumb (refused with a message), TERM=vt100, NO_COLOR=1, and the non-UTF-8 locales C and POSIX.
///
/// Each storm lasts NAS_TUI_STORM_SECONDS (default 15; the acceptance run uses 60).
final class TerminalStormTests: XCTestCase {
    private var tmux: TmuxSession!

    override func setUpWithError() throws { tmux = try TmuxSession() }
    override func tearDown() { tmux?.kill() }

    static var stormSeconds: Double {
        ProcessInfo.processInfo.environment["NAS_TUI_STORM_SECONDS"].flatMap(Double.init) ?? 15
    }

    func testStormInTmuxTerminal() throws { try storm(environment: "LANG=C.UTF-8") }
    func testStormWithDumbTerminal() throws { try storm(environment: "TERM=dumb LANG=C.UTF-8") }
    func testStormWithVT100() throws { try storm(environment: "TERM=vt100 LANG=C.UTF-8") }
    func testStormWithNoColor() throws { try storm(environment: "NO_COLOR=1 LANG=C.UTF-8") }
    func testStormWithCLocale() throws { try storm(environment: "LANG=C LC_ALL=") }
    func testStormWithPOSIXLocale() throws { try storm(environment: "LANG= LC_ALL=POSIX") }

    /// Every key of the key map but q (which would end the run), keys that mean nothing,
    /// cursor and function keys, and text for the prompt.
    static let keys = ["p", "Space", "x", "s", "e", "+", "-", "a", "C", "T", "?", "v", "c", "Tab", "BTab", "Enter",
                       "Escape", "Up", "Down", "Left", "Right", "PageUp", "PageDown", "Home", "End", "BSpace", "DC",
                       "C-l", "C-u", "j", "k", "g", "G", "r", "t", "d", "h", "1", "z", "F1", "F5", "IC", "M-x", "~", "|"]

    /// Sizes the storm favours: the extremes and the edges of the layouts.
    static let sizes = [(1, 1), (1, 100), (300, 1), (300, 100), (2, 2), (3, 5), (10, 3), (40, 12), (79, 23), (80, 24),
                        (120, 40), (200, 60)]

    private func storm(environment: String) throws {
        let study = tmux.directory + "/storm.db"
        try tmux.start("run --config demo/nb201_tabular.toml --budget 1000000 --storage \(study)", environment: environment)
        let dumb = environment.contains("TERM=dumb")
        if dumb, let status = tmux.exitStatus(timeout: 10) {
            // A terminal without cursor addressing cannot hold the dashboard: a clear refusal
            // (exit 1 as for any terminal that cannot be opened, naming TERM and the way out),
            // never a crash or a dashboard nobody sees; the study is kept.
            XCTAssertEqual(status, "EXIT=1", tmux.screen())
            XCTAssertTrue(FileManager.default.fileExists(atPath: study), "the study file is kept")
            XCTAssertTrue(tmux.screen().contains("TERM=dumb") && tmux.screen().contains("--headless"), tmux.screen())
            return
        }
        tmux.waitForScreen("the five panes before the storm (\(environment))", timeout: 30) { s in
            ["Fitness", "Operations", "Loss", "Pareto", "Trials"].allSatisfy(s.contains)
        }

        var generator = SystemRandomNumberGenerator()
        let end = Date().addingTimeInterval(Self.stormSeconds)
        var keys = 0, resizes = 0, sizes: [String] = []
        while Date() < end {
            if Int.random(in: 0..<6, using: &generator) == 0 {
                let (w, h) = Bool.random(using: &generator)
                    ? Self.sizes.randomElement(using: &generator)!
                    : (Int.random(in: 1...300, using: &generator), Int.random(in: 1...100, using: &generator))
                try tmux.resize(w, h)
                sizes.append("\(w)x\(h)")
                resizes += 1
            } else {
                try tmux.key(Self.keys.randomElement(using: &generator)!)
                keys += 1
            }
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.03, using: &generator))
        }
        let report = "\(environment): \(keys) keys and \(resizes) resizes in \(Int(Self.stormSeconds)) s; last sizes \(sizes.suffix(8))"
        print("storm " + report)
        XCTAssertNil(tmux.exitStatus(timeout: 0.5), "nas-tui ended during the storm (\(report)):\n\(tmux.screen())")

        // Sized back, overlays, prompt and zoom closed, selection dropped.
        try tmux.resize(200, 60)
        for _ in 0..<4 { try tmux.key("Escape"); Thread.sleep(forTimeInterval: 0.2) }
        tmux.waitForScreen("the five panes after the storm (\(report))", timeout: 20) { s in
            ["Fitness", "Operations", "Loss", "Pareto", "Trials"].allSatisfy(s.contains)
        }
        // Still answering keys (no hang): pause, so the panes hold still to be checked.
        try pause(report)
        assertPanesWhole(tmux.screen(), width: 200, height: 60, report)
        // The redraw after the resize is the screen a full redraw draws.
        let afterResize = tmux.screen()
        try tmux.resize(199, 59)
        try tmux.resize(200, 60)
        try tmux.key("C-l")
        Thread.sleep(forTimeInterval: 0.6)
        XCTAssertEqual(panes(afterResize), panes(tmux.screen()), "the screen after a resize differs from a full redraw (\(report))")
        try assertTrialsMatchStudy(tmux.screen(), study: study, report)

        try tmux.key("q")
        XCTAssertEqual(tmux.exitStatus(timeout: 30), "EXIT=0", "q after the storm (\(report)):\n\(tmux.screen())")
    }

    /// Presses p until the status bar says PAUSED (the storm may have left the run paused or
    /// finished; a finished run holds still too).
    private func pause(_ report: String) throws {
        for _ in 0..<3 {
            let status = tmux.statusBar()
            if status.contains("PAUSED") || status.contains("FINISHED") { return }
            try tmux.key("p")
            if TmuxSession.waitFor(5, { tmux.statusBar().contains("PAUSED") }) { return }
        }
        XCTFail("p does not pause after the storm (\(report)); the screen:\n\(tmux.screen())")
    }

    /// The screen's lines without the status bar (the bottom line, which may show a flash).
    private func panes(_ screen: String) -> [Substring] {
        Array(screen.split(separator: "\n", omittingEmptySubsequences: false).prefix(59))
    }

    /// 60 lines of 200 columns; every pane row starts and ends with a frame glyph; each
    /// title once.
    private func assertPanesWhole(_ screen: String, width: Int, height: Int, _ report: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).prefix(height)
        XCTAssertEqual(lines.count, height, "rows (\(report))", file: file, line: line)
        let frame = Set("┌┐└┘│─╭╮╰╯+|-")
        for (n, row) in lines.dropLast().enumerated() {
            XCTAssertEqual(row.count, width, "row \(n + 1) is \(row.count) columns (\(report)):\n\(screen)", file: file, line: line)
            guard let first = row.first, let last = row.last else { continue }
            XCTAssertTrue(frame.contains(first) && frame.contains(last),
                          "row \(n + 1) is not inside a pane frame (\(report)): \(row)", file: file, line: line)
        }
        for title in ["Fitness", "Operations", "Loss", "Pareto", "Trials"] {
            XCTAssertEqual(screen.components(separatedBy: " \(title) ").count - 1, 1, "\(title) title (\(report)):\n\(screen)",
                           file: file, line: line)
        }
    }

    /// Each trial row the Trials pane shows is the study's: the same strategy, status and
    /// accuracy as `nas-tui export` reads from the storage file.
    private func assertTrialsMatchStudy(_ screen: String, study: String, _ report: String) throws {
        let export = try CommandLineTests.nasTUI(["export", "--storage", study, "--format", "csv"])
        XCTAssertEqual(export.status, 0, export.stderr)
        let header = export.stdout.split(separator: "\n").first.map { $0.split(separator: ",").map(String.init) } ?? []
        let id = header.firstIndex(of: "id"), status = header.firstIndex(of: "status")
        let accuracy = header.firstIndex { $0.hasPrefix("acc") || $0 == "objective" || $0 == "value" }
        let rows = Dictionary(export.stdout.split(separator: "\n").dropFirst().compactMap { line -> (String, [String])? in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard let id, id < fields.count else { return nil }
            return (fields[id], fields)
        }, uniquingKeysWith: { a, _ in a })
        var checked = 0
        for row in screen.split(separator: "\n") {
            // "│ 8952 evolution complete  88.84   1.68 344.3k      0 |nor_conv…│" (or with '|' frames).
            let words = row.dropFirst().split(separator: " ")
            guard words.count >= 4, let trial = Int(words[0]), ["complete", "pruned", "failed", "running"].contains(String(words[2]))
            else { continue }
            let fields = try XCTUnwrap(rows[String(trial)], "trial \(trial) on the screen is not in the study (\(report))")
            if let status { XCTAssertEqual(fields[status], String(words[2]), "status of trial \(trial) (\(report))") }
            if let accuracy, words[2] == "complete", let shown = Double(words[3]), let stored = Double(fields[accuracy]) {
                let percent = stored <= 1 ? stored * 100 : stored
                XCTAssertEqual(shown, percent, accuracy: 0.006, "accuracy of trial \(trial) (\(report))")
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 0, "no trial rows on the screen after the storm (\(report)):\n\(screen)")
    }
}
