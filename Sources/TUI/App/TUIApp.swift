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

/// The interactive front end on the real terminal: the dashboard (`run`) and the study picker
/// (`pickStudy`). Both open ncurses, handle the signals that would leave the terminal broken,
/// and give the terminal back before they return. The loops themselves (`DashboardLoop`,
/// `StudyPicker.run`) work on any `TerminalBackend`.
public enum TUIApp {
    /// How long one key read waits: the frame period.
    public static let frameMilliseconds = DashboardLoop.frameMilliseconds

    /// How the dashboard loop ended.
    public enum Exit: Hashable, Sendable {
        /// q under `run`: `.stop` was sent and the engine has stopped (or the study had finished).
        case quit
        /// q under `attach` or `view`: left at once, nothing sent; the study goes on.
        case detached
        /// The engine ended by itself (a stop from a signal, a failure) without meeting its budget.
        case engineEnded
        /// The frame limit a test asked for was reached.
        case frameLimit
    }

    /// Runs the dashboard until the user quits (and, under `run`, the engine has stopped).
    ///
    /// - Parameters:
    ///   - store: where snapshots are published and commands taken (the engine's, or under
    ///     attach/view the process that builds snapshots from the storage and writes commands to it).
    ///   - mode: `.run` (q stops the engine), `.attach` (q leaves, the study runs on) or `.view`
    ///     (read-only: keys that would change the study are refused; q leaves).
    ///   - themes: the themes directory (key T cycles through it); nil: the built-in theme only.
    ///   - themeName: the theme to start with (default: "default").
    ///   - validateArchitecture: checks an architecture typed at the `a` prompt before it is sent
    ///     as `.enqueue`: nil when it is valid, else the message the prompt shows.
    ///   - engineDone: true once the engine (or the snapshot reader) has finished; must not block.
    /// - Returns: the exit code (0 after a clean quit or detach).
    /// - Throws: `ThemeError` for an unknown theme and `BackendError` when the terminal cannot
    ///   be opened, both before the screen is touched.
    public static func run(store: StateStore, mode: ViewMode = .run, themes: ThemeLibrary?, themeName: String?,
                           validateArchitecture: @escaping (String) -> String? = { _ in nil },
                           engineDone: @escaping () -> Bool) throws -> Int32 {
        let name = themeName ?? "default"
        let theme = try loadTheme(name, from: themes)
        let backend = try NcursesBackend(theme: theme, environment: ProcessInfo.processInfo.environment)
        // Signals nobody else handles restore the terminal before they end the process; signals
        // the caller handles (e.g. SIGINT/SIGTERM turned into a stop command) are left alone:
        // the engine then stops and the loop ends because the engine is done.
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
        let loop = DashboardLoop(store: store, backend: backend, mode: mode, themes: themes, themeName: name,
                                 validate: validateArchitecture, engineDone: engineDone, clock: monotonicSeconds)
        loop.interrupted = { interruptRequests > 0 || watched.received }
        _ = loop.run()
        return 0
    }

    /// Lets the user pick one of `studies` on the real terminal (attach and view without --study):
    /// a list of name, status, trials and best accuracy; arrows and enter pick, q or esc leave.
    /// Returns the chosen name, nil when the user left. With one study it returns that one and
    /// with none nil, without opening the terminal.
    /// - Throws: `ThemeError` and `BackendError` as `run` does, before the screen is touched.
    public static func pickStudy(_ studies: [StudySummary], storage: String, themes: ThemeLibrary?,
                                 themeName: String?) throws -> String? {
        if studies.count <= 1 { return studies.first?.name }
        let theme = try loadTheme(themeName ?? "default", from: themes)
        let backend = try NcursesBackend(theme: theme, environment: ProcessInfo.processInfo.environment)
        // Until the dashboard takes over, the usual ways out restore the terminal; the handlers
        // are taken back afterwards so the dashboard (or the caller) can install its own.
        let restored = [SIGINT, SIGTERM, SIGHUP, SIGQUIT].filter(hasDefaultAction)
        NcursesBackend.installRestoreHandlers(signals: restored)
        defer {
            backend.restore()
            for s in restored { signal(s, SIG_DFL) }
        }
        var picker = StudyPicker(studies: studies, storage: storage)
        return picker.run(on: backend)
    }

    /// The theme `name` from `themes`; without a themes directory only "default" (built in) exists.
    public static func loadTheme(_ name: String, from themes: ThemeLibrary?) throws -> Theme {
        if let lib = themes { return try lib.load(name) }
        if name == "default" { return .builtinDefault }
        throw ThemeError(file: "themes/\(name)\(ThemeLibrary.fileExtension)", line: nil, key: nil,
                         message: "no themes directory found (looked in $NAS_TUI_THEMES, ./themes and beside the executable); only \"default\" is built in")
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
