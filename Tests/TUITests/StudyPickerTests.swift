import XCTest
import Engine
@testable import TUI

/// The study picker (attach and view without --study) on the test backend.
final class StudyPickerTests: XCTestCase {
    static let studies = [
        StudySummary(name: "darts-evolution", status: "running", strategy: "evolution", space: "darts", budget: 30,
                     complete: 11, pruned: 2, failed: 1, running: 1, bestAccuracy: 0.8812, bestTrialID: 9, created: 0, updated: 0),
        StudySummary(name: "nb201-tpe", status: "finished", strategy: "tpe", space: "nb201", budget: 1000,
                     complete: 1000, pruned: 0, failed: 0, running: 0, bestAccuracy: 0.9137, bestTrialID: 512, created: 0, updated: 0),
        StudySummary(name: "fresh", status: "paused", strategy: "random", space: "chain", budget: 20,
                     complete: 0, pruned: 0, failed: 0, running: 0, bestAccuracy: nil, bestTrialID: nil, created: 0, updated: 0),
    ]

    private func row(_ text: String, _ w: Int) -> String { "│" + text + String(repeating: " ", count: w - 2 - text.count) + "│" }

    func testTheListShowsNameStatusTrialsAndBest() {
        var picker = StudyPicker(studies: Self.studies, storage: "runs/many.db")
        var c = Canvas(width: 80, height: 12)
        picker.render(into: &c, area: c.bounds)
        let lines = c.lines()
        XCTAssertEqual(lines[0], PaneRenderTests.topBorder("Studies in runs/many.db", "3 studies", width: 80))
        // Columns: study (what the fixed ones leave: 34 of 78), status 8, trials 11 (right), best % 6
        // (right), strategy 9, space 5, one space apart.
        func cells(_ name: String, _ status: String, _ trials: String, _ best: String, _ strategy: String, _ space: String) -> String {
            func left(_ t: String, _ w: Int) -> String { t + String(repeating: " ", count: w - t.count) }
            func right(_ t: String, _ w: Int) -> String { String(repeating: " ", count: w - t.count) + t }
            return [left(name, 34), left(status, 8), right(trials, 11), right(best, 6), left(strategy, 9), left(space, 5)]
                .joined(separator: " ")
        }
        XCTAssertEqual(lines[1], row(cells("study", "status", "trials", "best %", "strategy", "space"), 80))
        XCTAssertEqual(lines[2], row(cells("darts-evolution", "running", "14/30 +1", "88.12", "evolution", "darts"), 80))
        XCTAssertEqual(lines[3], row(cells("nb201-tpe", "finished", "1000/1000", "91.37", "tpe", "nb201"), 80))
        XCTAssertEqual(lines[4], row(cells("fresh", "paused", "0/20", "-", "random", "chain"), 80))
        XCTAssertEqual(lines[5], row("", 80))
        XCTAssertEqual(lines[10], "└" + String(repeating: "─", count: 78) + "┘")
        XCTAssertEqual(lines[11], " pick a study" + String(repeating: " ", count: 22) + "up/down select  enter opens  q or esc leaves ")
        XCTAssertEqual(c[1, 2].style.bg, .role(.selection), "the first study is highlighted")
        XCTAssertEqual(c[1, 3].style, .role(.complete))
    }

    func testArrowsAndEnterPickAndQOrEscLeave() {
        let down = TestBackend(size: Size(width: 80, height: 12), script: [.idle, .key(.down), .key(.char("j")), .idle, .key(.up), .key(.enter)])
        var picker = StudyPicker(studies: Self.studies, storage: "s.db")
        XCTAssertEqual(picker.run(on: down), "nb201-tpe")
        XCTAssertEqual(down.draws, 2, "the first frame, and the frame after the keys of the second")
        XCTAssertEqual(down.screen?[1, 4].style.bg, .role(.selection), "the last frame showed the third study selected")
        for key in [Key.char("q"), .escape] {
            let b = TestBackend(size: Size(width: 80, height: 12), script: [.key(.char("G")), .key(key)])
            var p = StudyPicker(studies: Self.studies, storage: "s.db")
            XCTAssertNil(p.run(on: b), "\(key) leaves")
        }
        let end = TestBackend(size: Size(width: 80, height: 12), script: [.key(.end), .key(.enter)])
        var e = StudyPicker(studies: Self.studies, storage: "s.db")
        XCTAssertEqual(e.run(on: end), "fresh")
        // Nothing picked within the frames given: nil, and the screen stays up meanwhile.
        let idle = TestBackend(size: Size(width: 80, height: 12))
        var i = StudyPicker(studies: Self.studies, storage: "s.db")
        XCTAssertNil(i.run(on: idle, maxFrames: 10))
        XCTAssertEqual(idle.clock, 0.9, accuracy: 1e-9)
        XCTAssertEqual(idle.draws, 1)
    }

    func testManyStudiesScrollAndResizeRedraws() {
        let many = (0..<200).map { i in
            StudySummary(name: "study-\(i)", status: "finished", strategy: "random", space: "nb201", budget: 10, complete: 10,
                         pruned: 0, failed: 0, running: 0, bestAccuracy: 0.5, bestTrialID: 1, created: 0, updated: 0)
        }
        let backend = TestBackend(size: Size(width: 60, height: 10), script: [
            .key(.pageDown), .key(.pageDown), .idle, .resize(Size(width: 100, height: 30)), .idle, .key(.enter),
        ])
        var picker = StudyPicker(studies: many, storage: "s.db")
        XCTAssertEqual(picker.run(on: backend), "study-10", "two pages of five rows down")
        XCTAssertEqual(backend.invalidations, 1)
        XCTAssertEqual(backend.screen?.size, Size(width: 100, height: 30))
        XCTAssertEqual(backend.lines[0], PaneRenderTests.topBorder("Studies in s.db", "11/200 studies", width: 100))
    }

    func testSmallTerminalsAndEmptyLists() {
        for (w, h) in [(1, 1), (39, 8), (40, 7), (10, 3)] {
            var p = StudyPicker(studies: Self.studies, storage: "s.db")
            var c = Canvas(width: w, height: h)
            p.render(into: &c, area: c.bounds)
            let shown = c.text.filter { $0 != " " && $0 != "\n" }
            let message = TooSmallMessage(need: StudyPicker.minimumSize, have: c.size).message().filter { $0 != " " }
            XCTAssertTrue(message.hasPrefix(shown) && !shown.isEmpty, "\(w)x\(h): \(shown)")
        }
        var empty = StudyPicker(studies: [], storage: "s.db")
        XCTAssertNil(empty.selected)
        XCTAssertEqual(empty.handle(.enter), .stay)
        // One study or none: no screen at all.
        XCTAssertEqual(try TUIApp.pickStudy([Self.studies[1]], storage: "s.db", themes: nil, themeName: nil), "nb201-tpe")
        XCTAssertNil(try TUIApp.pickStudy([], storage: "s.db", themes: nil, themeName: nil))
    }
}
