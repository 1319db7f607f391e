import XCTest
import Engine
@testable import TUI

/// The app's loop rules on the test backend: scripted keys, the screen as text, a simulated clock.
final class TUILoopTests: XCTestCase {
    /// A value the script's steps and the engine stand-in share.
    final class Box<T> {
        var value: T
        init(_ value: T) { self.value = value }
    }

    private func loop(_ backend: TestBackend, _ store: StateStore, mode: ViewMode = .run, themes: ThemeLibrary? = nil,
                      validate: @escaping (String) -> String? = { _ in nil },
                      engineDone: @escaping () -> Bool = { false }) -> DashboardLoop {
        DashboardLoop(store: store, backend: backend, mode: mode, themes: themes, themeName: "default",
                      validate: validate, engineDone: engineDone, clock: { backend.clock })
    }

    private func makeStore(_ s: Snapshot = Fixture.study()) -> StateStore {
        let store = StateStore()
        store.publish(s)
        return store
    }

    func testQuitSendsStopAndLeavesOnceTheEngineIsDone() {
        let store = makeStore()
        let done = Box(false)
        let received = Box<[Command]>([])
        let backend = TestBackend(size: Size(width: 80, height: 24), script: [
            .idle, .key(.char("q")), .idle, .idle,
            .call { received.value = store.drainCommands() }, .idle,
            .call { done.value = true },
        ])
        let app = loop(backend, store, engineDone: { done.value })
        XCTAssertEqual(app.run(maxFrames: 50), .quit)
        XCTAssertEqual(received.value, [.stop], "q sends .stop once")
        XCTAssertTrue(backend.scriptDone, "the loop waited for the engine: every step was played")
        XCTAssertEqual(backend.clock, 0.5, accuracy: 1e-9, "five frames of 100 ms: it stayed while the engine stopped")
        XCTAssertEqual(backend.lines[23], " evolution  STOPPING  12/100  best 91.00%  1:35  ETA 5:00" + String(repeating: " ", count: 13) + "stopping… ")
        XCTAssertEqual(backend.lines[22], " stopping: the engine finishes its current batch" + String(repeating: " ", count: 32))
        XCTAssertEqual(store.drainCommands(), [], "nothing else was sent")
    }

    func testAnEngineThatEndsWithoutMeetingItsBudgetMakesTheAppLeave() {
        // It was already over (say SIGTERM stopped it, or it failed) before the first frame.
        let backend = TestBackend(size: Size(width: 80, height: 24))
        XCTAssertEqual(loop(backend, makeStore(), engineDone: { true }).run(maxFrames: 50), .engineEnded)
        XCTAssertEqual(backend.draws, 0)
        // It ends while we watch: a finished state with 12 of 100 trials did not meet the budget.
        var short = Fixture.study(state: .finished)
        short.runningTrials = []
        let done = Box(false)
        let later = TestBackend(size: Size(width: 80, height: 24), script: [.idle, .idle, .call { done.value = true }])
        XCTAssertEqual(loop(later, makeStore(short), engineDone: { done.value }).run(maxFrames: 50), .engineEnded)
        XCTAssertEqual(later.clock, 0.3, accuracy: 1e-9)
        XCTAssertEqual(later.draws, 1)
        // A simulated-seconds budget that is spent counts as met.
        var seconds = short
        seconds.budgetSeconds = 500
        seconds.spentSeconds = 512
        XCTAssertEqual(loop(TestBackend(), makeStore(seconds), engineDone: { true }).run(maxFrames: 5), .frameLimit)
    }

    func testAFinishedStudyStaysOnScreenUntilQ() {
        var s = Fixture.study(trials: 100, state: .finished)
        s.runningTrials = []
        let backend = TestBackend(size: Size(width: 80, height: 24), script: Array(repeating: .idle, count: 30) + [.key(.char("q"))])
        let app = loop(backend, makeStore(s), engineDone: { true })
        XCTAssertEqual(app.run(maxFrames: 100), .quit)
        XCTAssertEqual(backend.clock, 3.0, accuracy: 1e-9, "30 frames on screen, then q")
        XCTAssertEqual(backend.reads.map(\.key), [.char("q")])
        XCTAssertEqual(backend.lines[23], " evolution  FINISHED  100/100  best 91.00%  1:35" + String(repeating: " ", count: 17) + "? help  q quit ")
        // Without q it never leaves by itself.
        let idle = TestBackend(size: Size(width: 80, height: 24))
        XCTAssertEqual(loop(idle, makeStore(s), engineDone: { true }).run(maxFrames: 40), .frameLimit)
    }

    func testKeysQueuedInOneFrameAreAllTakenBeforeTheNextDraw() {
        let backend = TestBackend(size: Size(width: 80, height: 24),
                                  script: [.idle] + Array(repeating: .key(.char("j")), count: 5) + [.idle])
        let app = loop(backend, makeStore())
        XCTAssertEqual(app.run(maxFrames: 3), .frameLimit)
        XCTAssertEqual(backend.reads.count, 5)
        XCTAssertEqual(Set(backend.reads.map(\.drawsBefore)), [1], "the five keys were read in one frame")
        XCTAssertEqual(backend.draws, 2, "one draw before, one after")
        XCTAssertEqual(app.state.table.selected, 4)
        // The table scrolled to the selection; its row is highlighted across the pane.
        let y = backend.lines.firstIndex { $0.hasPrefix("│    4 evolution complete  84.00   4.00   104k      2 arch-4 ") }
        XCTAssertNotNil(y, backend.text)
        if let y { XCTAssertEqual(backend.screen?[1, y].style.bg, .role(.selection)) }

        // At most 64 keys a frame outside the prompt: the rest wait for the next frame.
        let many = TestBackend(size: Size(width: 80, height: 24), script: [.idle] + Array(repeating: .key(.char("j")), count: 100))
        XCTAssertEqual(loop(many, makeStore()).run(maxFrames: 4), .frameLimit)
        XCTAssertEqual(many.reads.count, 100)
        XCTAssertEqual(many.reads[63].drawsBefore, 1)
        XCTAssertEqual(many.reads[64].drawsBefore, 2)
    }

    func testResizeRedrawsAtTheNewSize() {
        let backend = TestBackend(size: Size(width: 80, height: 24), script: [
            .idle, .resize(Size(width: 100, height: 30)), .idle, .resize(Size(width: 30, height: 8)), .idle,
        ])
        let app = loop(backend, makeStore())
        XCTAssertEqual(app.run(maxFrames: 3), .frameLimit)
        XCTAssertEqual(backend.draws, 2)
        XCTAssertEqual(backend.invalidations, 1, "a resize repaints every cell")
        XCTAssertEqual(backend.screen?.size, Size(width: 100, height: 30))
        XCTAssertEqual(backend.lines[29], " evolution  RUNNING  12/100 (12%)  best 91.00%  1:35  ETA 5:00" + String(repeating: " ", count: 23)
                       + "? help  q quit ")
        DashboardTests.assertTitlesAtTheirPlaces(backend.screen!)
        XCTAssertEqual(app.run(maxFrames: 2), .frameLimit)
        XCTAssertEqual(backend.screen?.size, Size(width: 30, height: 8))
        XCTAssertEqual(backend.lines[3], "   terminal too small: need   ")
        XCTAssertEqual(backend.lines[4], "       60×16, have 30×8       ")
    }

    func testAttachAndViewLeaveOnQWithoutStoppingTheStudy() {
        for mode in [ViewMode.attach, .view] {
            let store = makeStore()
            let backend = TestBackend(size: Size(width: 80, height: 24), script: [.idle, .key(.char("q"))])
            XCTAssertEqual(loop(backend, store, mode: mode).run(maxFrames: 20), .detached, "\(mode)")
            XCTAssertEqual(store.drainCommands(), [], "\(mode): nothing sent, the study goes on")
            let quit = mode == .attach ? "q detach" : "q leave"
            XCTAssertTrue(backend.lines[23].hasSuffix("  ? help  \(quit) "), backend.lines[23])
            // A signal that would quit leaves the same way.
            let signalled = TestBackend()
            let app = loop(signalled, store, mode: mode)
            app.interrupted = { true }
            XCTAssertEqual(app.run(maxFrames: 20), .detached)
            XCTAssertEqual(store.drainCommands(), [])
        }
        // Under run, the signal stops the engine first.
        let store = makeStore()
        let done = Box(false)
        let backend = TestBackend(script: [.idle, .call { done.value = true }])
        let app = loop(backend, store, engineDone: { done.value })
        app.interrupted = { true }
        XCTAssertEqual(app.run(maxFrames: 20), .quit)
        XCTAssertEqual(store.drainCommands(), [.stop])
    }

    func testViewRefusesEveryKeyThatWouldChangeTheStudy() {
        let store = makeStore()
        let keys: [Character] = ["p", " ", "x", "s", "e", "+", "-", "a"]
        for k in keys {
            let backend = TestBackend(size: Size(width: 100, height: 30), script: [.key(.char(k)), .idle])
            let app = loop(backend, store, mode: .view)
            XCTAssertEqual(app.run(maxFrames: 2), .frameLimit)
            XCTAssertEqual(store.drainCommands(), [], "\(k) sends nothing under view")
            XCTAssertEqual(app.state.inputMode, .normal, "\(k) opens nothing under view")
            let log = backend.lines[28]
            XCTAssertTrue(log.hasPrefix(" read-only view: "), "\(k): \(log)")
            XCTAssertTrue(log.contains(" would change the study (nas-tui attach steers it)"), "\(k): \(log)")
            XCTAssertTrue(backend.lines[29].hasPrefix(" evolution  RUNNING  VIEW  12/100 (12%)  "), backend.lines[29])
        }
        // Looking around still works: selection, help, zoom.
        let backend = TestBackend(size: Size(width: 100, height: 30), script: [.key(.char("G")), .key(.enter), .idle])
        let app = loop(backend, store, mode: .view)
        _ = app.run(maxFrames: 2)
        XCTAssertEqual(app.state.table.selected, 12)
        XCTAssertTrue(app.state.zoomed)
        XCTAssertEqual(store.drainCommands(), [])
    }

    func testASnapshotBuiltForViewIsReadOnlyWhateverTheAppWasTold() {
        var s = Fixture.study()
        s.mode = .view
        let store = makeStore(s)
        let backend = TestBackend(size: Size(width: 100, height: 30), script: [.key(.char("p")), .idle, .key(.char("q"))])
        XCTAssertEqual(loop(backend, store, mode: .run).run(maxFrames: 10), .detached)
        XCTAssertEqual(store.drainCommands(), [], "neither p nor q sent anything")
        XCTAssertTrue(backend.lines[29].hasPrefix(" evolution  RUNNING  VIEW  "), backend.lines[29])
        XCTAssertTrue(backend.lines[28].hasPrefix(" read-only view: pausing or resuming would change the study"), backend.lines[28])
        // The app's own mode is not loosened by a snapshot: view stays view.
        XCTAssertEqual(DashboardState(mode: .view).connection(Fixture.study()), .view)
        XCTAssertEqual(DashboardState(mode: .attach).connection(s), .view)
        XCTAssertEqual(DashboardState(mode: .run).connection(Fixture.study()), .run)
    }

    func testThemeKeyCyclesThroughTheLibrary() {
        let lib = ThemeLibrary(directory: ThemeTests.themesDir)
        let backend = TestBackend(size: Size(width: 100, height: 30), script: [.key(.char("T")), .idle, .key(.char("?")), .idle])
        let app = loop(backend, makeStore(), themes: lib)
        _ = app.run(maxFrames: 3)
        XCTAssertEqual(backend.themesSet, ["high-contrast"])
        XCTAssertEqual(backend.theme.colors[.background], .rgb(RGB(0, 0, 0)))
        XCTAssertEqual(app.themeName, "high-contrast")
        XCTAssertTrue(backend.lines.contains { $0.contains("? or esc closes   theme: high-contrast") }, backend.text)
        // Without a themes directory T says so.
        let none = TestBackend(size: Size(width: 100, height: 30), script: [.key(.char("T")), .idle])
        _ = loop(none, makeStore()).run(maxFrames: 2)
        XCTAssertEqual(none.themesSet, [])
        XCTAssertTrue(none.lines[28].hasPrefix(" no themes directory (set NAS_TUI_THEMES or run beside themes/)"), none.lines[28])
    }

    func testAPasteIntoThePromptArrivesInOneFrameAndEnterEnqueues() {
        let genotype = "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), "
            + "('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)], normal_concat=range(2, 6), "
            + "reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('max_pool_3x3', 0), "
            + "('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], reduce_concat=range(2, 6))"
        XCTAssertGreaterThan(genotype.count, 300)
        let store = makeStore()
        let checked = Box<[String]>([])
        let backend = TestBackend(size: Size(width: 120, height: 30), script: [
            .key(.char("a")), .idle, .text(genotype), .idle, .key(.enter), .idle,
        ])
        let app = loop(backend, store, validate: { checked.value.append($0); return nil })
        XCTAssertEqual(app.run(maxFrames: 4), .frameLimit)
        let pasted = backend.reads.dropFirst().prefix(genotype.count)
        XCTAssertEqual(Set(pasted.map(\.drawsBefore)), [2], "every pasted character was taken in one frame")
        XCTAssertEqual(checked.value, [genotype])
        XCTAssertEqual(store.drainCommands(), [.enqueue(architecture: genotype)])
        XCTAssertNil(app.state.prompt)
        XCTAssertTrue(backend.lines[28].hasPrefix(" enqueued Genotype(normal=[('sep_conv_3x3', 0), "), backend.lines[28])
        XCTAssertTrue(backend.lines[28].hasSuffix("('skip_… "), backend.lines[28])
    }

    func testFlashMessagesExpireOnTheClock() {
        let store = makeStore()
        let backend = TestBackend(size: Size(width: 80, height: 24), script: [.key(.char("p"))])
        let app = loop(backend, store)
        _ = app.run(maxFrames: 2)
        XCTAssertEqual(backend.lines[22], " pausing at the next batch" + String(repeating: " ", count: 54))
        _ = app.run(maxFrames: 45)
        XCTAssertEqual(backend.lines[22], " trial 11 complete: 91.00%" + String(repeating: " ", count: 54), "gone after 4 s")
        XCTAssertEqual(store.drainCommands(), [.togglePause])
    }
}
