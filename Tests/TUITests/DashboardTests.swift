import XCTest
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

    func testFullDashboardAtTwoSizes() {
        for (w, h) in [(80, 24), (200, 60), (120, 24), (60, 16)] {
            let (c, _) = render(Fixture.study(), w, h)
            for part in ["Fitness", "Operations", "Loss", "Pareto", "Trials", "evolution", "RUNNING", "12/100"] {
                XCTAssertTrue(c.text.contains(part), "\(part) at \(w)x\(h)\n\(c.text)")
            }
            XCTAssertTrue(c.lines()[h - 2].contains("91.00%"), "log line above the status bar\n\(c.text)")
        }
        var paused = Fixture.study(state: .paused)
        paused.dataNote = "Fashion-MNIST not installed: running on synthetic"
        let (p, _) = render(paused, 80, 24)
        XCTAssertTrue(p.lines()[23].contains("PAUSED"))
        XCTAssertTrue(p.text.contains("synthetic"))
        let (f, _) = render(Fixture.study(state: .finished), 80, 24)
        XCTAssertTrue(f.lines()[23].contains("FINISHED"))
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

    func testNeverCrashesAtAnySize() {
        let snaps = [Snapshot(), Fixture.study(), Fixture.study(trials: 1, state: .finished)]
        var states: [DashboardState] = [DashboardState()]
        var z = DashboardState(); z.zoomed = true; z.focus = .operations; z.showValues = true; states.append(z)
        var hp = DashboardState(); hp.showHelp = true; hp.table.selected = 5_000; states.append(hp)
        var pk = DashboardState(); pk.picker = StrategyPicker(current: "tpe"); pk.quitting = true; states.append(pk)
        let sizes = [(0, 0), (1, 1), (2, 1), (1, 30), (10, 3), (59, 16), (60, 15), (60, 16), (61, 17), (80, 24),
                     (99, 29), (100, 29), (100, 30), (133, 41), (200, 60), (400, 120)]
        for g in [GlyphSet.unicode, .ascii] {
            for s in snaps {
                for st in states {
                    for (w, h) in sizes {
                        let (c, _) = render(s, w, h, glyphs: g, state: st)
                        XCTAssertEqual(c.lines().count, h)
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
