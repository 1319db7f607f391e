import Engine

/// The UI thread's loop on any terminal backend: draws the latest snapshot when it, the UI state
/// or the terminal size changed, waits up to one frame for a key and then takes every key already
/// queued (a paste into the prompt arrives as many keys in one frame), and applies its rules for
/// leaving:
///
/// - q under `run` sends `.stop` and leaves once the engine is done (or the study has finished);
/// - q under `attach` and `view` leaves at once and sends nothing: the study goes on;
/// - an engine that ended by itself without meeting its budget (a stop from a signal, a failure)
///   makes the loop leave; a study that met its budget stays on screen until q.
///
/// `TUIApp.run` drives it on ncurses; tests drive it on a `TestBackend` with a simulated clock.
public final class DashboardLoop {
    public let store: StateStore
    public let backend: TerminalBackend
    /// The UI state (readable after `run` returns, for tests).
    public private(set) var state: DashboardState
    public let themes: ThemeLibrary?
    public private(set) var themeName: String
    let validate: (String) -> String?
    let engineDone: () -> Bool
    let clock: () -> Double
    /// True when the process was asked to stop (SIGINT and the like): the loop quits as on q.
    public var interrupted: () -> Bool = { false }

    /// How long one key read waits: the frame period.
    public static let frameMilliseconds = 100
    /// Keys handled in one frame at most; while the prompt is open, enough for a long paste.
    public static let keysPerFrame = 64
    public static let keysPerFrameInPrompt = 4096

    /// - Parameters:
    ///   - mode: run, attach or view (decides what q does and which keys are refused).
    ///   - themeName: the theme the backend starts with (T cycles from it through `themes`).
    ///   - validate: checks an architecture typed at the `a` prompt: nil when valid, else the message.
    ///   - engineDone: true once whatever produces the snapshots has ended; must not block.
    ///   - clock: seconds on a clock that never jumps (flash messages expire by it).
    public init(store: StateStore, backend: TerminalBackend, mode: ViewMode, themes: ThemeLibrary?, themeName: String,
                validate: @escaping (String) -> String?, engineDone: @escaping () -> Bool, clock: @escaping () -> Double) {
        self.store = store; self.backend = backend; self.themes = themes; self.themeName = themeName
        self.validate = validate; self.engineDone = engineDone; self.clock = clock
        state = DashboardState(mode: mode)
        state.themeName = themeName
    }

    /// Whether a finished study met its budget (trials, or simulated seconds when it has those).
    public static func metBudget(_ s: Snapshot) -> Bool {
        guard s.state == .finished else { return false }
        if let seconds = s.budgetSeconds, s.spentSeconds >= seconds { return true }
        return s.finishedTrials >= s.budget
    }

    /// Runs until one of the rules above says leave; `maxFrames` (tests) ends it after that many frames.
    public func run(maxFrames: Int? = nil) -> TUIApp.Exit {
        var lastVersion = Int.min
        var lastSize = Size(width: -1, height: -1)
        var lastState: DashboardState? = nil
        var forceDraw = true
        var frames = 0
        while true {
            let now = clock()
            state.expireFlash(now: now)
            let (snapshot, version) = store.take()
            if interrupted() && !state.quitting {
                if perform(state.apply(.quit, snapshot: snapshot, now: now), now: now, forceDraw: &forceDraw) { return .detached }
            }
            if state.quitting && (engineDone() || snapshot.state == .finished) { return .quit }
            if engineDone() && !Self.metBudget(snapshot) { return .engineEnded }

            let size = backend.size
            if forceDraw || version != lastVersion || size != lastSize || state != lastState {
                var canvas = backend.makeCanvas()
                Dashboard(snapshot: snapshot).render(into: &canvas, state: &state)
                backend.draw(canvas)
                lastVersion = version
                lastSize = size
                lastState = state
                forceDraw = false
            }
            frames += 1
            if let maxFrames, frames >= maxFrames { return .frameLimit }

            // Wait up to one frame for a key, then take whatever else is already queued.
            var key = backend.readKey(timeoutMs: Self.frameMilliseconds)
            var handled = 0
            while key != .none {
                if let action = KeyMap.action(for: key, mode: state.inputMode) {
                    let t = clock()
                    if perform(state.apply(action, snapshot: snapshot, now: t, validate: validate), now: t, forceDraw: &forceDraw) {
                        return .detached
                    }
                }
                handled += 1
                if handled >= (state.inputMode == .prompt ? Self.keysPerFrameInPrompt : Self.keysPerFrame) { break }
                key = backend.readKey(timeoutMs: 0)
            }
        }
    }

    /// Carries out the effects of an action; true when the loop must leave now.
    private func perform(_ effects: [DashboardState.Effect], now: Double, forceDraw: inout Bool) -> Bool {
        for effect in effects {
            switch effect {
            case .send(let command):
                store.send(command)
            case .redraw:
                backend.invalidate()
                forceDraw = true
            case .leave:
                return true
            case .nextTheme:
                guard let lib = themes else {
                    state.say("no themes directory (set NAS_TUI_THEMES or run beside themes/)", now: now, warning: true)
                    continue
                }
                let next = lib.next(after: themeName)
                do {
                    backend.setTheme(try lib.load(next))
                    themeName = next
                    state.themeName = next
                    state.say("theme: \(next)", now: now)
                } catch {
                    state.say("\(error)", now: now, warning: true)
                }
            }
        }
        return false
    }
}
