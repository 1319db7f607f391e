import Engine
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C presses seen by the SIGINT handler while the app runs (the first one quits cleanly,
/// the second restores the terminal and dies with the signal's default action).
nonisolated(unsafe) private var interruptRequests: Int32 = 0

/// The interactive front end: draws the latest snapshot about ten times a second, turns keys
/// into UI changes and engine commands, and never waits on the engine.
public enum TUIApp {
    /// How long one key read waits: the frame period.
    public static let frameMilliseconds = 100

    /// Runs the dashboard until the user quits and the engine has stopped.
    ///
    /// - Parameters:
    ///   - store: where the engine publishes snapshots and takes commands.
    ///   - themes: the themes directory (key T cycles through it); nil: the built-in theme only.
    ///   - themeName: the theme to start with (default: "default").
    ///   - engineDone: true once the engine thread has finished; must not block.
    /// - Returns: the exit code (0 after a clean quit).
    /// - Throws: `ThemeError` for an unknown theme and `BackendError` when the terminal cannot
    ///   be opened, both before the screen is touched.
    public static func run(store: StateStore, themes: ThemeLibrary?, themeName: String?,
                           engineDone: @escaping () -> Bool) throws -> Int32 {
        var currentTheme = themeName ?? "default"
        let theme: Theme
        if let lib = themes {
            theme = try lib.load(currentTheme)
        } else if currentTheme == "default" {
            theme = .builtinDefault
        } else {
            throw ThemeError(file: "themes/\(currentTheme).theme", line: nil, key: nil,
                             message: "no themes directory found (looked in $NAS_TUI_THEMES, ./themes and beside the executable); only \"default\" is built in")
        }

        let backend = try NcursesBackend(theme: theme, environment: ProcessInfo.processInfo.environment)
        // Signals nobody else handles restore the terminal before they end the process; signals
        // the caller handles (e.g. SIGINT/SIGTERM turned into a stop command) are left alone:
        // the engine then stops and the loop below ends because the engine is done.
        NcursesBackend.installRestoreHandlers(signals: [SIGTERM, SIGHUP, SIGQUIT].filter(hasDefaultAction))
        interruptRequests = 0
        // Ctrl-C quits like q when nobody else handles SIGINT; a second Ctrl-C forces the exit.
        let ownInterrupt = hasDefaultAction(SIGINT)
        if ownInterrupt {
            signal(SIGINT) { _ in
                if interruptRequests > 0 {
                    NcursesBackend.restoreTerminal()
                    signal(SIGINT, SIG_DFL)
                    raise(SIGINT)
                    return
                }
                interruptRequests = 1
            }
        }
        // Signals the caller already handles (say, SIGINT/SIGTERM turned into a stop command) are
        // watched here too, so the screen quits on them even after the search has finished.
        let watched = SignalWatch(signals: [SIGINT, SIGTERM, SIGHUP].filter { !hasDefaultAction($0) })
        defer {
            watched.cancel()
            backend.restore()
            if ownInterrupt { signal(SIGINT, SIG_DFL) }
        }

        var state = DashboardState()
        state.themeName = currentTheme
        var lastVersion = Int.min
        var lastSize = Size(width: -1, height: -1)
        var lastState: DashboardState? = nil
        var forceDraw = true

        func perform(_ effects: [DashboardState.Effect], now: Double) {
            for effect in effects {
                switch effect {
                case .send(let command):
                    store.send(command)
                case .redraw:
                    backend.invalidate()
                    forceDraw = true
                case .nextTheme:
                    guard let lib = themes else {
                        state.say("no themes directory (set NAS_TUI_THEMES or run beside themes/)", now: now, warning: true)
                        continue
                    }
                    let next = lib.next(after: currentTheme)
                    do {
                        backend.setTheme(try lib.load(next))
                        currentTheme = next
                        state.themeName = next
                        state.say("theme: \(next)", now: now)
                    } catch {
                        state.say("\(error)", now: now, warning: true)
                    }
                }
            }
        }

        while true {
            let now = monotonicSeconds()
            state.expireFlash(now: now)
            let (snapshot, version) = store.take()
            if (interruptRequests > 0 || watched.received) && !state.quitting {
                perform(state.apply(.quit, snapshot: snapshot, now: now), now: now)
            }
            if state.quitting && (engineDone() || snapshot.state == .finished) { break }
            // The engine ended without our q (a stop from a signal, or a failure): leave too.
            // Only a search that met its budget stays on screen until the user quits.
            if engineDone() && !(snapshot.state == .finished && snapshot.finishedTrials >= snapshot.budget) { break }

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

            // Wait up to one frame for a key, then take whatever else is already queued.
            var key = backend.readKey(timeoutMs: frameMilliseconds)
            var handled = 0
            while key != .none && handled < 64 {
                if let action = KeyMap.action(for: key, mode: state.inputMode) {
                    let t = monotonicSeconds()
                    perform(state.apply(action, snapshot: snapshot, now: t), now: t)
                }
                handled += 1
                key = backend.readKey(timeoutMs: 0)
            }
        }
        return 0
    }

    /// Whether `sig` still has its default action (no handler, not ignored).
    static func hasDefaultAction(_ sig: Int32) -> Bool {
        #if canImport(Glibc)
        var current = sigaction()
        guard sigaction(sig, nil, &current) == 0 else { return false }
        return current.__sigaction_handler.sa_handler == nil
        #else
        return true
        #endif
    }

    /// Seconds on a clock that never jumps (for flash messages).
    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// Dispatch signal sources that note a signal without changing how the process handles it.
private final class SignalWatch: @unchecked Sendable {
    private let lock = NSLock()
    private var seen = false
    private var sources: [DispatchSourceSignal] = []

    init(signals: [Int32]) {
        for number in signals {
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock(); self.seen = true; self.lock.unlock()
            }
            source.resume()
            sources.append(source)
        }
    }

    var received: Bool { lock.lock(); defer { lock.unlock() }; return seen }

    func cancel() {
        for s in sources { s.cancel() }
        sources.removeAll()
    }
}
