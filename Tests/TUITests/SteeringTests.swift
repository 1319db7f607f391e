import XCTest
import Engine
@testable import TUI

/// The keys that steer a study (budget, enqueue, compare, strategies of the space, export in
/// every state) and what the screen shows for several workers, user trials, view mode, devices,
/// sub-epoch losses and comparisons, asserted as whole lines of the dashboard.
final class SteeringTests: XCTestCase {
    private func press(_ keys: [Key], _ state: inout DashboardState, _ s: Snapshot,
                       validate: (String) -> String? = { _ in nil }) -> [DashboardState.Effect] {
        var out: [DashboardState.Effect] = []
        for k in keys {
            if let a = KeyMap.action(for: k, mode: state.inputMode) { out += state.apply(a, snapshot: s, now: 100, validate: validate) }
        }
        return out
    }

    private func render(_ s: Snapshot, _ w: Int, _ h: Int, _ st: DashboardState = DashboardState()) -> Canvas {
        var c = Canvas(width: w, height: h)
        var state = st
        Dashboard(snapshot: s).render(into: &c, state: &state)
        return c
    }

    private func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }

    func testPlusAndMinusChangeTheBudgetByATenthAndWorkOnAFinishedStudy() {
        var st = DashboardState()
        let s = Fixture.study()
        XCTAssertEqual(DashboardState.budgetStep(s), 10)
        XCTAssertEqual(press([.char("+")], &st, s), [.send(.changeBudget(by: 10))])
        XCTAssertEqual(st.flash?.text, "budget 100 to 110 trials (+10)")
        XCTAssertEqual(press([.char("=")], &st, s), [.send(.changeBudget(by: 10))], "= is + without shift")
        XCTAssertEqual(press([.char("-")], &st, s), [.send(.changeBudget(by: -10))])
        XCTAssertEqual(st.flash?.text, "budget 100 to 90 trials (-10)")
        var finished = Fixture.study(state: .finished)
        finished.budget = 12
        finished.runningTrials = []
        XCTAssertEqual(press([.char("+")], &st, finished), [.send(.changeBudget(by: 1))], "a tenth of 12 is at least 1")
        XCTAssertEqual(st.flash?.text, "budget 12 to 13 trials (+1); the study goes on")
        XCTAssertEqual(press([.char("-")], &st, finished), [], "never below the finished trials")
        XCTAssertEqual(st.flash?.text, "the budget (12) cannot go below the 12 finished trials")
        XCTAssertEqual(st.flash?.isWarning, true)
        var near = Fixture.study()
        near.budget = 40
        near.finishedTrials = 38
        XCTAssertEqual(press([.char("-")], &st, near), [.send(.changeBudget(by: -2))], "down to the finished trials, not past them")
        XCTAssertEqual(press([.char("p")], &st, finished), [], "p on a finished study")
        XCTAssertEqual(st.flash?.text, "the search has finished (+ raises the budget to go on)")
        XCTAssertTrue(KeyMap.helpLines.contains("+ / -         raise / lower the budget by a tenth of it"))
    }

    func testExportWorksInEveryState() {
        for state in [EngineState.running, .paused, .finished] {
            var st = DashboardState()
            XCTAssertEqual(press([.char("e")], &st, Fixture.study(state: state)), [.send(.exportBest(path: nil))], "\(state)")
            XCTAssertEqual(st.flash?.text, "exporting the best genotype beside study.db")
        }
        var attach = DashboardState(mode: .attach)
        XCTAssertEqual(press([.char("e")], &attach, Fixture.study(state: .finished)), [.send(.exportBest(path: nil))])
    }

    func testTheStrategyPickerOffersOnlyTheStrategiesOfTheSpace() {
        var s = Fixture.study()
        s.space = "nb201"
        s.strategies = ["random", "evolution", "tpe", "hyperband"]
        var st = DashboardState()
        _ = press([.char("s")], &st, s)
        let c = render(s, 80, 24, st)
        let lines = c.lines()
        let top = lines.firstIndex { $0.contains("┌ Strategy ") }!
        let x = lines[top].distance(from: lines[top].startIndex, to: lines[top].range(of: "┌ Strategy ")!.lowerBound)
        let box = (top..<(top + 8)).map { c.row($0, from: x, length: 27) }
        XCTAssertEqual(box, [
            "┌ Strategy ───────────────┐",
            "│ r  random               │",
            "│ e  evolution  (now)     │",
            "│ t  tpe                  │",
            "│ h  hyperband            │",
            "│                         │",
            "│ enter takes, esc closes │",
            "└─────────────────────────┘",
        ])
        XCTAssertEqual(c[x + 2, top + 2].style.bg, .role(.selection), "opens on the current strategy")
        XCTAssertFalse(c.text.contains("darts"))
        XCTAssertEqual(press([.char("d")], &st, s), [], "d names darts, which nb201 does not allow")
        XCTAssertEqual(st.flash?.text, "darts is not available here; offered: random, evolution, tpe, hyperband")
        XCTAssertEqual(press([.char("s"), .char("h")], &st, s), [.send(.switchStrategy("hyperband"))])
        XCTAssertEqual(press([.char("s"), .down, .enter], &st, s), [.send(.switchStrategy("tpe"))])
        XCTAssertEqual(press([.char("s"), .up, .enter], &st, s), [.send(.switchStrategy("random"))])
        XCTAssertEqual(press([.char("s"), .up, .up, .enter], &st, s), [.send(.switchStrategy("hyperband"))], "wraps around")
    }

    func testTheStatusBarShowsViewStudyWorkersAndSimulatedSeconds() {
        var s = Fixture.study()
        s.study = "nb201-hb"
        s.workers = 3
        s.budgetSeconds = 20_000
        s.spentSeconds = 1234.4
        let view = render(s, 160, 30, DashboardState(mode: .view))
        XCTAssertEqual(view.lines()[29], pad(" evolution  RUNNING  VIEW  nb201-hb  12/100 (12%)  1234/20000 s  3 workers  best 91.00%  1:35  ETA 5:00", 110)
                       + "read-only  tab focus  enter zoom  ? help  q leave ")
        XCTAssertEqual(view[22, 29].style.attrs, [.bold, .reverse], "VIEW stands out")
        let attach = render(s, 180, 30, DashboardState(mode: .attach))
        XCTAssertEqual(attach.lines()[29], pad(" evolution  RUNNING  nb201-hb  12/100 (12%)  1234/20000 s  3 workers  best 91.00%  1:35  ETA 5:00", 109)
                       + "p pause  s strategy  e export  +/- budget  a enqueue  ? help  q detach ")
        var one = Fixture.study()
        one.study = "demo"
        one.budgetSeconds = 50
        one.spentSeconds = 7.25
        XCTAssertEqual(render(one, 80, 24).lines()[23], " evolution  RUNNING  demo  12/100  7.2/50 s  best 91.00%  1:35 … ? help  q quit ",
                       "one worker: no workers segment; the tail gives way to the keys")
    }

    func testTheTrialsTableShowsEveryRunningTrialTheUsersAndTheWorkers() {
        var s = Fixture.study()
        s.workers = 3
        s.runningTrials = [
            TrialRow(id: 12, strategy: "evolution", status: .running, summary: "arch-12", worker: "host-a:1"),
            TrialRow(id: 13, strategy: "evolution", status: .running, summary: "|nor_conv_3x3~0|+|none~0|", origin: "user", worker: "host-b:7"),
            TrialRow(id: 14, strategy: "tpe", status: .running, summary: "arch-14", worker: "host-a:2"),
        ]
        var user = Fixture.trial(11)
        user.origin = "user"
        user.worker = "host-b:7"
        var trials = TrialRows()
        for i in 0..<11 { trials.append(Fixture.trial(i)) }
        trials.append(user)
        s.trials = trials
        let (c, _) = Fixture.render(.trials, s, width: 100, height: 20)
        let row = { (text: String) in "│" + self.pad(text, 98) + "│" }
        XCTAssertEqual(c.lines()[0], PaneRenderTests.topBorder("Trials", "12 finished, 3 running", width: 100))
        XCTAssertEqual(c.lines()[1], row("   id strategy  status    acc % lat ms params epochs worker   arch"))
        XCTAssertEqual(c.lines()[13], row("   11 user      complete  91.00   7.50   111k      2 host-b:7 arch-11"))
        XCTAssertEqual(c.lines()[14], row("   12 evolution running       -      -      -      0 host-a:1 arch-12"))
        XCTAssertEqual(c.lines()[15], row("   13 user      running       -      -      -      0 host-b:7 |nor_conv_3x3~0|+|none~0|"))
        XCTAssertEqual(c.lines()[16], row("   14 tpe       running       -      -      -      0 host-a:2 arch-14"))
        XCTAssertEqual(c.lines()[17], row(""))
        XCTAssertEqual(DashboardState.rowCount(s), 15)
        // One worker: no worker column.
        let (single, _) = Fixture.render(.trials, Fixture.study(), width: 100, height: 20)
        XCTAssertEqual(single.lines()[1], row("   id strategy  status    acc % lat ms params epochs arch"))
    }

    func testTheParetoTitleNamesTheDevice() {
        var s = Fixture.study()
        s.device = "raspi4"
        let (c, _) = Fixture.render(.pareto, s, width: 80, height: 24)
        XCTAssertEqual(c.lines()[0], PaneRenderTests.topBorder("Pareto (raspi4)", "raspi4 latency ms vs accuracy %", width: 80))
        let (plain, _) = Fixture.render(.pareto, Fixture.study(), width: 80, height: 24)
        XCTAssertEqual(plain.lines()[0], PaneRenderTests.topBorder("Pareto", "latency ms vs accuracy %", width: 80))
    }

    /// A one-epoch trial, 45 % through: nine sub-epoch points and no finished epoch yet.
    private func runningOneEpoch() -> Snapshot {
        var s = Fixture.study()
        let steps = (1...9).map { LossPoint(epoch: 0.05 * Double($0), loss: 2.3 - 0.1 * Double($0)) }
        s.running = TrialRow(id: 12, strategy: "evolution", status: .running, summary: "arch-12", steps: steps)
        return s
    }

    func testTheLossPaneDrawsSubEpochStepsWhileAOneEpochTrialRuns() {
        let s = runningOneEpoch()
        let chart = LossPane(snapshot: s).chart(for: s.running)
        let own = chart.series.filter { !$0.name.hasPrefix("#") }
        XCTAssertEqual(own.map(\.name), ["train"])
        XCTAssertEqual(own[0].points.map(\.x), (1...9).map { 0.05 * Double($0) })
        XCTAssertEqual(own[0].points.last?.y ?? 0, 1.4, accuracy: 1e-12)
        let (c, _) = Fixture.render(.loss, s, width: 80, height: 20)
        XCTAssertEqual(c.lines()[0], PaneRenderTests.topBorder("Loss", "trial #12 running (latest)", width: 80))
        XCTAssertEqual(c.lines()[1], "│" + pad("#12  running  train 1.4000  epoch 0.45", 78) + "│")
        XCTAssertFalse(c.text.contains("no epochs finished yet"))
        let trainCells = (2..<19).flatMap { y in (1..<79).filter { x in c[x, y].style == LossPane.trainStyle } }
        XCTAssertGreaterThan(trainCells.count, 20, "the running trial's curve is drawn\n\(c.text)")
        // Finished epochs keep their validation points; the training loss stays sub-epoch.
        var two = s
        two.running?.curve = Fixture.curve(12, epochs: 1)
        two.running?.steps += (10...20).map { LossPoint(epoch: 0.05 * Double($0), loss: 1.3 - 0.02 * Double($0)) }
        let withEpoch = LossPane(snapshot: two).chart(for: two.running).series.filter { !$0.name.hasPrefix("#") }
        XCTAssertEqual(withEpoch.map(\.name), ["train", "val"])
        XCTAssertEqual(withEpoch[0].points.count, 20)
        let (e, _) = Fixture.render(.loss, two, width: 80, height: 20)
        XCTAssertEqual(e.lines()[1], "│" + pad("#12  running  train 0.9000  val 1.1000  epoch 1", 78) + "│")
    }

    func testTheFitnessPaneOverlaysAnotherStudysBestSoFar() {
        var s = Fixture.study()
        s.comparison = ComparisonCurve(study: "tpe-seed2", points: (1...12).map {
            FitnessPoint(trials: $0, best: 0.78 + 0.0125 * Double($0), median: 0.7, strategy: "tpe")
        })
        let (c, _) = Fixture.render(.fitness, s, width: 80, height: 20)
        XCTAssertEqual(c.lines()[1], "│" + pad("best 0.9100  median 0.8400  tpe-seed2 0.9300  tpe", 78) + "│")
        XCTAssertEqual(c[29, 1].style, FitnessPane.comparisonStyle.bold, "the legend names it in its colour")
        let curve = (2..<19).flatMap { y in (1..<79).filter { x in c[x, y].style == FitnessPane.comparisonStyle } }
        XCTAssertGreaterThan(curve.count, 10, "its curve is drawn in its colour")
        XCTAssertEqual(FitnessPane(snapshot: s).chart().series.map(\.name), ["median", "tpe-seed2", "best"])
        // A comparison alone (nothing finished here yet) is drawn too.
        var fresh = Snapshot()
        fresh.comparison = s.comparison
        let (f, _) = Fixture.render(.fitness, fresh, width: 80, height: 20)
        XCTAssertEqual(f.lines()[1], "│" + pad("tpe-seed2 0.9300", 78) + "│")
    }

    func testCOpensThePickerOfOtherStudies() {
        var st = DashboardState()
        XCTAssertEqual(press([.char("C")], &st, Fixture.study()), [])
        XCTAssertEqual(st.flash?.text, "no other study in study.db to compare with")
        XCTAssertNil(st.comparePicker)
        var s = Fixture.study()
        s.otherStudies = ["random-1", "tpe-seed2"]
        _ = press([.char("C")], &st, s)
        XCTAssertEqual(st.inputMode, .comparePicker)
        let c = render(s, 80, 24, st)
        let lines = c.lines()
        let top = lines.firstIndex { $0.contains("┌ Compare with ") }!
        let x = lines[top].distance(from: lines[top].startIndex, to: lines[top].range(of: "┌ Compare with ")!.lowerBound)
        XCTAssertEqual((top..<(top + 7)).map { c.row($0, from: x, length: 31) }, [
            "┌ Compare with ───────────────┐",
            "│ none (no comparison)  (now) │",
            "│ random-1                    │",
            "│ tpe-seed2                   │",
            "│                             │",
            "│   enter takes, esc closes   │",
            "└─────────────────────────────┘",
        ])
        XCTAssertEqual(c[x + 2, top + 2].style.bg, .role(.selection), "the first study is highlighted")
        XCTAssertEqual(press([.down, .enter], &st, s), [.send(.compare(study: "tpe-seed2"))])
        XCTAssertEqual(st.flash?.text, "comparing with tpe-seed2")
        s.comparison = ComparisonCurve(study: "tpe-seed2", points: [])
        XCTAssertEqual(press([.char("C"), .up, .up, .enter], &st, s), [.send(.compare(study: nil))], "none removes it")
        XCTAssertEqual(st.flash?.text, "comparison removed")
        XCTAssertEqual(press([.char("C"), .char("C")], &st, s), [], "C again closes")
        XCTAssertNil(st.comparePicker)
        var view = DashboardState(mode: .view)
        XCTAssertEqual(press([.char("C"), .enter], &view, s), [.send(.compare(study: "tpe-seed2"))], "comparing changes no study")
    }

    func testThePromptEditsValidatesAndEnqueues() {
        var st = DashboardState()
        let s = Fixture.study()
        _ = press([.char("a")], &st, s)
        XCTAssertEqual(st.inputMode, .prompt)
        XCTAssertEqual(press("|nor_conv_3x3~0|q".map { Key.char($0) }, &st, s), [], "q and p type, they do not quit or pause")
        XCTAssertEqual(st.prompt?.string, "|nor_conv_3x3~0|q")
        _ = press([.backspace, .left, .left, .char("X"), .right, .right, .right, .char("Y"), .home, .char("<"), .end, .char(">")], &st, s)
        XCTAssertEqual(st.prompt?.string, "<|nor_conv_3x3~X0|Y>")
        _ = press([.home, .ctrl("d"), .ctrl("e"), .backspace], &st, s)
        XCTAssertEqual(st.prompt?.string, "|nor_conv_3x3~X0|Y")
        XCTAssertEqual(st.prompt?.cursor, 18)
        let validate = { (t: String) -> String? in t.contains("X") ? "unknown operation 'nor_conv_3x3~X0'; accepted: none, skip_connect" : nil }
        XCTAssertEqual(press([.enter], &st, s, validate: validate), [], "refused: the prompt stays open with the message")
        XCTAssertEqual(st.inputMode, .prompt)
        let c = render(s, 80, 24, st)
        // A box of 76 columns over the bottom of the panes, just above the log row and the status bar.
        XCTAssertEqual((17...21).map { c.row($0, from: 2, length: 76) }, [
            "┌ Enqueue an architecture ─────────────────────────────────────────────────┐",
            "│ > |nor_conv_3x3~X0|Y                                                     │",
            "│ unknown operation 'nor_conv_3x3~X0'; accepted: none, skip_connect        │",
            "│ enter enqueues  esc cancels  left/right, home/end move                   │",
            "└──────────────────────────────────────────────────────────────────────────┘",
        ])
        XCTAssertEqual(c[24, 18].style.bg, .role(.selection), "the cursor cell after the text")
        XCTAssertEqual(c[18, 19].style, .role(.warning, .bold), "the message in the warning colour")
        XCTAssertEqual(c.lines()[23], DashboardTests.statusBars[80], "the status bar stays")
        _ = press([.ctrl("u")], &st, s)
        XCTAssertEqual(press([.enter], &st, s), [])
        XCTAssertEqual(st.prompt?.error, "type or paste an architecture first")
        let hint = render(s, 80, 24, { var h = st; h.prompt?.error = nil; return h }())
        XCTAssertEqual(hint.row(19, from: 2, length: 76), "│ a DARTS Genotype(...), an NB201 |...| string or genotype JSON (space da… │")
        _ = press("  |skip_connect~0|  ".map { Key.char($0) }, &st, s)
        XCTAssertEqual(press([.enter], &st, s, validate: validate), [.send(.enqueue(architecture: "|skip_connect~0|"))])
        XCTAssertNil(st.prompt)
        XCTAssertEqual(st.flash?.text, "enqueued |skip_connect~0|: it is evaluated next")
        _ = press([.char("a"), .char("z"), .escape], &st, s)
        XCTAssertNil(st.prompt, "esc cancels")
        XCTAssertEqual(st.inputMode, .normal)
    }

    func testALongLineScrollsToKeepTheCursorInView() {
        var p = LinePrompt(title: "T", hint: "h")
        for c in String(repeating: "abcdefghij", count: 10) { p.insert(c) }
        XCTAssertEqual(p.scroll(width: 30), 71, "the end in view")
        p.home()
        XCTAssertEqual(p.scroll(width: 30), 0)
        var c = Canvas(width: 50, height: 5)
        p.end()
        p.render(into: &c, area: c.bounds)
        XCTAssertEqual(c.lines()[1], "  │ > " + "bcdefghij" + String(repeating: "abcdefghij", count: 3) + "  │  ")
        XCTAssertEqual(c[45, 1].style.bg, .role(.selection), "the cursor after the last character")
        XCTAssertEqual(c[44, 1].style.bg, .default)
        p.insert("\n")
        XCTAssertEqual(p.string.last, " ", "a pasted newline is a space: the prompt is one line")
    }
}
