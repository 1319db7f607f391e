import XCTest
import Foundation
import Engine
@testable import TUI

final class DashboardTests: XCTestCase {
    private func render(_ s: Snapshot, _ w: Int, _ h: Int, glyphs: GlyphSet = .unicode,
                        state: DashboardState = DashboardState()) -> (Canvas, DashboardState) {
        var c = Canvas(width: w, height: h, glyphs: glyphs)
        var st = state
        Dashboard(snapshot: s).render(into: &c, state: &st)
        return (c, st)
    }

    /// The status bar of `Fixture.study()` at each width the tests use, written out in full.
    static let statusBars: [Int: String] = [
        60: " evolution  RUNNING  12/100  best 91.00%  1… ? help  q quit ",
        80: " evolution  RUNNING  12/100  best 91.00%  1:35  ETA 5:00         ? help  q quit ",
        120: " evolution  RUNNING  12/100 (12%)  best 91.00%  1:35  ETA 5:00" + String(repeating: " ", count: 22)
            + "p pause  s strategy  ? help  q quit ",
        200: " evolution  RUNNING  12/100 (12%)  best 91.00%  1:35  ETA 5:00" + String(repeating: " ", count: 69)
            + "p pause  s strategy  e export  +/- budget  a enqueue  ? help  q quit ",
    ]

    /// Each pane's top border starts with its title at the pane's own position.
    static func assertTitlesAtTheirPlaces(_ c: Canvas, file: StaticString = #filePath, line: UInt = #line) {
        guard let layout = DashboardLayout.make(area: c.bounds) else { return XCTFail("no layout for \(c.size)", file: file, line: line) }
        let g = c.glyphs
        for (kind, r) in layout.panes {
            let top = c.row(r.y, from: r.x, length: r.width)
            XCTAssertTrue(top.hasPrefix("\(g.topLeft) \(kind.title) "), "\(kind) at \(r): \(top)", file: file, line: line)
            XCTAssertTrue(top.hasSuffix("\(g.horizontal)\(g.topRight)"), "\(kind) at \(r): \(top)", file: file, line: line)
            let bottom = c.row(r.maxY - 1, from: r.x, length: r.width)
            XCTAssertEqual(bottom, "\(g.bottomLeft)" + String(repeating: g.horizontal, count: r.width - 2) + "\(g.bottomRight)",
                           "\(kind) bottom at \(r)", file: file, line: line)
        }
    }

    func testFullDashboardAtTwoSizes() {
        for (w, h) in [(80, 24), (200, 60), (120, 24), (60, 16)] {
            let (c, _) = render(Fixture.study(), w, h)
            let lines = c.lines()
            Self.assertTitlesAtTheirPlaces(c)
            XCTAssertEqual(lines[h - 1], Self.statusBars[w], "status bar at \(w)x\(h)")
            XCTAssertEqual(lines[h - 2], " trial 11 complete: 91.00%" + String(repeating: " ", count: w - 26),
                           "log line above the status bar\n\(c.text)")
            // The trials table follows the latest: the running trial is its last row.
            let trials = DashboardLayout.make(area: c.bounds)!.panes[.trials]!
            let shown = min(13, trials.height - 3)
            let last = c.row(trials.y + 1 + shown, from: trials.x, length: trials.width)
            XCTAssertTrue(last.hasPrefix("│   12 evolution running       -      -      -      1 arch"), last)
        }
        var paused = Fixture.study(state: .paused)
        paused.dataNote = "Fashion-MNIST not installed: running on synthetic"
        let (p, _) = render(paused, 80, 24)
        XCTAssertEqual(p.lines()[23], " evolution  PAUSED  12/100  best 91.00%  1:35  ETA 5:00          ? help  q quit ")
        XCTAssertEqual(p.lines()[22], " trial 11 complete: 91.00%    Fashion-MNIST not installed: running on synthetic ")
        let (f, _) = render(Fixture.study(state: .finished), 80, 24)
        XCTAssertEqual(f.lines()[23], " evolution  FINISHED  12/100  best 91.00%  1:35" + String(repeating: " ", count: 18) + "? help  q quit ")
    }

    func testLayouts() {
        let big = DashboardLayout.make(area: Rect(x: 0, y: 0, width: 200, height: 60))!
        XCTAssertEqual(big.panes[.fitness]!.y, big.panes[.operations]!.y)
        XCTAssertLessThan(big.panes[.fitness]!.y, big.panes[.loss]!.y)
        XCTAssertEqual(big.panes[.trials]!.width, 200, "trials across the bottom")
        XCTAssertEqual(big.status, Rect(x: 0, y: 58, width: 200, height: 2))
        let short = DashboardLayout.make(area: Rect(x: 0, y: 0, width: 120, height: 24))!
        XCTAssertEqual(short.panes[.pareto]!.y, short.panes[.fitness]!.y, "three across on wide, short screens")
        XCTAssertEqual(short.panes[.trials]!.y, short.panes[.loss]!.y)
        XCTAssertNil(DashboardLayout.make(area: Rect(x: 0, y: 0, width: 59, height: 40)))
        XCTAssertNil(DashboardLayout.make(area: Rect(x: 0, y: 0, width: 100, height: 15)))
        // No pane overlaps another or the status rows, and all stay inside the screen.
        for (w, h) in [(60, 16), (80, 24), (99, 29), (100, 29), (100, 30), (200, 60), (400, 120)] {
            let area = Rect(x: 0, y: 0, width: w, height: h)
            let l = DashboardLayout.make(area: area)!
            let rects = Array(l.panes.values) + [l.status]
            XCTAssertEqual(l.panes.count, 5)
            for (i, a) in rects.enumerated() {
                XCTAssertEqual(a.intersection(area), a)
                XCTAssertGreaterThanOrEqual(a.height, a == l.status ? 2 : 4, "\(w)x\(h)")
                for b in rects[(i + 1)...] { XCTAssertTrue(a.intersection(b).isEmpty, "\(a) \(b)") }
            }
            XCTAssertEqual(rects.map(\.area).reduce(0, +), w * h, "the panes tile the screen at \(w)x\(h)")
        }
    }

    func testTooSmallSaysTheSizeNeeded() {
        for (w, h) in [(59, 16), (60, 15), (30, 8)] {
            let (c, _) = render(Fixture.study(), w, h)
            let t = c.lines().joined(separator: " ").split(separator: " ").joined(separator: " ")
            XCTAssertTrue(t.contains("terminal too small: need 60×16, have \(w)×\(h)"), c.text)
            XCTAssertFalse(t.contains("Fitness"))
        }
    }

    func testZoomShowsOnlyTheFocusedPane() {
        var st = DashboardState()
        st.focus = .pareto
        st.zoomed = true
        let (c, _) = render(Fixture.study(), 80, 24, state: st)
        XCTAssertTrue(c.lines()[0].hasPrefix("┌ Pareto "), c.lines()[0])
        for other in ["Fitness", "Operations", "Loss", "Trials"] { XCTAssertFalse(c.text.contains(other), other) }
        XCTAssertTrue(c.lines()[23].contains("RUNNING"), "the status bar stays")
        XCTAssertEqual(c[0, 0].style.fg, .role(.borderFocus), "focused border highlighted")
        st.zoomed = false
        let (u, _) = render(Fixture.study(), 80, 24, state: st)
        XCTAssertTrue(u.text.contains("Fitness"))
        // Only the focused pane's border is highlighted.
        let layout = DashboardLayout.make(area: u.bounds)!
        for (kind, r) in layout.panes {
            XCTAssertEqual(u[r.x, r.y].style.fg == .role(.borderFocus), kind == .pareto, "\(kind)")
        }
    }

    func testOverlays() {
        var st = DashboardState()
        st.showHelp = true
        st.themeName = "light"
        let (h, _) = render(Fixture.study(), 80, 24, state: st)
        XCTAssertTrue(h.text.contains("Keys"))
        XCTAssertTrue(h.text.contains("export the best genotype"))
        XCTAssertTrue(h.text.contains("theme: light"))
        st.showHelp = false
        st.picker = StrategyPicker(current: "evolution")
        st.picker!.move(by: 1)
        let (p, _) = render(Fixture.study(), 80, 24, state: st)
        XCTAssertTrue(p.text.contains("Strategy"))
        XCTAssertTrue(p.text.contains("e  evolution  (now)"))
        let y = p.lines().firstIndex { $0.contains("t  tpe") }!
        let x = p.lines()[y].distance(from: p.lines()[y].startIndex, to: p.lines()[y].range(of: "t  tpe")!.lowerBound)
        XCTAssertEqual(p[x, y].style.bg, .role(.selection), "the highlighted strategy")
    }

    /// The too-small message as far as the room shows it: every visible character, in order, is
    /// the message's (wrapped lines start at its beginning; a tiny screen shows only its start).
    static func assertTooSmallMessage(_ c: Canvas, file: StaticString = #filePath, line: UInt = #line) {
        let need = Dashboard.minimumSize
        let message = TooSmallMessage(need: need, have: c.size).message(times: c.glyphs.times).filter { $0 != " " }
        let shown = c.text.filter { $0 != " " && $0 != "\n" }
        XCTAssertFalse(shown.isEmpty, "something is shown at \(c.size)", file: file, line: line)
        XCTAssertTrue(message.hasPrefix(shown), "at \(c.size): \(shown)", file: file, line: line)
        if c.width >= 45 && c.height >= 1 || c.width >= 20 && c.height >= 3 {
            XCTAssertEqual(shown, message, "the whole message fits at \(c.size)", file: file, line: line)
        }
    }

    func testNeverCrashesAtAnySize() {
        let snaps = [Snapshot(), Fixture.study(), Fixture.study(trials: 1, state: .finished)]
        var states: [DashboardState] = [DashboardState()]
        var z = DashboardState(); z.zoomed = true; z.focus = .operations; z.showValues = true; states.append(z)
        var hp = DashboardState(); hp.showHelp = true; hp.table.selected = 5_000; states.append(hp)
        var pk = DashboardState(); pk.picker = StrategyPicker(current: "tpe"); pk.quitting = true; states.append(pk)
        var pr = DashboardState(mode: .view); pr.prompt = LinePrompt(title: "Enqueue", hint: "h")
        for ch in "Genotype(normal=[('sep_conv_3x3', 0)]" { pr.prompt!.insert(ch) }
        states.append(pr)
        var cp = DashboardState(mode: .attach); cp.comparePicker = ComparePicker(studies: ["a", "b"], current: nil); states.append(cp)
        let sizes = [(0, 0), (1, 1), (2, 1), (1, 30), (10, 3), (59, 16), (60, 15), (60, 16), (61, 17), (80, 24),
                     (99, 29), (100, 29), (100, 30), (133, 41), (200, 60), (400, 120)]
        for g in [GlyphSet.unicode, .ascii] {
            for s in snaps {
                for st in states {
                    for (w, h) in sizes {
                        let (c, _) = render(s, w, h, glyphs: g, state: st)
                        if w == 0 || h == 0 {
                            XCTAssertEqual(c.text, "")
                        } else if w < 60 || h < 16 {
                            Self.assertTooSmallMessage(c)
                        } else {
                            // The status bar names the strategy and the state, whatever is open.
                            let word = st.quitting && s.state != .finished ? "STOPPING" : s.state.rawValue
                            let strategy = s.strategy.isEmpty ? "-" : s.strategy
                            let bar = c.row(h - 1)
                            XCTAssertTrue(bar.hasPrefix(" \(strategy)  \(word)  "), "\(w)x\(h): \(bar)")
                            if st == DashboardState() { Self.assertTitlesAtTheirPlaces(c) }
                        }
                        if g == .ascii {
                            XCTAssertFalse(c.text.unicodeScalars.contains { $0.value > 127 }, "ASCII only at \(w)x\(h)\n\(c.text)")
                        }
                    }
                }
            }
        }
        for kind in PaneKind.allCases {
            for r in [Rect.zero, Rect(x: 0, y: 0, width: 1, height: 1), Rect(x: 0, y: 0, width: 3, height: 3),
                      Rect(x: 0, y: 0, width: 7, height: 4), Rect(x: -2, y: -2, width: 5, height: 5)] {
                var c = Canvas(width: 6, height: 6)
                var st = DashboardState()
                st.table.selected = 3
                Dashboard(snapshot: Fixture.study()).renderPane(kind, into: &c, area: r, state: &st)
                // A pane draws only inside its rect.
                let inside = r.intersection(c.bounds)
                for y in 0..<6 { for x in 0..<6 where !inside.contains(x: x, y: y) { XCTAssertEqual(c[x, y], .blank, "\(kind) \(r) at \(x),\(y)") } }
            }
        }
    }

    /// Every size from 1x1 to 300x100 along the layout's edges (every width at the heights where
    /// the layout changes, every height at the widths where it changes) and on a grid between;
    /// NAS_TUI_EVERY_SIZE=1 draws all 30,000 sizes.
    func testEverySizeUpTo300x100() {
        let all = ProcessInfo.processInfo.environment["NAS_TUI_EVERY_SIZE"] == "1"
        var sizes = Set<Size>()
        if all {
            for w in 1...300 { for h in 1...100 { sizes.insert(Size(width: w, height: h)) } }
        } else {
            for w in 1...300 { for h in [1, 15, 16, 30] { sizes.insert(Size(width: w, height: h)) } }
            for h in 1...100 { for w in [1, 59, 60, 100, 300] { sizes.insert(Size(width: w, height: h)) } }
            for w in stride(from: 3, through: 300, by: 29) { for h in stride(from: 2, through: 100, by: 13) { sizes.insert(Size(width: w, height: h)) } }
        }
        var selected = DashboardState()
        selected.table.selected = 7
        selected.focus = .loss
        let s = Fixture.study()
        for size in sizes {
            let (c, _) = render(s, size.width, size.height, state: selected)
            if size.width < 60 || size.height < 16 {
                Self.assertTooSmallMessage(c)
            } else {
                XCTAssertTrue(c.row(size.height - 1).hasPrefix(" evolution  RUNNING  "), "\(size)")
                Self.assertTitlesAtTheirPlaces(c)
            }
        }
    }

    func testEmptyStudy() {
        for (w, h) in [(80, 24), (200, 60)] {
            let (c, st) = render(Snapshot(), w, h)
            for part in ["Fitness", "Operations", "Loss", "Pareto", "Trials", "RUNNING", "0 trials",
                         "no finished trials yet", "no operation weights yet"] {
                XCTAssertTrue(c.text.contains(part), "\(part) at \(w)x\(h)")
            }
            XCTAssertNil(st.table.selected)
        }
    }

    func testQuittingShowsStopping() {
        var st = DashboardState()
        _ = st.apply(.quit, snapshot: Fixture.study(), now: 0)
        let (c, _) = render(Fixture.study(), 80, 24, state: st)
        XCTAssertTrue(c.lines()[23].contains("stopping…"), c.lines()[23])
        XCTAssertTrue(c.lines()[22].contains("stopping"))
    }
}
