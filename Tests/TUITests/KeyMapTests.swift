import XCTest
import Engine
@testable import TUI

final class KeyMapTests: XCTestCase {
    func testNormalKeys() {
        let n = InputMode.normal
        XCTAssertEqual(KeyMap.action(for: .char("p"), mode: n), .togglePause)
        XCTAssertEqual(KeyMap.action(for: .char(" "), mode: n), .togglePause)
        XCTAssertEqual(KeyMap.action(for: .up, mode: n), .move(-1))
        XCTAssertEqual(KeyMap.action(for: .char("k"), mode: n), .move(-1))
        XCTAssertEqual(KeyMap.action(for: .down, mode: n), .move(1))
        XCTAssertEqual(KeyMap.action(for: .char("j"), mode: n), .move(1))
        XCTAssertEqual(KeyMap.action(for: .pageDown, mode: n), .page(1))
        XCTAssertEqual(KeyMap.action(for: .char("G"), mode: n), .selectLast)
        XCTAssertEqual(KeyMap.action(for: .home, mode: n), .selectFirst)
        XCTAssertEqual(KeyMap.action(for: .char("x"), mode: n), .pruneSelected)
        XCTAssertEqual(KeyMap.action(for: .char("s"), mode: n), .openStrategyPicker)
        XCTAssertEqual(KeyMap.action(for: .char("e"), mode: n), .exportBest, "outside the picker e exports")
        XCTAssertNil(KeyMap.action(for: .char("r"), mode: n), "r, t, d only pick inside the picker")
        XCTAssertNil(KeyMap.action(for: .char("d"), mode: n))
        XCTAssertEqual(KeyMap.action(for: .tab, mode: n), .focusNext)
        XCTAssertEqual(KeyMap.action(for: .backTab, mode: n), .focusPrevious)
        XCTAssertEqual(KeyMap.action(for: .enter, mode: n), .toggleZoom)
        XCTAssertEqual(KeyMap.action(for: .escape, mode: n), .back)
        XCTAssertEqual(KeyMap.action(for: .char("T"), mode: n), .nextTheme)
        XCTAssertEqual(KeyMap.action(for: .char("t"), mode: n), nil)
        XCTAssertEqual(KeyMap.action(for: .char("?"), mode: n), .toggleHelp)
        XCTAssertEqual(KeyMap.action(for: .char("v"), mode: n), .toggleValues)
        XCTAssertEqual(KeyMap.action(for: .char("c"), mode: n), .toggleCell)
        XCTAssertEqual(KeyMap.action(for: .char("q"), mode: n), .quit)
        XCTAssertEqual(KeyMap.action(for: .ctrl("c"), mode: n), .quit)
        XCTAssertEqual(KeyMap.action(for: .resize, mode: n), .redraw)
        XCTAssertNil(KeyMap.action(for: .none, mode: n))
        XCTAssertNil(KeyMap.action(for: .char("z"), mode: n))
    }

    func testPickerAndHelpKeys() {
        let p = InputMode.picker
        XCTAssertEqual(KeyMap.action(for: .char("r"), mode: p), .pickStrategy("random"))
        XCTAssertEqual(KeyMap.action(for: .char("e"), mode: p), .pickStrategy("evolution"), "inside the picker e picks")
        XCTAssertEqual(KeyMap.action(for: .char("t"), mode: p), .pickStrategy("tpe"))
        XCTAssertEqual(KeyMap.action(for: .char("d"), mode: p), .pickStrategy("darts"))
        XCTAssertEqual(KeyMap.action(for: .down, mode: p), .pickerMove(1))
        XCTAssertEqual(KeyMap.action(for: .char("k"), mode: p), .pickerMove(-1))
        XCTAssertEqual(KeyMap.action(for: .enter, mode: p), .pickerConfirm)
        XCTAssertEqual(KeyMap.action(for: .escape, mode: p), .back)
        XCTAssertEqual(KeyMap.action(for: .char("q"), mode: p), .back, "q closes the picker rather than quitting")
        XCTAssertNil(KeyMap.action(for: .char("p"), mode: p))
        let h = InputMode.help
        XCTAssertEqual(KeyMap.action(for: .char("?"), mode: h), .toggleHelp)
        XCTAssertEqual(KeyMap.action(for: .escape, mode: h), .toggleHelp)
        XCTAssertEqual(KeyMap.action(for: .char("q"), mode: h), .quit)
        XCTAssertNil(KeyMap.action(for: .char("x"), mode: h))
        XCTAssertTrue(KeyMap.helpLines.allSatisfy { $0.unicodeScalars.allSatisfy { $0.value < 128 } })
        XCTAssertTrue(KeyMap.helpLines.contains { $0.contains("export") })
    }

    /// Feeds keys through the key map and the state, collecting the commands.
    private func press(_ keys: [Key], _ state: inout DashboardState, _ s: Snapshot) -> [DashboardState.Effect] {
        var out: [DashboardState.Effect] = []
        for k in keys {
            if let a = KeyMap.action(for: k, mode: state.inputMode) { out += state.apply(a, snapshot: s, now: 100) }
        }
        return out
    }

    func testPauseExportAndQuitSendCommands() {
        let s = Fixture.study()
        var st = DashboardState()
        XCTAssertEqual(press([.char("p")], &st, s), [.send(.togglePause)])
        XCTAssertEqual(st.flash?.text, "pausing at the next batch")
        XCTAssertEqual(press([.char(" ")], &st, s), [.send(.togglePause)])
        XCTAssertEqual(press([.char("e")], &st, s), [.send(.exportBest(path: nil))])
        XCTAssertTrue(st.flash!.text.contains("study.db"))
        XCTAssertEqual(press([.char("T")], &st, s), [.nextTheme])
        XCTAssertEqual(press([.char("q")], &st, s), [.send(.stop)])
        XCTAssertTrue(st.quitting)
        XCTAssertEqual(press([.char("q"), .char("p"), .char("x")], &st, s), [], "nothing more once quitting")
        XCTAssertEqual(press([.resize], &st, s), [.redraw])
    }

    func testPruneTheSelectedOrTheOnlyRunningTrial() {
        let s = Fixture.study()
        var st = DashboardState()
        XCTAssertEqual(press([.char("x")], &st, s), [.send(.prune(trialID: 12))], "nothing selected, one trial runs: that one")
        XCTAssertEqual(st.flash?.text, "pruning trial #12")
        XCTAssertEqual(st.flash?.isWarning, false)
        XCTAssertEqual(press([.down, .down, .char("x")], &st, s), [], "row 1 is finished")
        XCTAssertEqual(st.table.selected, 1)
        XCTAssertEqual(st.flash?.text, "trial #1 is not running: select a running trial (G or end jumps to the last)")
        XCTAssertEqual(st.flash?.isWarning, true)
        XCTAssertEqual(press([.char("G"), .char("x")], &st, s), [.send(.prune(trialID: 12))])
        XCTAssertEqual(st.table.selected, 12)
        XCTAssertEqual(st.selectedTrial(in: s)?.id, 12)
        XCTAssertEqual(st.flash?.text, "pruning trial #12")
        XCTAssertEqual(press([.up, .char("k")], &st, s), [])
        XCTAssertEqual(st.table.selected, 10)
        XCTAssertEqual(press([.escape], &st, s), [])
        XCTAssertNil(st.table.selected, "esc goes back to following the latest trial")
        // Flash messages expire.
        st.expireFlash(now: 100 + DashboardState.flashSeconds)
        XCTAssertNil(st.flash)

        // Several running (workers): x asks for a selection; the selected running one is pruned.
        var several = Fixture.study()
        several.runningTrials = [12, 13, 14].map { TrialRow(id: $0, strategy: "evolution", status: .running, summary: "arch-\($0)") }
        var sv = DashboardState()
        XCTAssertEqual(press([.char("x")], &sv, several), [])
        XCTAssertEqual(sv.flash?.text, "3 trials are running: select the trial to prune (G or end jumps to the last)")
        XCTAssertEqual(sv.flash?.isWarning, true)
        XCTAssertEqual(press([.char("G"), .up, .char("x")], &sv, several), [.send(.prune(trialID: 13))])
        // None running.
        var idle = Fixture.study(state: .finished)
        idle.runningTrials = []
        var si = DashboardState()
        XCTAssertEqual(press([.char("x")], &si, idle), [])
        XCTAssertEqual(si.flash?.text, "no trial is running")
    }

    func testStrategyPicker() {
        let s = Fixture.study()
        var st = DashboardState()
        XCTAssertEqual(press([.char("s")], &st, s), [])
        XCTAssertEqual(st.inputMode, .picker)
        XCTAssertEqual(st.picker?.selected, "evolution", "opens on the current strategy")
        XCTAssertEqual(press([.char("t")], &st, s), [.send(.switchStrategy("tpe"))])
        XCTAssertNil(st.picker)
        XCTAssertEqual(press([.char("s"), .char("e")], &st, s), [], "already evolution: nothing sent")
        XCTAssertEqual(st.flash?.text, "already searching with evolution")
        XCTAssertEqual(press([.char("s"), .down, .down, .enter], &st, s), [.send(.switchStrategy("darts"))])
        XCTAssertEqual(press([.char("s"), .up, .enter], &st, s), [.send(.switchStrategy("random"))])
        XCTAssertEqual(press([.char("s"), .up, .up, .enter], &st, s), [.send(.switchStrategy("darts"))], "wraps around")
        XCTAssertEqual(press([.char("s"), .escape], &st, s), [])
        XCTAssertNil(st.picker)
        XCTAssertEqual(press([.char("s"), .up, .char("q")], &st, s), [])
        XCTAssertFalse(st.quitting)
    }

    func testFocusZoomHelpAndHeatmapKeys() {
        let s = Fixture.study()
        var st = DashboardState()
        XCTAssertEqual(st.focus, .trials)
        _ = press([.tab], &st, s)
        XCTAssertEqual(st.focus, .fitness)
        _ = press([.tab, .tab, .tab], &st, s)
        XCTAssertEqual(st.focus, .pareto)
        _ = press([.backTab, .backTab], &st, s)
        XCTAssertEqual(st.focus, .operations)
        _ = press([.enter], &st, s)
        XCTAssertTrue(st.zoomed)
        _ = press([.down, .down, .char("v"), .char("c")], &st, s)
        XCTAssertEqual(st.heatmapOffset, 2, "up/down scroll the heatmap while Operations has focus")
        XCTAssertNil(st.table.selected)
        XCTAssertTrue(st.showValues)
        XCTAssertTrue(st.showReduce)
        _ = press([.escape], &st, s)
        XCTAssertFalse(st.zoomed)
        _ = press([.char("?")], &st, s)
        XCTAssertEqual(st.inputMode, .help)
        _ = press([.char("p")], &st, s)
        XCTAssertEqual(st.inputMode, .help, "help swallows other keys")
        _ = press([.escape], &st, s)
        XCTAssertEqual(st.inputMode, .normal)
        // Without a reduction cell, c says so and changes nothing.
        var nb = s
        nb.operations?.reduce = nil
        var st2 = DashboardState()
        _ = press([.char("c")], &st2, nb)
        XCTAssertFalse(st2.showReduce)
        XCTAssertNotNil(st2.flash)
    }

    func testPagingUsesTheTableHeight() {
        let s = Fixture.study(trials: 500)
        var st = DashboardState()
        st.tableRows = 20
        _ = press([.pageDown], &st, s)
        XCTAssertEqual(st.table.selected, 18)
        _ = press([.pageDown, .pageUp], &st, s)
        XCTAssertEqual(st.table.selected, 18)
        _ = press([.end], &st, s)
        XCTAssertEqual(st.table.selected, 500, "the running row comes last")
        _ = press([.char("g")], &st, s)
        XCTAssertEqual(st.table.selected, 0)
    }
}
