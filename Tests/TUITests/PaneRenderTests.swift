import XCTest
import Foundation
import Engine
@testable import TUI

/// Hand-made snapshots for the pane, key map and dashboard tests.
enum Fixture {
    static let ops = ["sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5",
                      "max_pool_3x3", "avg_pool_3x3", "skip_connect", "none"]
    static let edges = ["0-2", "1-2", "0-3", "1-3", "2-3", "0-4", "1-4", "2-4", "3-4", "0-5", "1-5", "2-5", "3-5", "4-5"]

    /// Row r of the normal cell peaks at column r % 8, of the reduction cell at (r + 3) % 8.
    static func weights(shift: Int) -> [[Double]] {
        let low: Double = 0.4 / Double(ops.count - 1)
        return (0..<edges.count).map { (r: Int) -> [Double] in
            (0..<ops.count).map { (j: Int) -> Double in j == (r + shift) % ops.count ? 0.6 : low }
        }
    }

    static func curve(_ i: Int, epochs: Int) -> [CurvePoint] {
        (1...epochs).map { (e: Int) -> CurvePoint in
            let de = Double(e), di = Double(i)
            let train: Double = 1.2 - 0.2 * de - 0.01 * di
            let val: Double = 1.3 - 0.2 * de
            let acc: Double = 0.5 + 0.1 * de
            return CurvePoint(epoch: e, trainLoss: train, validationLoss: val, trainAccuracy: acc, validationAccuracy: acc)
        }
    }

    static func trial(_ i: Int) -> TrialRow {
        let status: TrialRow.Status = i == 3 ? .pruned : (i == 5 ? .failed : .complete)
        return TrialRow(id: i, strategy: i < 6 ? "evolution" : "tpe", status: status, summary: "arch-\(i)",
                        accuracy: status == .failed ? nil : 0.80 + 0.01 * Double(i),
                        fitness: status == .failed ? nil : 0.80 + 0.01 * Double(i),
                        latencyMs: status == .failed ? nil : 2 + 0.5 * Double(i),
                        parameters: 100_000 + 1000 * i, flops: 1_000_000, curve: status == .failed ? [] : curve(i, epochs: 2))
    }

    /// 12 finished trials (#3 pruned, #5 failed), #12 running, a switch to tpe after 6 trials.
    static func study(trials n: Int = 12, state: EngineState = .running) -> Snapshot {
        var s = Snapshot()
        s.experiment = "test"
        s.space = "darts"
        s.strategy = "evolution"
        s.state = state
        s.budget = 100
        s.finishedTrials = n
        s.elapsedSeconds = 95
        s.etaSeconds = 300
        for i in 0..<n { s.trials.append(trial(i)) }
        s.running = TrialRow(id: n, strategy: "evolution", status: .running, summary: "arch-\(n)", curve: curve(n, epochs: 1))
        s.runningProgress = 0.45
        s.fitness = (1...min(n, 12)).map { k in
            FitnessPoint(trials: k, best: 0.80 + 0.01 * Double(k - 1), median: 0.78 + 0.005 * Double(k), strategy: k <= 6 ? "evolution" : "tpe")
        }
        s.switches = [(trials: 6, strategy: "tpe")]
        s.operations = OperationWeights(columns: ops, rows: edges, normal: weights(shift: 0), reduce: weights(shift: 3),
                                        source: "softmax(alpha)")
        s.paretoFront = [0, 4, min(11, n - 1)].filter { $0 >= 0 && $0 < n }.compactMap { i in
            let t = s.trials[i]
            guard let latency = t.latencyMs, let accuracy = t.accuracy else { return nil }
            return FrontPoint(id: t.id, latencyMs: latency, accuracy: accuracy)
        }
        s.latencyTarget = 5
        s.best = s.trials[min(11, n - 1)]
        s.log = ["trial 0 complete", "trial \(n - 1) complete: 91.00%"]
        s.storagePath = "study.db"
        return s
    }

    static func render(_ kind: PaneKind, _ s: Snapshot, width: Int, height: Int, glyphs: GlyphSet = .unicode,
                       state: DashboardState = DashboardState()) -> (Canvas, DashboardState) {
        var c = Canvas(width: width, height: height, glyphs: glyphs)
        var st = state
        Dashboard(snapshot: s).renderPane(kind, into: &c, area: c.bounds, state: &st)
        return (c, st)
    }
}

final class PaneRenderTests: XCTestCase {
    let sizes = [(80, 24), (200, 60)]

    /// The top border of a pane as PaneFrame draws it: the title at the left, the subtitle (when
    /// there is one) right-aligned one border cell before the corner.
    static func topBorder(_ title: String, _ subtitle: String?, width: Int) -> String {
        let head = "┌ \(title) "
        let tail = subtitle.map { " \($0) ─┐" } ?? "┐"
        return head + String(repeating: "─", count: width - head.count - tail.count) + tail
    }

    func testEveryPaneHasItsTitleAtTwoSizes() {
        let subtitles: [PaneKind: (study: String?, empty: String?)] = [
            .fitness: ("after 12 trials", nil),
            .operations: ("softmax(alpha)", nil),
            .loss: ("trial #12 running (latest)", nil),
            .pareto: ("latency ms vs accuracy %", "latency ms vs accuracy %"),
            .trials: ("12 finished, #12 running 45%", "0 finished"),
        ]
        for (w, h) in sizes {
            for kind in PaneKind.allCases {
                for (s, sub) in [(Fixture.study(), subtitles[kind]!.study), (Snapshot(), subtitles[kind]!.empty)] {
                    let (c, _) = Fixture.render(kind, s, width: w, height: h)
                    let lines = c.lines()
                    XCTAssertEqual(lines[0], Self.topBorder(kind.title, sub, width: w), "\(kind) \(w)x\(h)")
                    XCTAssertEqual(lines[h - 1], "└" + String(repeating: "─", count: w - 2) + "┘", "\(kind) \(w)x\(h)")
                    for y in 1..<(h - 1) {
                        XCTAssertTrue(lines[y].hasPrefix("│") && lines[y].hasSuffix("│"), "\(kind) row \(y): \(lines[y])")
                    }
                }
            }
        }
    }

    func testFitnessShowsBestMedianAndStrategySwitch() {
        for (w, h) in sizes {
            let (c, _) = Fixture.render(.fitness, Fixture.study(), width: w, height: h)
            let t = c.text
            XCTAssertTrue(t.contains("best 0.9100"), t)
            XCTAssertTrue(t.contains("median 0.8400"), t)
            XCTAssertTrue(t.contains("after 12 trials"), t)
            XCTAssertTrue(c.lines().dropFirst(2).contains { $0.contains("tpe") }, "switch marker labelled: \(t)")
            XCTAssertTrue(t.unicodeScalars.contains { (0x2801...0x28ff).contains($0.value) }, "braille lines")
        }
        let (empty, _) = Fixture.render(.fitness, Snapshot(), width: 80, height: 24)
        XCTAssertTrue(empty.text.contains("no finished trials yet"))
    }

    /// The x of column `j` of the heatmap in an OperationsPane drawn over the whole canvas.
    private func heatmapCell(_ c: Canvas, row: Int, column j: Int) -> Character {
        let body = c.bounds.inset(by: 1).inset(top: 1)
        let map = Heatmap(rowLabels: Fixture.edges, columns: Fixture.ops, values: [])
        let (label, col) = map.layout(width: body.width)
        return c[body.x + label + 1 + j * col, body.y + 1 + row].char
    }

    func testOperationsMarksArgmaxAndTogglesCellAndValues() {
        for (w, h) in sizes {
            let s = Fixture.study()
            let (c, _) = Fixture.render(.operations, s, width: w, height: h)
            XCTAssertTrue(c.lines()[0].contains("softmax(alpha)"), c.lines()[0])
            XCTAssertTrue(c.text.contains("normal cell"))
            let visible = min(Fixture.edges.count, h - 4)
            for r in 0..<visible {
                XCTAssertEqual(heatmapCell(c, row: r, column: r % 8), "◆", "row \(r) at \(w)x\(h)\n\(c.text)")
                XCTAssertNotEqual(heatmapCell(c, row: r, column: (r + 1) % 8), "◆")
            }
            var st = DashboardState()
            st.showReduce = true
            let (rc, _) = Fixture.render(.operations, s, width: w, height: h, state: st)
            XCTAssertTrue(rc.text.contains("reduce cell"))
            XCTAssertEqual(heatmapCell(rc, row: 0, column: 3), "◆")
            st.showValues = true
            let (vc, _) = Fixture.render(.operations, s, width: w, height: h, state: st)
            XCTAssertTrue(vc.text.contains("0.06"), vc.text)
        }
        // The sample-based strategies' source shows too; no weights: a placeholder.
        var s = Fixture.study()
        s.operations?.source = "op frequency, top 10"
        s.operations?.reduce = nil
        let (c, _) = Fixture.render(.operations, s, width: 80, height: 24)
        XCTAssertTrue(c.lines()[0].contains("op frequency, top 10"))
        XCTAssertFalse(c.text.contains("normal cell"))
        let (e, _) = Fixture.render(.operations, Snapshot(), width: 80, height: 24)
        XCTAssertTrue(e.text.contains("no operation weights yet"))
    }

    func testOperationsScrollsWhenRowsDoNotFit() {
        var st = DashboardState()
        st.focus = .operations
        st.heatmapOffset = 100
        let (c, after) = Fixture.render(.operations, Fixture.study(), width: 60, height: 10, state: st)
        // 10 rows: border 2, caption 1, header 1 → 6 edge rows; offset clamped to 14 - 6.
        XCTAssertEqual(after.heatmapOffset, 8)
        XCTAssertTrue(c.text.contains("9-14/14"), c.text)
        XCTAssertTrue(c.text.contains("4-5"))
        XCTAssertFalse(c.text.contains("0-2"))
    }

    func testLossFollowsLatestOrSelectedTrial() {
        let s = Fixture.study()
        for (w, h) in sizes {
            let (c, _) = Fixture.render(.loss, s, width: w, height: h)
            XCTAssertTrue(c.lines()[0].contains("trial #12 running (latest)"), c.lines()[0])
            XCTAssertTrue(c.text.contains("train 0.8800"), c.text)
            var st = DashboardState()
            st.table.selected = 3
            let (p, _) = Fixture.render(.loss, s, width: w, height: h, state: st)
            XCTAssertTrue(p.lines()[0].contains("trial #3 pruned"), p.lines()[0])
            XCTAssertTrue(p.text.contains("val 0.9000"))
            // The pruned trial's status word is drawn in the pruned colour.
            let row = p.lines()[1]
            let x = row.distance(from: row.startIndex, to: row.range(of: "pruned")!.lowerBound)
            XCTAssertEqual(p[x, 1].style.fg, .role(.pruned))
        }
        // Other trials are faint and in their status colours.
        let chart = LossPane(snapshot: s).chart(for: s.running)
        XCTAssertEqual(chart.series.count, 11 + 2)  // 11 finished with curves, train and val
        XCTAssertTrue(chart.series.dropLast(2).allSatisfy { $0.style.attrs.contains(.dim) })
        XCTAssertTrue(chart.series.contains { $0.style.fg == .role(.pruned) })
        let (e, _) = Fixture.render(.loss, Snapshot(), width: 80, height: 24)
        XCTAssertTrue(e.text.contains("no trials yet"))
    }

    func testTheLossPaneLooksForFaintCurvesAmongTheLatestTrialsOnly() {
        // Trial 1 has a curve; then come tabular trials without curves, one more with a curve
        // 100 rows before the end. Only the recent one is drawn faint: a frame does not scan the study.
        var s = Snapshot()
        s.trials.append(Fixture.trial(1))
        let count = LossPane.recentRows + 200
        for id in 2...count {
            s.trials.append(id == count - 100 ? Fixture.trial(id) : TrialRow(id: id, strategy: "random", status: .complete, summary: "t\(id)"))
        }
        let chart = LossPane(snapshot: s).chart(for: nil)
        XCTAssertEqual(chart.series.map(\.name), ["#\(count - 100)"])
    }

    func testOneDivergingTrialDoesNotFlattenTheLossCurve() {
        var s = Snapshot()
        var wild = Fixture.trial(0)
        wild.curve[0].validationLoss = 50
        s.trials.append(wild)
        s.trials.append(Fixture.trial(1))
        var st = DashboardState()
        st.table.selected = 1
        let chart = LossPane(snapshot: s).chart(for: st.selectedTrial(in: s))
        let y = chart.resolvedRanges().y
        XCTAssertLessThan(y.upperBound, 2, "\(y)")
        XCTAssertLessThanOrEqual(y.lowerBound, 0.79)
        let (c, _) = Fixture.render(.loss, s, width: 60, height: 14, state: st)
        XCTAssertFalse(c.text.contains("50"), c.text)
    }

    func testParetoDrawsTargetFrontBestAndSelection() {
        let s = Fixture.study()
        for (w, h) in sizes {
            let (c, _) = Fixture.render(.pareto, s, width: w, height: h)
            let t = c.text
            XCTAssertTrue(t.contains("target 5.00ms"), t)
            XCTAssertTrue(t.contains("11 trials"))  // the failed one has no latency
            XCTAssertTrue(t.contains("front 3"))
            XCTAssertTrue(t.contains("◆ best #11 91.00% 7.50ms"), t)
            XCTAssertGreaterThanOrEqual(t.filter { $0 == "┆" }.count, (h - 4) / 2, "dashed target line")
            XCTAssertEqual(c.lines().dropFirst(2).joined().filter { $0 == "◆" }.count, 1, "best marked on the chart")
            var st = DashboardState()
            st.table.selected = 4
            let (sc, _) = Fixture.render(.pareto, s, width: w, height: h, state: st)
            XCTAssertTrue(sc.text.contains("× #4 84.00% 4.00ms"))
            let body = sc.lines().dropFirst(2)
            XCTAssertEqual(body.joined().filter { $0 == "×" }.count, 1, "selected trial highlighted")
        }
        let (ascii, _) = Fixture.render(.pareto, s, width: 80, height: 24, glyphs: .ascii)
        XCTAssertTrue(ascii.text.contains("* best #11"))
        XCTAssertFalse(ascii.text.unicodeScalars.contains { $0.value > 127 })
        XCTAssertTrue(ParetoPane.trial(id: 7, in: s.trials)?.id == 7)
        XCTAssertNil(ParetoPane.trial(id: 99, in: s.trials))
    }

    /// A tabular study evaluates a cell again and again: the repeats are counted, on the front
    /// too, and the chart is the one without them (each point is drawn once).
    func testParetoCountsTiedTrialsAndDrawsEachPointOnce() {
        let s = Fixture.study()
        var tied = s
        for id in 13...17 {
            var again = Fixture.trial(11)
            again.id = id
            tied.trials.append(again)
        }
        tied.paretoFront = s.paretoFront.map { p in
            var p = p
            if p.id == 11 { p.trials = 6 }
            return p
        }
        let (plain, _) = Fixture.render(.pareto, s, width: 70, height: 18)
        let (repeated, _) = Fixture.render(.pareto, tied, width: 70, height: 18)
        XCTAssertTrue(repeated.text.contains("16 trials  front 8 (3 points)"), repeated.text)
        XCTAssertTrue(plain.text.contains("11 trials  front 3  "), plain.text)
        XCTAssertEqual(Array(repeated.lines().dropFirst(2)), Array(plain.lines().dropFirst(2)), "the same chart")
        XCTAssertEqual(ParetoPane.frontLabel([FrontPoint(id: 1, latencyMs: 1, accuracy: 0.5, trials: 2)]), "front 2 (1 point)")
    }

    /// A trials-table row as the pane draws it at `width`: the columns of `TrialsPane.columns`.
    static func tableRow(_ cells: String, width: Int) -> String {
        "│" + cells + String(repeating: " ", count: width - 2 - cells.count) + "│"
    }

    func testTrialsTableSelectionAndRunningRow() {
        let s = Fixture.study()
        for (w, h) in sizes {
            let (c, st) = Fixture.render(.trials, s, width: w, height: h)
            let lines = c.lines()
            XCTAssertEqual(lines[1], Self.tableRow("   id strategy  status    acc % lat ms params epochs arch", width: w))
            XCTAssertEqual(lines[0], Self.topBorder("Trials", "12 finished, #12 running 45%", width: w))
            // Every trial in id order, the running one last (all 13 fit at both sizes).
            XCTAssertEqual(lines[2], Self.tableRow("    0 evolution complete  80.00   2.00   100k      2 arch-0", width: w))
            XCTAssertEqual(lines[5], Self.tableRow("    3 evolution pruned    83.00   3.50   103k      2 arch-3", width: w))
            XCTAssertEqual(lines[7], Self.tableRow("    5 evolution failed        -      -   105k      0 arch-5", width: w))
            XCTAssertEqual(lines[13], Self.tableRow("   11 tpe       complete  91.00   7.50   111k      2 arch-11", width: w))
            XCTAssertEqual(lines[14], Self.tableRow("   12 evolution running       -      -      -      1 arch-12", width: w))
            XCTAssertEqual(lines[15], Self.tableRow("", width: w), "nothing after the running trial")
            XCTAssertEqual(c[1, 13].style, .role(.best, .bold), "the best trial's row")
            XCTAssertEqual(c[1, 14].style, .role(.running, .bold), "the running trial's row")
            XCTAssertEqual(c[1, 5].style, .role(.pruned))
            XCTAssertNil(st.table.selected)
            var sel = DashboardState()
            sel.table.selected = 4
            let (sc, _) = Fixture.render(.trials, s, width: w, height: h, state: sel)
            XCTAssertEqual(sc.lines()[6], Self.tableRow("    4 evolution complete  84.00   4.00   104k      2 arch-4", width: w))
            XCTAssertEqual(sc[1, 6].style.bg, .role(.selection))
            XCTAssertEqual(sc[w - 2, 6].style.bg, .role(.selection))
            XCTAssertNotEqual(sc[1, 7].style.bg, .role(.selection))
            XCTAssertNotEqual(sc[1, 5].style.bg, .role(.selection))
        }
        let (e, _) = Fixture.render(.trials, Snapshot(), width: 80, height: 24)
        XCTAssertEqual(e.lines()[12], Self.tableRow(String(repeating: " ", count: 32) + "no trials yet", width: 80))
    }

    func testTenThousandTrialsStayCheap() {
        let s = Fixture.study(trials: 10_000)
        XCTAssertEqual(s.trials.count, 10_000)
        var calls = 0
        let pane = TrialsPane(snapshot: s)
        var table = pane.table()
        let provider = table.row
        table.row = { calls += 1; return provider($0) }
        var c = Canvas(width: 200, height: 60)
        var st = DashboardState()
        pane.render(into: &c, area: c.bounds, state: &st, table: table)
        XCTAssertEqual(calls, 57, "only the visible rows are formatted")  // 60 - 2 borders - 1 header
        // Follows the tail: the last finished trial, then the running one on the last row.
        XCTAssertTrue(c.row(57).hasPrefix("│ 9999 tpe       complete "), c.row(57))
        XCTAssertEqual(c.row(58), Self.tableRow("10000 evolution running       -      -      -      1 arch-10000", width: 200))
        let header = "   id strategy  status    acc % lat ms params epochs arch"
        XCTAssertEqual(c.row(1), "│" + header + String(repeating: " ", count: 198 - header.count - 11) + " 9945/10001│",
                       "the scroll hint: the first row shown of all rows")
        st.table.selected = 0
        calls = 0
        pane.render(into: &c, area: c.bounds, state: &st, table: table)
        XCTAssertEqual(calls, 57)
        XCTAssertEqual(c.row(2), Self.tableRow("    0 evolution complete  80.00   2.00   100k      2 arch-0", width: 200))

        // The whole dashboard, at both sizes, in well under a second (debug build).
        for (w, h) in sizes {
            var canvas = Canvas(width: w, height: h)
            var state = DashboardState()
            let start = Date()
            Dashboard(snapshot: s).render(into: &canvas, state: &state)
            let elapsed = Date().timeIntervalSince(start)
            XCTAssertLessThan(elapsed, 0.5, "\(w)x\(h) took \(elapsed)s")
            let bar = canvas.row(h - 1)
            XCTAssertTrue(bar.hasPrefix(w >= 100 ? " evolution  RUNNING  10000/100 (100%)  best " : " evolution  RUNNING  10000/100  best "), bar)
        }
    }

    func testStatusLineShowsStateBudgetTimesBestAndNotes() {
        var s = Fixture.study(state: .paused)
        s.dataNote = "Fashion-MNIST not installed: synthetic data"
        var c = Canvas(width: 120, height: 2)
        var st = DashboardState()
        StatusLine(snapshot: s).render(into: &c, area: c.bounds, state: st)
        let bar = c.lines()[1], log = c.lines()[0]
        for part in ["evolution", "PAUSED", "12/100", "best 91.00%", "1:35", "ETA 5:00", "? help"] {
            XCTAssertTrue(bar.contains(part), "\(part) in \(bar)")
        }
        XCTAssertTrue(log.contains("trial 11 complete: 91.00%"), log)
        XCTAssertTrue(log.contains("synthetic data"), log)
        st.flash = Flash(text: "select the running trial", until: 10, isWarning: true)
        StatusLine(snapshot: s).render(into: &c, area: c.bounds, state: st)
        XCTAssertTrue(c.lines()[0].contains("select the running trial"))
        s.state = .finished
        st.quitting = true
        StatusLine(snapshot: s).render(into: &c, area: c.bounds, state: st)
        XCTAssertTrue(c.lines()[1].contains("FINISHED"))
        XCTAssertFalse(c.lines()[1].contains("ETA"))
        s.state = .running
        StatusLine(snapshot: s).render(into: &c, area: c.bounds, state: st)
        XCTAssertTrue(c.lines()[1].contains("STOPPING"))
        XCTAssertTrue(c.lines()[1].contains("stopping…"))
        XCTAssertEqual(Format.duration(3725), "1:02:05")
        XCTAssertEqual(StatusLine.budgetText(Snapshot()), "0 trials")
    }
}
